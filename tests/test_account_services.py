"""Corporate Account Services, reachable (issue 14, seed 002): their e-mail, phone and hours are settings, and they
are what a person reads wherever onramp says to contact them — a refusal of the API and of the workflow, the seat
portal's pages, the footer of every portal page, the mails of a late order — and an admin writes to them from the
portal, the mail arriving in the real SMTP sink at the configured address, Reply-To the admin, with the account and
the chosen order. The seat orders run on the time-skipping server; the contact form on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.account_services import DEFAULT_EMAIL
from starter.mail_sink import MailSink
from starter.services import mail_relay
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from store.tables import OutboxMail, SeatOrderRow
from tests.admin_support import PortalAccount, browser, mails_to, new_account, ready_admin, uid
from tests.seat_portal_support import seat_account, text_of
from tests.seat_support import add_card, start, step, up_to_service_order
from tests.seat_support import new_account as new_billing_account
from tests.support import bearer, eventually, free_port, with_csrf

EMAIL, PHONE, HOURS = "cas-desk@yitong-support.example", "+49 89 5555 0142", "Mo-Fr 09:00-17:00 MEZ"
CAS = {
    "corporate_account_services_email": EMAIL,
    "corporate_account_services_phone": PHONE,
    "corporate_account_services_hours": HOURS,
}
REACH = f"You can reach them at {EMAIL} or by phone at {PHONE} ({HOURS})."
CONTACT = "/admin/contact"


@pytest.fixture
def cas_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={**CAS, "rate_limit_contact": "3/hour"})


# ---------------------------------------------------------------------------------------------- seat orders


@pytest.fixture
def seat_app(client: Client, cas_settings: Settings, workflow_db: tuple[str, SessionFactory]) -> FastAPI:
    """The API and pages on the time-skipping server and the worker's database, with the tests' own CAS."""
    return create_app(cas_settings, client=client, sessions=workflow_db[1])


@pytest.fixture
async def http(seat_app: FastAPI, operator_token: str) -> AsyncIterator[httpx.AsyncClient]:
    """An operator's key (to make accounts and approve), and the admin's session once seat_support logs it in."""
    async with with_csrf(
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=seat_app), base_url="http://test", headers=bearer(operator_token)
        )
    ) as http:
        yield http


@pytest.fixture
async def today(ts_env: WorkflowEnvironment) -> date:
    return (await ts_env.get_current_time()).date()


async def test_refusals_say_how_to_reach_corporate_account_services(
    http: httpx.AsyncClient, seat_app: FastAPI, workflow_db: tuple[str, SessionFactory], settings: Settings, today: date
) -> None:
    assisted = await new_billing_account(http, today, self_service=False)
    refused = await http.post(f"/api/accounts/{assisted}/seat-orders", json={"requested_by": "b@yitong.example"})
    assert refused.status_code == 409
    assert refused.json()["message"] == (
        "This account cannot add seats itself: its products need additional support. Please contact Corporate "
        f"Account Services. {REACH}"
    )
    listed = await http.get("/admin/subscriptions")  # the same admin's page says the same, with a way to write
    assert f"Please contact Corporate Account Services. {REACH}" in text_of(listed.text)
    assert '<a href="/admin/contact">Write to Corporate Account Services</a>' in listed.text

    invoice = await new_billing_account(http, today, payment_method="invoice")
    refused = await http.post(f"/api/accounts/{invoice}/seat-orders", json={"requested_by": "b@yitong.example"})
    assert refused.status_code == 409 and refused.json()["message"].endswith(
        f"contact Corporate Account Services. {REACH}"
    )

    # the workflow's own refusal: the order's policy carries what the settings say
    ok = await new_billing_account(http, today)
    order_no = (await start(http, ok))["order_no"]
    lines = [{"product": "GoTo Meeting", "edition": "Enterprise", "new_seats": 501}]
    body = await step(http, order_no, "quantities", status=422, lines=lines)
    assert body["message"] == (
        f"At most 500 seats can be added at once; for more, contact Corporate Account Services. {REACH}"
    )
    assert body["fields"][0]["field"] == "lines.0.new_seats"
    german = await http.post(
        f"/api/seat-orders/{order_no}/quantities", json={"lines": lines}, headers={"Accept-Language": "de"}
    )
    assert german.status_code == 422
    assert german.json()["message"].startswith("Es können höchstens 500 Plätze auf einmal hinzugefügt werden")
    assert EMAIL in german.json()["message"] and PHONE in german.json()["message"]

    # a product without seat additions, on the Add seats page
    account = await seat_account(workflow_db[1], settings, today)  # has GoTo Connect
    async with browser(seat_app) as admin:
        await ready_admin(admin, account)
        new = text_of((await admin.get("/admin/seat-orders/new")).text)
        assert (
            f"GoTo Connect does not support seat additions here. Please contact Corporate Account Services. {REACH}"
            in new
        )


async def test_a_late_order_alerts_the_configured_address_and_tells_the_billing_contact_how_to_reach_them(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, mail_sink: MailSink, today: date
) -> None:
    account_no = await new_billing_account(http, today)
    card = await add_card(http, account_no)
    order_no = (await start(http, account_no))["order_no"]
    await up_to_service_order(http, order_no, card, seats=500)  # over the 10,000 of a review: it waits
    await step(http, order_no, "place")

    async def in_review() -> bool:
        return (await http.get(f"/api/seat-orders/{order_no}")).json()["status"] == "awaiting_review"

    await eventually(in_review, what="the manual review")
    await ts_env.sleep(timedelta(hours=25))

    [alert] = await mails_to(mail_sink, EMAIL, subject=f"Escalation: seat order {order_no}")
    assert "not processed within 24 hours" in alert.subject and account_no in alert.text
    assert not [m for m in mail_sink.to(DEFAULT_EMAIL) if order_no in m.subject]  # the settings' address only
    billing = f"billing-{account_no.lower()}@yitong.example"
    [late] = await mails_to(mail_sink, billing, subject=f"Your seat order {order_no} is taking longer")
    text = " ".join(late.text.split())
    assert "is taking longer than the 24 hours it usually takes" in text and "you need not place it again" in text
    assert (
        f"Corporate Account Services has been told and is looking at it. If you have questions, you can reach them at {EMAIL} or by phone at {PHONE} ({HOURS})."
        in text
    )
    assert f'href="mailto:{EMAIL}"' in late.html

    page = await http.get(f"/admin/seat-orders/{order_no}")
    shown = text_of(page.text)
    assert "It is taking longer than that: Corporate Account Services has been told and is looking at it." in shown
    assert REACH in shown and f'href="/admin/contact?order={order_no}"' in page.text

    await step(http, order_no, "approve", operator="cas-agent")
    [receipt] = await mails_to(mail_sink, billing, subject=f"Receipt for your seat order {order_no}")
    assert f"If you need help, contact Corporate Account Services. {REACH}" in " ".join(receipt.text.split())


# ---------------------------------------------------------------------------------------------- the contact form


@pytest.fixture
def app(cas_settings: Settings, sessions: SessionFactory) -> FastAPI:
    return create_app(cas_settings, sessions=sessions)


@pytest.fixture
async def account(sessions: SessionFactory, cas_settings: Settings) -> PortalAccount:
    return await new_account(sessions, cas_settings)


async def seat_order(sessions: SessionFactory, account_no: str, status: str, total: str | None) -> str:
    """A seat order as its workflow last saved it (the portal lists these rows)."""
    order_no = f"SO-{uid()}"
    now = datetime.now(UTC)
    quote = {"total": total, "currency": "EUR"} if total else None
    async with sessions.begin() as session:
        session.add(
            SeatOrderRow(
                order_no=order_no,
                account_no=account_no,
                status=status,
                quote=quote,
                total=total,
                created_at=now,
                updated_at=now,
            )
        )
    return order_no


def message_mails(sink: MailSink, account: PortalAccount) -> list[str]:
    return [m.subject for m in sink.to(EMAIL) if f"(account {account.account_no})" in m.subject]


async def test_the_footer_shows_corporate_account_services_from_the_settings(
    app: FastAPI, account: PortalAccount
) -> None:
    async with browser(app) as web:
        login = await web.get("/admin/login")
        assert "Technical support: 400-820-6688" in login.text  # seed 000's support line stays
        assert (
            f'Corporate Account Services, <a href="mailto:{EMAIL}"><bdi>{EMAIL}</bdi></a>, <bdi>{PHONE}</bdi> ({HOURS}).'
            in login.text
        )
        assert 'href="/admin/contact"' not in login.text  # only a logged-in admin can write from the portal
        await ready_admin(web, account)
        home = await web.get("/admin")
        assert f'<a href="mailto:{EMAIL}"><bdi>{EMAIL}</bdi></a>, <bdi>{PHONE}</bdi> ({HOURS}).' in home.text
        assert '<a href="/admin/contact" id="write-to-services">Write to Corporate Account Services</a>' in home.text


async def test_an_admin_writes_to_corporate_account_services_with_the_account_and_the_order(
    app: FastAPI, account: PortalAccount, sessions: SessionFactory, cas_settings: Settings, mail_sink: MailSink
) -> None:
    order_no = await seat_order(sessions, account.account_no, "awaiting_review", "24000.00")
    cart = await seat_order(sessions, account.account_no, "cart", None)
    other = await new_account(sessions, cas_settings)
    others_order = await seat_order(sessions, other.account_no, "completed", "292.80")
    async with browser(app) as web:
        assert (await web.get(CONTACT)).headers["location"].startswith("/admin/login")  # a session first
        await ready_admin(web, account)

        form = await web.get(CONTACT, params={"order": order_no})  # from the order's page
        assert form.status_code == 200
        assert f'<option value="{order_no}" selected>{order_no} · awaiting review · 24,000.00 EUR</option>' in form.text
        assert f'<option value="{cart}">{cart} · cart</option>' in form.text and others_order not in form.text
        assert f"You can also reach them at {EMAIL} or by phone at {PHONE} ({HOURS})." in text_of(form.text)
        foreign_link = await web.get(CONTACT, params={"order": others_order})  # another account's: no order chosen
        assert '<option value="" selected>No order: a general question</option>' in foreign_link.text

        wrote = {"subject": "800 more seats", "message": "We need 800 seats.\nCan you call me?", "order_no": order_no}
        blank = await web.post(CONTACT, data=wrote | {"subject": " "})
        assert blank.status_code == 422 and 'id="subject-error">Please fill in this field.' in blank.text
        assert "We need 800 seats.\nCan you call me?</textarea>" in blank.text  # what was written is kept
        long = await web.post(CONTACT, data=wrote | {"message": "x" * 5001})
        assert long.status_code == 422 and 'id="message-error">Use 5000 characters or fewer.' in long.text
        foreign = await web.post(CONTACT, data=wrote | {"order_no": others_order})
        assert foreign.status_code == 404 and f'id="order_no-error">No seat order {others_order}.' in foreign.text
        assert message_mails(mail_sink, account) == []

        sent = await web.post(CONTACT, data=wrote)
        assert sent.status_code == 303 and sent.headers["location"] == f"{CONTACT}?sent=1"
        confirmed = text_of((await web.get(sent.headers["location"])).text)
        assert (
            f"Your message is on its way to Corporate Account Services ({EMAIL}). They will answer you at "
            f"{account.admin_email}." in confirmed
        )

    [mail] = await mails_to(mail_sink, EMAIL, subject=f"(account {account.account_no}): 800 more seats")
    assert mail.subject == f"Portal message from {account.customer_name} (account {account.account_no}): 800 more seats"
    assert mail.message["Reply-To"] == account.admin_email
    text = mail.text.replace("\r\n", "\n")  # SMTP's line ends
    assert f"Li Wei ({account.admin_email}), enterprise admin of {account.customer_name}, writes" in text
    assert "We need 800 seats.\nCan you call me?" in text
    assert f"Account: {account.account_no}, {account.customer_name}" in text
    assert f"Admin: Li Wei, {account.admin_email}" in text
    assert f"Seat order: {order_no}, status awaiting_review, quote total 24,000.00 EUR" in text
    assert "We need 800 seats.<br>" not in mail.html and "Can you call me?" in mail.html
    async with sessions() as session:
        [row] = (
            await session.execute(
                select(OutboxMail).where(
                    OutboxMail.recipient == EMAIL, OutboxMail.workflow_id.like(f"contact-{account.account_no}-%")
                )
            )
        ).scalars()
    assert (row.status, row.template, row.subject) == ("sent", "account_services_contact", mail.subject)


async def test_the_json_twin_sends_the_same_mail_and_is_limited_per_account(
    app: FastAPI, account: PortalAccount, sessions: SessionFactory, cas_settings: Settings, mail_sink: MailSink
) -> None:
    other = await new_account(sessions, cas_settings)
    others_order = await seat_order(sessions, other.account_no, "completed", "292.80")
    api = "/api/admin/contact"
    async with browser(app) as web:
        anonymous = await web.post(api, json={"subject": "Hello", "message": "Hi"})
        assert anonymous.status_code == 401
        await ready_admin(web, account)

        answer = await web.post(api, json={"subject": "Invoice address", "message": "Where do I change it?"})
        assert answer.status_code == 202, answer.text
        assert answer.json() == {
            "to": EMAIL,
            "reply_to": account.admin_email,
            "order_no": None,
            "message": f"Your message is on its way to Corporate Account Services ({EMAIL}). They will answer you "
            f"at {account.admin_email}.",
        }
        too_long = await web.post(api, json={"subject": "s" * 151, "message": "Hi"})
        assert too_long.status_code == 422 and [f["field"] for f in too_long.json()["fields"]] == ["subject"]
        foreign = await web.post(api, json={"subject": "Order", "message": "Hi", "order_no": others_order})
        assert (foreign.status_code, foreign.json()["fields"]) == (
            404,
            [{"field": "order_no", "message": f"No seat order {others_order}."}],
        )
        assert (await web.post(api, json={"subject": "Again", "message": "Hi"})).status_code == 202
        over = await web.post(api, json={"subject": "Once more", "message": "Hi"})  # the 4th of 3 an hour
        assert over.status_code == 429 and int(over.headers["Retry-After"]) > 0
        assert over.json()["message"].startswith("Too many messages from this account: try again in")
        page = await web.post(CONTACT, data={"subject": "Page", "message": "Hi", "order_no": ""})
        assert page.status_code == 429 and "Too many messages from this account" in page.text

    async with browser(app) as elsewhere:  # the limit is the account's, not the address's
        await ready_admin(elsewhere, other)
        assert (await elsewhere.post(api, json={"subject": "Mine", "message": "Hi"})).status_code == 202

    mails = await mails_to(mail_sink, EMAIL, 2, subject=f"(account {account.account_no})")
    assert sorted(m.subject.rsplit(": ", 1)[1] for m in mails) == ["Again", "Invoice address"]
    assert all("No seat order was chosen." in m.text and m.message["Reply-To"] == account.admin_email for m in mails)


async def test_with_smtp_down_the_message_waits_in_the_outbox_and_goes_once(
    account: PortalAccount, sessions: SessionFactory, cas_settings: Settings, mail_sink: MailSink
) -> None:
    down = cas_settings.model_copy(update={"smtp_port": free_port(), "smtp_timeout": 2.0})  # nothing listens there
    async with browser(create_app(down, sessions=sessions)) as web:
        await ready_admin(web, account)
        sent = await web.post(CONTACT, data={"subject": "Seats", "message": "Please call me.", "order_no": ""})
        assert sent.status_code == 303  # the admin is told it is on its way: it is, in the outbox
    assert message_mails(mail_sink, account) == []
    async with sessions() as session:
        [row] = (
            await session.execute(
                select(OutboxMail).where(OutboxMail.workflow_id.like(f"contact-{account.account_no}-%"))
            )
        ).scalars()
    assert row.status == "pending" and row.request is not None and row.request["reply_to"] == account.admin_email

    assert await mail_relay.deliver_waiting(sessions, cas_settings, older_than_seconds=0) >= 1  # SMTP is back
    [mail] = await mails_to(mail_sink, EMAIL, subject=f"(account {account.account_no}): Seats")
    assert mail.message["Reply-To"] == account.admin_email and "Please call me." in mail.text
    await mail_relay.deliver_waiting(sessions, cas_settings, older_than_seconds=0)
    assert len(message_mails(mail_sink, account)) == 1  # once
