"""Billing accounts from the client side: create one (and welcome its enterprise admin), the demo account."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import aiosmtplib

from activities.mail_delivery import MailDelivery
from models.accounts import CompanyInfo, Edition, NewAccount, Product, SubscriptionLine, no_account
from models.common import Recipient
from models.mail import MailRequest
from models.refusals import Refusal
from starter.errors import NotFound, StepRefused
from starter.services.passwords import hashed, initial_password
from starter.settings import Settings
from store import SessionFactory, welcome_mails
from store import accounts as store
from store.sealed import seal, unseal

log = logging.getLogger(__name__)

DEMO_ACCOUNT_NO = "DEMO-1001"
DEMO_PASSWORD = "demo1234"


async def create_account(sessions: SessionFactory, settings: Settings, account: NewAccount) -> bool:
    """Store the account with its admin, then mail the admin their username and first password (seed 000: the
    invitation e-mail). The password goes from here to SMTP, sealed in the database until the mail is out; it is
    never in a workflow. True when the account was made now; False when this same request made it before (a
    retry: the account is answered, and its welcome goes out if it has not). Another request for the number is
    refused."""
    password = account.initial_password or initial_password()
    digest = request_digest(account)
    try:
        async with sessions.begin() as session:
            await store.create(session, account, await hashed(password), digest)
            await welcome_mails.put(session, account.account_no, 1, seal(settings.seal_key(), password), _now())
        created = True
    except store.AccountExists as err:
        async with sessions() as session:
            if await store.request_digest(session, account.account_no) != digest:
                raise StepRefused(err.reason, type=Refusal.ACCOUNT_EXISTS) from None
        created = False
    await send_welcome(sessions, settings, account.account_no, 1)
    return created


def request_digest(account: NewAccount) -> str:
    """What the request asked for, the first password aside (made up when absent, so never the same twice)."""
    asked = account.model_dump_json(exclude={"initial_password"})
    return hashlib.sha256(asked.encode()).hexdigest()


async def resend_welcome(sessions: SessionFactory, settings: Settings, account_no: str) -> str:
    """An operator's resend: a new first password (the admin must change it at login), mailed as the next welcome.
    Returns the admin's address."""
    password = initial_password()
    async with sessions.begin() as session:
        company = await store.company_info(session, account_no)
        if company is None or not await store.set_first_password(session, account_no, await hashed(password)):
            raise NotFound(no_account(account_no), type=Refusal.ACCOUNT_UNKNOWN)
        sequence = await welcome_mails.next_sequence(session, account_no)
        await welcome_mails.put(session, account_no, sequence, seal(settings.seal_key(), password), _now())
    await send_welcome(sessions, settings, account_no, sequence)
    return str(company.admin_email)


async def send_welcome(sessions: SessionFactory, settings: Settings, account_no: str, sequence: int) -> bool:
    """Send one waiting welcome mail now (at most once: the outbox key decides), then forget its password. An SMTP
    that does not answer leaves it waiting for the worker's relay (``deliver_waiting_welcomes``): False."""
    async with sessions() as session:
        sealed = await welcome_mails.sealed_password(session, account_no, sequence)
        company = await store.company_info(session, account_no)
        language = await store.admin_language_of(session, account_no)
    if sealed is None or company is None:
        return True  # sent already (or the account is gone): nothing waits
    request = MailRequest(
        workflow_id=welcome_mails.mail_workflow_id(account_no),
        purpose=welcome_mails.PURPOSE,
        sequence=sequence,
        recipient=Recipient(email=company.admin_email, language=language),
        template="admin_welcome",
        context={
            "customer_name": company.customer_name,
            "admin_name": company.admin_name,
            "username": str(company.admin_email),
            "password": unseal(settings.seal_key(), sealed),
            "login_url": f"{settings.link_base}/admin/login",
            "order_id": account_no,
        },
    )
    try:
        await MailDelivery(sessions, settings.mail_config()).send(request)
    except (aiosmtplib.SMTPException, OSError) as err:
        log.warning("the welcome mail of account %s waits for SMTP: %s", account_no, err)
        return False
    async with sessions.begin() as session:
        await welcome_mails.forget(session, account_no, sequence)
    return True


async def deliver_waiting_welcomes(
    sessions: SessionFactory, settings: Settings, *, older_than_seconds: float = 10
) -> int:
    """The worker's relay: send every welcome mail still waiting (its API call met an SMTP outage or died after
    the commit). Returns how many went out."""
    async with sessions() as session:
        waiting = await welcome_mails.waiting(session, _now() - timedelta(seconds=older_than_seconds))
    sent = 0
    for account_no, sequence in waiting:
        sent += await send_welcome(sessions, settings, account_no, sequence)
    return sent


def _now() -> datetime:
    return datetime.now(UTC)


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
        time_zone="Asia/Shanghai",
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
    return await create_account(sessions, settings, demo_account())
