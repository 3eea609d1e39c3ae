"""Billing accounts: creating one (with its enterprise admin) and reading it back as a contract."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts import CompanyInfo, NewAccount, PaymentMethod, SubscriptionLine, no_account
from models.refusals import RuleBroken, because
from models.seat_order import AccountSnapshot, PricedLine
from store import tax_rates
from store.tables import Account, AccountOrder, AccountSubscription, EnterpriseAdmin, PaymentCard


class AccountExists(RuleBroken):
    """The account, or its admin's address, is there already: the reason says which."""


async def create(session: AsyncSession, account: NewAccount, password_hash: str, request_digest: str) -> None:
    """One transaction: the account, its subscriptions and its enterprise admin (must change the password).
    ``request_digest`` remembers the request, so that sending it again can be told from a different one."""
    if await session.get(Account, account.account_no) is not None:
        raise AccountExists(because("Account %(account_no)s exists already.", account_no=account.account_no))
    taken = (
        await session.execute(
            select(EnterpriseAdmin.account_no).where(EnterpriseAdmin.email == account.company.admin_email.lower())
        )
    ).scalar_one_or_none()
    if taken is not None:
        raise AccountExists(
            because(
                "%(email)s is already the admin of account %(account_no)s.",
                email=account.company.admin_email,
                account_no=taken,
            )
        )
    company = account.company.model_dump(mode="json", exclude={"admin_email"})
    opened_at = datetime.now(UTC)
    session.add(
        Account(
            account_no=account.account_no,
            customer_name=account.company.customer_name,
            customer_type=account.customer_type,
            billing_contact_email=str(account.billing_contact_email).lower(),
            billing_contact_name=account.billing_contact_name,
            self_service=account.self_service,
            payment_method=account.payment_method.value,
            card_token=None,
            currency=account.currency,
            tax_rate=str(account.tax_rate),
            company=company,
            billing_address=None,
            billing_country=account.billing_country,
            open_quote_order_no=None,
            language=account.language,
            time_zone=account.time_zone,
            created_at=opened_at,
            request_digest=request_digest,
        )
    )
    await session.flush()
    for line in account.subscriptions:
        session.add(
            AccountSubscription(
                account_no=account.account_no,
                product=line.product.value,
                edition=line.edition.value,
                seats=line.seats,
                used=0,
                unit_price=str(line.unit_price),
                renewal_date=line.renewal_date,
            )
        )
    for line in account.subscriptions:
        if line.seats:
            session.add(first_purchase(account, line, opened_at))
    session.add(
        EnterpriseAdmin(
            account_no=account.account_no,
            email=str(account.company.admin_email).lower(),
            name=account.company.admin_name,
            password_hash=password_hash,
            must_change_password=True,
            password_changed_at=None,
        )
    )
    await session.flush()


FIRST_PURCHASE = "account increase"
"""Seed 000's row 1: the account's first purchase is an account increase like every later one, its running
total its own quantity, with no payment or invoice type (无) and the account's number as its order number."""


def first_purchase(account: NewAccount, line: SubscriptionLine, at: datetime) -> AccountOrder:
    return AccountOrder(
        account_no=account.account_no,
        order_no=account.account_no,
        ordered_at=at,
        kind=FIRST_PURCHASE,
        product=line.product.value,
        edition=line.edition.value,
        quantity=line.seats,
        running_total=line.seats,
        payment_type="",  # shown as the seed's 无
        invoice_type="",
        customer_type=account.customer_type,
        promotion=None,
        expires_at=line.renewal_date,
        available=True,
    )


async def subscription_rows(session: AsyncSession, account_no: str) -> list[AccountSubscription]:
    """The account's product editions, by product and edition."""
    found = await session.execute(
        select(AccountSubscription)
        .where(AccountSubscription.account_no == account_no)
        .order_by(AccountSubscription.product, AccountSubscription.edition)
    )
    return list(found.scalars())


