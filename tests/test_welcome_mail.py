"""An account's welcome mail is durable: made in the account's own transaction (its first password sealed), sent
at once when SMTP answers, otherwise by the worker's relay once it does, and once (so is the admin's
"password changed" confirmation); the same request again answers
the account (200), another request for its number is refused (409); an operator can send a new welcome."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from starter.mail_sink import MailSink
from starter.services import accounts, mail_relay
from starter.services.accounts import demo_account
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from store.tables import WelcomeMail
from tests.admin_support import FIRST_PASSWORD, NEW_PASSWORD, PortalAccount, browser, mails_to, ready_admin
from tests.support import bearer, free_port, operator_key


def _body() -> dict[str, Any]:
    number = f"W-{uuid.uuid4().hex[:8]}"
    body = demo_account(date.today()).model_dump(mode="json")
    body.update(account_no=number, initial_password=FIRST_PASSWORD)
    body["company"]["admin_email"] = f"admin-{number.lower()}@yitong.example"
    return body


@pytest.fixture
async def operator(sessions: SessionFactory) -> dict[str, str]:
    return bearer(await operator_key(sessions))


async def test_with_smtp_down_the_account_is_made_and_its_welcome_goes_once_smtp_answers(
    settings: Settings, sessions: SessionFactory, mail_sink: MailSink, operator: dict[str, str]
) -> None:
    down = settings.model_copy(update={"smtp_port": free_port(), "smtp_timeout": 2.0})  # nothing listens there
    app = create_app(down, sessions=sessions)
    body = _body()
    to = body["company"]["admin_email"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", headers=operator) as http:
        made = await http.post("/api/accounts", json=body)
        assert made.status_code == 201, made.text
        again = await http.post("/api/accounts", json=body)  # the client's retry: the same request
        assert again.status_code == 200 and again.json()["account_no"] == body["account_no"]
        other = await http.post("/api/accounts", json={**body, "billing_contact_name": "Someone Else"})
        assert other.status_code == 409 and other.json()["error"] == "AccountExists"
    assert mail_sink.to(to) == []
    async with sessions() as session:
        [waiting] = (
            await session.execute(select(WelcomeMail).where(WelcomeMail.account_no == body["account_no"]))
        ).scalars()
    assert FIRST_PASSWORD not in waiting.sealed_password  # sealed at rest

    assert await accounts.deliver_waiting_welcomes(sessions, settings, older_than_seconds=0) >= 1  # SMTP is back
    [welcome] = await mails_to(mail_sink, to, 1)
    assert FIRST_PASSWORD in welcome.text and to in welcome.text
    await accounts.deliver_waiting_welcomes(sessions, settings, older_than_seconds=0)
    assert len(mail_sink.to(to)) == 1  # once
    async with sessions() as session:
        left = (await session.execute(select(WelcomeMail).where(WelcomeMail.account_no == body["account_no"]))).all()
    assert left == []  # the password is forgotten once the mail is out


async def test_an_operator_sends_a_new_welcome_with_a_new_first_password(
    settings: Settings, sessions: SessionFactory, mail_sink: MailSink, operator: dict[str, str]
) -> None:
    app = create_app(settings, sessions=sessions)
    body = _body()
    to = body["company"]["admin_email"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", headers=operator) as http:
        assert (await http.post("/api/accounts", json=body)).status_code == 201
        [first] = await mails_to(mail_sink, to, 1)
        resent = await http.post(f"/api/accounts/{body['account_no']}/welcome")
        assert resent.status_code == 200 and resent.json() == {"account_no": body["account_no"], "sent_to": to}
        unknown = await http.post("/api/accounts/NO-SUCH-1/welcome")
        assert unknown.status_code == 404
    second = (await mails_to(mail_sink, to, 2))[1]
    assert FIRST_PASSWORD in first.text and FIRST_PASSWORD not in second.text
    assert first.message["Message-ID"] != second.message["Message-ID"]


async def test_with_smtp_down_the_password_change_confirmation_goes_once_smtp_answers(
    settings: Settings, sessions: SessionFactory, mail_sink: MailSink, operator: dict[str, str]
) -> None:
    down = settings.model_copy(update={"smtp_port": free_port(), "smtp_timeout": 2.0})  # nothing listens there
    app = create_app(down, sessions=sessions)
    body = _body()
    to = body["company"]["admin_email"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", headers=operator) as http:
        assert (await http.post("/api/accounts", json=body)).status_code == 201
    async with browser(app) as admin:
        await ready_admin(admin, PortalAccount(body["account_no"], to, body["company"]["customer_name"]))
        assert (await admin.get("/api/admin/me")).status_code == 200  # the password was changed all the same
    assert mail_sink.to(to) == []

    assert await mail_relay.deliver_waiting(sessions, settings, older_than_seconds=0) == 2  # SMTP is back
    mails = await mails_to(mail_sink, to, 2)
    [changed] = [mail for mail in mails if mail.message["X-Onramp-Purpose"] == "password_changed"]
    assert "was changed on" in changed.text and NEW_PASSWORD not in changed.text
    assert await mail_relay.deliver_waiting(sessions, settings, older_than_seconds=0) == 0
    assert len(mail_sink.to(to)) == 2  # each once
