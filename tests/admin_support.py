"""Helpers of the enterprise admin portal's tests: an account of one's own, a logged-in admin over the JSON API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import delete

from models.accounts import CompanyInfo, Edition, NewAccount, Product, SubscriptionLine
from starter.mail_sink import MailSink, ReceivedMail
from starter.services.accounts import create_account
from starter.settings import Settings
from store import SessionFactory
from store.tables import AccountOrder, AccountSubscription
from tests.support import eventually, with_csrf

FIRST_PASSWORD = "first1234"
NEW_PASSWORD = "Secret2026"


def uid() -> str:
    return uuid.uuid4().hex[:8]


@dataclass
class PortalAccount:
    account_no: str
    admin_email: str
    customer_name: str


async def new_account(
    sessions: SessionFactory,
    settings: Settings,
    seats: dict[tuple[Product, Edition], int] | None = None,
    customer_name: str | None = None,
) -> PortalAccount:
    """An account of the test's own (its admin gets the welcome mail with FIRST_PASSWORD)."""
    tag = uid()
    seats = seats or {(Product.GOTO_MEETING, Edition.ENTERPRISE): 1, (Product.GOTO_MEETING, Edition.STANDARD): 2}
    account = NewAccount(
        account_no=f"T-{tag}",
        company=CompanyInfo(
            customer_name=customer_name or f"Shanghai Yitong {tag}",
            admin_email=f"admin-{tag}@yitong-{tag}.example",
            admin_name="Li Wei",
            admin_phone="+86 21 5555 0100",
            province="Shanghai",
            city="Shanghai",
        ),
        billing_contact_email=f"billing-{tag}@yitong-{tag}.example",
        billing_contact_name="Zhang Min",
        subscriptions=[
            SubscriptionLine(
                product=product,
                edition=edition,
                seats=count,
                unit_price=Decimal("144.00"),
                renewal_date=date(2027, 6, 30),
            )
            for (product, edition), count in seats.items()
        ],
        initial_password=FIRST_PASSWORD,
    )
    await create_account(sessions, settings, account)
    return PortalAccount(account.account_no, str(account.company.admin_email), account.company.customer_name)


def browser(app: FastAPI) -> httpx.AsyncClient:
    """A client of its own: its own cookie jar, like a browser of its own."""
    return with_csrf(httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test"))


async def log_in(http: httpx.AsyncClient, username: str, password: str = FIRST_PASSWORD) -> dict[str, Any]:
    response = await http.post("/api/admin/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return dict(response.json())


async def ready_admin(http: httpx.AsyncClient, account: PortalAccount) -> None:
    """Logged in, with the first password changed: the portal is open."""
    me = await log_in(http, account.admin_email)
    if me["must_change_password"]:
        changed = await http.post(
            "/api/admin/password",
            json={
                "old_password": FIRST_PASSWORD,
                "new_password": NEW_PASSWORD,
                "new_password_confirmation": NEW_PASSWORD,
            },
        )
        assert changed.status_code == 200, changed.text


async def mails_to(sink: MailSink, to: str, count: int = 1, subject: str | None = None) -> list[ReceivedMail]:
    async def arrived() -> list[ReceivedMail] | None:
        mails = [m for m in sink.to(to) if subject is None or subject in m.subject]
        return mails if len(mails) >= count else None

    return await eventually(arrived, what=f"{count} mail(s) to {to}" + (f" about '{subject}'" if subject else ""))


def activation_link(mail: ReceivedMail) -> str:
    [link] = [link for link in mail.links if "/activate/" in link]
    return link


def activation_path(mail: ReceivedMail) -> str:
    return "/activate/" + activation_link(mail).rsplit("/activate/", 1)[1]


async def forget_opening(sessions: SessionFactory, account_no: str) -> None:
    """The account's order history is the test's own (the seed's screenshot): its opening rows go, so the rows the
    test adds are the whole list."""
    async with sessions.begin() as session:
        await session.execute(
            delete(AccountOrder).where(AccountOrder.account_no == account_no, AccountOrder.order_no == account_no)
        )


async def add_order(sessions: SessionFactory, account_no: str, **values: Any) -> int:
    """An order history row, as a seat order writes it."""
    row: dict[str, Any] = {
        "account_no": account_no,
        "order_no": f"SO-{uid()}",
        "ordered_at": datetime(2026, 11, 1, 14, 30, tzinfo=UTC),
        "kind": "account increase",
        "product": "GoTo Meeting",
        "edition": "Standard",
        "quantity": 10,
        "running_total": 10,
        "payment_type": "",
        "invoice_type": "",
        "customer_type": "Group",
        "promotion": None,
        "expires_at": None,
        "available": False,
    }
    row.update(values)
    async with sessions.begin() as session:
        order = AccountOrder(**row)
        session.add(order)
        await session.flush()
        return order.id


async def seats_used(sessions: SessionFactory, account_no: str, edition: Edition) -> tuple[int, int]:
    async with sessions() as session:
        row = await session.get(AccountSubscription, (account_no, Product.GOTO_MEETING.value, edition.value))
        assert row is not None
        return row.seats, row.used
