"""Billing accounts from the client side: create one (and welcome its enterprise admin), the demo account."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from activities.mail_delivery import MailDelivery
from models.accounts import CompanyInfo, Edition, NewAccount, Product, SubscriptionLine
from models.common import Recipient
from models.mail import MailRequest
from models.refusals import Refusal
from starter.errors import StepRefused
from starter.services.passwords import hashed, initial_password
from starter.settings import Settings
from store import SessionFactory
from store import accounts as store

DEMO_ACCOUNT_NO = "DEMO-1001"
DEMO_PASSWORD = "demo1234"


async def create_account(sessions: SessionFactory, settings: Settings, account: NewAccount) -> None:
    """Store the account with its admin, then mail the admin their username and first password (seed 000: the
    invitation e-mail). The password goes from here to SMTP; it is never in a workflow."""
    password = account.initial_password or initial_password()
    try:
        async with sessions.begin() as session:
            await store.create(session, account, await hashed(password))
    except store.AccountExists as err:
        raise StepRefused(str(err), type=Refusal.ACCOUNT_EXISTS) from None
    await MailDelivery(sessions, settings.mail_config()).send(
        MailRequest(
            workflow_id=f"account-{account.account_no}",
            purpose="welcome",
            sequence=1,
            recipient=Recipient(email=account.company.admin_email),
            template="admin_welcome",
            context={
                "customer_name": account.company.customer_name,
                "admin_name": account.company.admin_name,
                "username": str(account.company.admin_email),
                "password": password,
                "login_url": f"{settings.link_base}/admin/login",
                "order_id": account.account_no,
            },
        )
    )


def demo_account(today: date | None = None) -> NewAccount:
    """A self-service account paying by card, with two GoTo Meeting editions and GoTo Webinar."""
    renewal = (today or datetime.now(UTC).date()) + timedelta(days=200)
    return NewAccount(
        account_no=DEMO_ACCOUNT_NO,
        company=CompanyInfo(
            customer_name="Shanghai Yitong Network Technology Co., Ltd.",
            admin_email="admin@yitong.example",
            admin_name="Li Wei",
            admin_phone="+86 21 5555 0100",
            province="Shanghai",
            city="Shanghai",
            street="88 Century Avenue",
        ),
        billing_contact_email="billing@yitong.example",
        billing_contact_name="Zhang Min",
        subscriptions=[
            SubscriptionLine(
                product=Product.GOTO_MEETING,
                edition=Edition.ENTERPRISE,
                seats=3,
                unit_price=Decimal("240.00"),
                renewal_date=renewal,
            ),
            SubscriptionLine(
                product=Product.GOTO_MEETING,
                edition=Edition.STANDARD,
                seats=2,
                unit_price=Decimal("144.00"),
                renewal_date=renewal,
            ),
            SubscriptionLine(
                product=Product.GOTO_WEBINAR,
                edition=Edition.STANDARD,
                seats=1,
                unit_price=Decimal("588.00"),
                renewal_date=renewal,
            ),
        ],
        initial_password=DEMO_PASSWORD,
    )


async def ensure_demo_account(sessions: SessionFactory, settings: Settings) -> bool:
    """Load the demo account unless it is there already; True when it was created now."""
    async with sessions() as session:
        if await store.exists(session, DEMO_ACCOUNT_NO):
            return False
    await create_account(sessions, settings, demo_account())
    return True