async def subscriptions(session: AsyncSession, account_no: str) -> list[SubscriptionLine]:
    rows = await subscription_rows(session, account_no)
    return [
        SubscriptionLine(
            product=row.product,  # type: ignore[arg-type]
            edition=row.edition,  # type: ignore[arg-type]
            seats=row.seats,
            unit_price=Decimal(row.unit_price),
            renewal_date=row.renewal_date,
        )
        for row in rows
    ]


async def request_digest(session: AsyncSession, account_no: str) -> str | None:
    return await session.scalar(select(Account.request_digest).where(Account.account_no == account_no))


async def set_first_password(session: AsyncSession, account_no: str, password_hash: str) -> bool:
    """A new first password for the account's admin, who must change it at the next login (False: no such admin)."""
    admin = await session.get(EnterpriseAdmin, account_no)
    if admin is None:
        return False
    admin.password_hash = password_hash
    admin.must_change_password = True
    await session.flush()
    return True


async def exists(session: AsyncSession, account_no: str) -> bool:
    return await session.get(Account, account_no) is not None


async def company_info(session: AsyncSession, account_no: str) -> CompanyInfo | None:
    account = await session.get(Account, account_no)
    admin = await session.get(EnterpriseAdmin, account_no)
    if account is None or admin is None:
        return None
    return CompanyInfo.model_validate({**account.company, "admin_email": admin.email})


def admin_language(admin: EnterpriseAdmin, account: Account) -> str:
    """The language the enterprise admin reads: their own choice in the portal, else the account's."""
    return admin.language or account.language


async def billing_contact(session: AsyncSession, account_no: str) -> Account | None:
    return await session.get(Account, account_no)


async def set_billing_contact(session: AsyncSession, account_no: str, name: str, email: str, language: str) -> None:
    """The receipts' recipient from the next seat order on (an order in progress keeps the contact it started
    with), and the account's language with it."""
    account = await session.get(Account, account_no)
    if account is None:
        raise RuleBroken(no_account(account_no))
    account.billing_contact_name, account.billing_contact_email, account.language = name, email.lower(), language
    await session.flush()


async def admin_language_of(session: AsyncSession, account_no: str) -> str:
    admin = await session.get(EnterpriseAdmin, account_no)
    account = await session.get(Account, account_no)
    return admin_language(admin, account) if admin is not None and account is not None else "en"


async def set_preferences(session: AsyncSession, account_no: str, language: str, time_zone: str) -> None:
    """The enterprise admin's own language and the account's time zone, as the portal's settings page saves them."""
    admin = await session.get(EnterpriseAdmin, account_no)
    account = await session.get(Account, account_no)
    if admin is None or account is None:
        raise RuleBroken(no_account(account_no))
    admin.language = language
    account.time_zone = time_zone
    await session.flush()


def pays_automatically(account: Account) -> bool:
    return account.payment_method == PaymentMethod.CARD.value


async def snapshot(session: AsyncSession, account_no: str) -> AccountSnapshot | None:
    """What a seat order needs to know of its account (seed 002's eligibility, prices, contacts), or None."""
    account = await session.get(Account, account_no)
    if account is None:
        return None
    card = await session.get(PaymentCard, account.card_token) if account.card_token else None
    lines = await subscriptions(session, account_no)
    tax = tax_rates.rate_for(billing_country(account), Decimal(account.tax_rate))
    return AccountSnapshot(
        account_no=account_no,
        customer_name=account.customer_name,
        self_service=account.self_service,
        pays_by_card=pays_automatically(account),
        card_last4=card.last4 if card else None,
        currency=account.currency,
        tax_rate=tax.rate,
        tax=tax,
        billing_contact_email=account.billing_contact_email,
        billing_contact_name=account.billing_contact_name,
        customer_type=account.customer_type,
        lines=[PricedLine(**line.model_dump()) for line in lines],
        language=account.language,
    )


def billing_country(account: Account) -> str | None:
    """The country of the last order's billing address, else the one the account was opened with."""
    address = account.billing_address or {}
    return address.get("country") or account.billing_country
