"""Account recovery for the enterprise admin (issue 14, seed 000's login): "Forgot password?" mails a single-use
link, read here from the real SMTP sink; the link sets a new password once, expires, gives way to a newer one, and
ends every session of the admin. An unknown address gets the same answer and no mail; the database keeps only the
token's hash; SMTP away, the worker's relay sends the mail once; operators send a link (or a new welcome) from the
CLI; the JSON API does what the pages do."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from starter.mail_sink import MailSink, ReceivedMail
from starter.services import mail_relay
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from store.tables import AdminSession, OutboxMail, PasswordReset
from tests.admin_support import (
    FIRST_PASSWORD,
    NEW_PASSWORD,
    PortalAccount,
    browser,
    log_in,
    mails_to,
    new_account,
    ready_admin,
    uid,
)
from tests.support import eventually, free_port
from tests.test_admin_cli import onramp, said

RESET = "/admin/password-reset"
CHOSEN = "Reset2026"
SENT = "If an account has this address, a link to set a new password is on its way to it."


@pytest.fixture
def app(settings: Settings, sessions: SessionFactory) -> FastAPI:
    return create_app(settings, sessions=sessions)


@pytest.fixture
async def account(sessions: SessionFactory, settings: Settings) -> PortalAccount:
    return await new_account(sessions, settings)


@pytest.fixture
async def web(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with browser(app) as http:
        yield http


def text_of(response: httpx.Response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


def message_of(response: httpx.Response) -> str:
    found = re.search(r'<p class="lead" id="message">(.*?)</p>', response.text, re.DOTALL)
    assert found, response.text
    return " ".join(found.group(1).split())


async def reset_mails(sink: MailSink, to: str, count: int = 1) -> list[ReceivedMail]:
    """The reset mails that reached ``to``, by their purpose (their subject is in the admin's language)."""

    async def arrived() -> list[ReceivedMail] | None:
        mails = [mail for mail in sink.to(to) if mail.message["X-Onramp-Purpose"] == "password_reset"]
        return mails if len(mails) >= count else None

    return await eventually(arrived, what=f"{count} reset mail(s) to {to}")


def reset_path(mail: ReceivedMail) -> str:
    [link] = [link for link in mail.links if f"{RESET}/" in link]
    return RESET + "/" + link.rsplit(f"{RESET}/", 1)[1]


def token_of(path: str) -> str:
    return path.rsplit("/", 1)[1]


async def ask(web: httpx.AsyncClient, email: str) -> httpx.Response:
    answer = await web.post(RESET, data={"email": email})
    assert answer.status_code == 200, answer.text
    assert SENT in message_of(answer)
    return answer


async def links_of(sessions: SessionFactory, account_no: str) -> list[PasswordReset]:
    async with sessions() as session:
        rows = await session.execute(
            select(PasswordReset).where(PasswordReset.account_no == account_no).order_by(PasswordReset.sequence)
        )
        return list(rows.scalars())


async def test_the_mailed_link_sets_a_new_password_once_and_ends_every_session(
    app: FastAPI,
    web: httpx.AsyncClient,
    account: PortalAccount,
    sessions: SessionFactory,
    mail_sink: MailSink,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with browser(app) as elsewhere:  # the admin is logged in on another computer
        await ready_admin(elsewhere, account)
        assert (await elsewhere.get("/admin")).status_code == 200

        login = await web.get("/admin/login")
        assert '<a href="/admin/password-reset" id="forgot-password">Forgot password?</a>' in login.text
        form = await web.get(RESET)
        assert form.status_code == 200 and "Enter the e-mail address you log in with." in form.text
        answer = await ask(web, account.admin_email.upper())  # the username is not case-sensitive
        assert "The link works once, for 60 minutes." in message_of(answer)

        [mail] = await reset_mails(mail_sink, account.admin_email)
        assert f"(username {account.admin_email})" in mail.text and account.customer_name in mail.text
        assert "If you did not ask for it, ignore this e-mail" in mail.text
        path = reset_path(mail)
        token = token_of(path)

        # Only the token's hash is kept, nowhere the token itself (nor in the mail's outbox row).
        [link] = await links_of(sessions, account.account_no)
        assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert link.expires_at - link.created_at == timedelta(minutes=60)
        async with sessions() as session:
            [outbox] = (
                await session.execute(select(OutboxMail).where(OutboxMail.message_id == mail.message["Message-ID"]))
            ).scalars()
        assert outbox.request is None and token not in repr(vars(link)) and token not in repr(vars(outbox))

        # A link checker's GET changes nothing: the form, as often as it is opened.
        for _ in range(2):
            page = await web.get(path)
            assert page.status_code == 200, page.text
            assert "Set a new password" in page.text and account.admin_email in page.text
        assert (await links_of(sessions, account.account_no))[0].used_at is None
        assert (await elsewhere.get("/admin")).status_code == 200

        # The password change's rule, with the error next to its field.
        short = await web.post(path, data={"new_password": "ab1", "new_password_confirmation": "ab1"})
        assert short.status_code == 422
        assert 'id="new_password-error">The new password is too short: use 4-16 letters and digits' in short.text
        other = await web.post(path, data={"new_password": CHOSEN, "new_password_confirmation": "Other2026"})
        assert other.status_code == 422
        assert 'id="new_password_confirmation-error">The two new passwords are not the same.' in other.text
        assert CHOSEN not in other.text  # a password is never written back into the page

        done = await web.post(path, data={"new_password": CHOSEN, "new_password_confirmation": CHOSEN})
        assert done.status_code == 303 and done.headers["location"] == "/admin/login?notice=reset"
        notice = await web.get(done.headers["location"])
        assert "Your new password is set, and every session of your account has ended." in notice.text

        # Every session of the admin has ended: the other computer's cookie gets the login page.
        ended = await elsewhere.get("/admin")
        assert ended.status_code == 303 and ended.headers["location"].startswith("/admin/login")
        assert (await elsewhere.get("/api/admin/me")).status_code == 401
    async with sessions() as session:
        left = (await session.execute(select(AdminSession).where(AdminSession.account_no == account.account_no))).all()
    assert left == []

    # The new password logs in; the old one no longer does; the first-login change is not asked for.
    async with browser(app) as fresh:
        me = await log_in(fresh, account.admin_email, CHOSEN)
        assert me["must_change_password"] is False
        wrong = await fresh.post("/api/admin/login", json={"username": account.admin_email, "password": NEW_PASSWORD})
        assert wrong.status_code == 401

    # The password change's confirmation, without the password.
    [_, changed] = await mails_to(mail_sink, account.admin_email, 2, subject="password was changed")  # first login's
    assert changed.message["X-Onramp-Purpose"] == "password_changed" and CHOSEN not in changed.text

    # The link worked once.
    again = await web.get(path)
    assert again.status_code == 410
    assert "This password reset link has been used already: each link works once." in again.text
    assert f'href="{RESET}">Ask for a new link</a>' in again.text
    posted = await web.post(path, data={"new_password": "Again2026", "new_password_confirmation": "Again2026"})
    assert posted.status_code == 410
    async with browser(app) as fresh:
        await log_in(fresh, account.admin_email, CHOSEN)  # still the password the link set

    # No log line of onramp's carries the token (the test's own client and SMTP sink log what they send and get),
    # and the request log names the link's route, not its path.
    theirs = ("httpx", "mail.log", "aiosqlite", "sqlalchemy", "asyncio")
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith(theirs)]
    assert any(line.startswith(f"GET {RESET}/{{token}} 410 ") for line in ours), ours
    assert [line for line in ours if token in line] == []


async def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    web: httpx.AsyncClient, account: PortalAccount, sessions: SessionFactory, mail_sink: MailSink
) -> None:
    nobody = f"nobody-{uid()}@yitong.example"
    unknown = await ask(web, nobody)
    known = await ask(web, account.admin_email)
    assert unknown.status_code == known.status_code and message_of(unknown) == message_of(known)
    assert text_of(unknown) == text_of(known)
    await reset_mails(mail_sink, account.admin_email)  # the known one's mail has arrived by now
    assert mail_sink.to(nobody) == []
    async with sessions() as session:
        rows = (await session.execute(select(PasswordReset.account_no))).scalars().all()
    assert account.account_no in rows and "" not in rows


async def test_an_expired_link_says_so_and_leads_to_a_new_one(
    app: FastAPI, web: httpx.AsyncClient, account: PortalAccount, sessions: SessionFactory, mail_sink: MailSink
) -> None:
    await ask(web, account.admin_email)
    path = reset_path((await reset_mails(mail_sink, account.admin_email))[0])
    assert (await web.get(path)).status_code == 200
    an_hour_later = datetime.now(UTC) - timedelta(minutes=61)  # the clock moved on: the link was made 61 minutes ago
    async with sessions.begin() as session:
        await session.execute(
            update(PasswordReset)
            .where(PasswordReset.account_no == account.account_no)
            .values(created_at=an_hour_later, expires_at=an_hour_later + timedelta(minutes=60))
        )
    page = await web.get(path)
    assert page.status_code == 410
    assert "This password reset link has expired. Ask for a new one." in page.text
    assert f'href="{RESET}">Ask for a new link</a>' in page.text
    posted = await web.post(path, data={"new_password": CHOSEN, "new_password_confirmation": CHOSEN})
    assert posted.status_code == 410 and "has expired" in posted.text
    async with browser(app) as fresh:
        await log_in(fresh, account.admin_email, FIRST_PASSWORD)  # nothing changed


async def test_a_newer_link_replaces_the_older_one(
    web: httpx.AsyncClient, account: PortalAccount, sessions: SessionFactory, mail_sink: MailSink
) -> None:
    await ask(web, account.admin_email)
    [first] = await reset_mails(mail_sink, account.admin_email)
    await ask(web, account.admin_email)
    second = (await reset_mails(mail_sink, account.admin_email, 2))[1]
    assert reset_path(first) != reset_path(second)
    older = await web.get(reset_path(first))
    assert older.status_code == 410 and "a newer link was sent" in older.text
    newer = await web.post(reset_path(second), data={"new_password": CHOSEN, "new_password_confirmation": CHOSEN})
    assert newer.status_code == 303


async def test_an_account_gets_at_most_five_links_an_hour_and_the_answer_does_not_change(
    web: httpx.AsyncClient, account: PortalAccount, sessions: SessionFactory, mail_sink: MailSink
) -> None:
    answers = [message_of(await ask(web, account.admin_email)) for _ in range(7)]
    assert len(set(answers)) == 1
    await reset_mails(mail_sink, account.admin_email, 5)
    links = await links_of(sessions, account.account_no)
    assert len(links) == 5 and [link.revoked_at is None for link in links] == [False] * 4 + [True]


async def test_two_uses_of_one_link_at_once_set_one_password(
    app: FastAPI, web: httpx.AsyncClient, account: PortalAccount, mail_sink: MailSink
) -> None:
    await ask(web, account.admin_email)
    path = reset_path((await reset_mails(mail_sink, account.admin_email))[0])
    async with browser(app) as one, browser(app) as two:
        for http in (one, two):
            await http.get(path)  # each browser's CSRF cookie
        answers = await asyncio.gather(
            one.post(path, data={"new_password": "First2026", "new_password_confirmation": "First2026"}),
            two.post(path, data={"new_password": "Second2026", "new_password_confirmation": "Second2026"}),
        )
    assert sorted(answer.status_code for answer in answers) == [303, 410]
    winner = "First2026" if answers[0].status_code == 303 else "Second2026"
    async with browser(app) as fresh:
        await log_in(fresh, account.admin_email, winner)


async def test_bad_input_and_unknown_links_get_clear_answers(app: FastAPI, web: httpx.AsyncClient) -> None:
    blank = await web.post(RESET, data={"email": " "})
    assert blank.status_code == 422 and 'id="email-error">' in blank.text
    wrong = await web.post(RESET, data={"email": "not-an-address"})
    assert wrong.status_code == 422
    assert 'id="email-error">Enter an e-mail address such as name@company.com.' in wrong.text
    assert 'value="not-an-address"' in wrong.text

    unknown = await web.get(f"{RESET}/no-such-token")
    assert unknown.status_code == 404 and "This password reset link is not known" in unknown.text
    assert f'href="{RESET}">Ask for a new link</a>' in unknown.text
    assert (await web.post(f"{RESET}/no-such-token", data={})).status_code == 404

    async with browser(app) as api:
        empty = await api.post("/api/admin/password-reset", json={})
        assert empty.status_code == 422 and [f["field"] for f in empty.json()["fields"]] == ["email"]
        for method in ("GET", "POST"):
            gone = await api.request(method, "/api/admin/password-reset/no-such-token", json={})
            assert gone.status_code == 404 and gone.json()["error"] == "LinkInvalid", gone.text


async def test_the_json_api_does_what_the_pages_do(
    app: FastAPI, account: PortalAccount, sessions: SessionFactory, mail_sink: MailSink
) -> None:
    async with browser(app) as admin, browser(app) as api:
        await ready_admin(admin, account)
        chosen = await admin.put("/api/admin/preferences", json={"language": "de", "time_zone": "Asia/Shanghai"})
        assert chosen.status_code == 200, chosen.text
        known = await api.post("/api/admin/password-reset", json={"email": account.admin_email})
        unknown = await api.post("/api/admin/password-reset", json={"email": f"nobody-{uid()}@yitong.example"})
        assert known.status_code == unknown.status_code == 202 and known.json() == unknown.json()
        assert SENT in known.json()["message"]

        [mail] = await reset_mails(mail_sink, account.admin_email)
        assert mail.message["Content-Language"] == "de"  # the admin's language, as their other mails
        token = token_of(reset_path(mail))
        state = await api.get(f"/api/admin/password-reset/{token}")
        assert state.status_code == 200 and state.json()["username"] == account.admin_email
        [link] = await links_of(sessions, account.account_no)
        assert datetime.fromisoformat(state.json()["expires_at"]) == link.expires_at

        refused = await api.post(
            f"/api/admin/password-reset/{token}", json={"new_password": "a b", "new_password_confirmation": "a b"}
        )
        assert refused.status_code == 422 and refused.json()["fields"][0]["field"] == "new_password"
        done = await api.post(
            f"/api/admin/password-reset/{token}", json={"new_password": CHOSEN, "new_password_confirmation": CHOSEN}
        )
        assert done.status_code == 200, done.text
        assert done.json()["username"] == account.admin_email
        assert (await admin.get("/api/admin/me")).status_code == 401  # its session has ended
        assert (await log_in(api, account.admin_email, CHOSEN))["must_change_password"] is False
        again = await api.post(
            f"/api/admin/password-reset/{token}", json={"new_password": CHOSEN, "new_password_confirmation": CHOSEN}
        )
        assert again.status_code == 410 and again.json()["error"] == "LinkInvalid"
        assert "used already" in again.json()["message"]


async def test_with_smtp_down_the_link_goes_once_smtp_answers(
    settings: Settings, sessions: SessionFactory, account: PortalAccount, mail_sink: MailSink
) -> None:
    down = settings.model_copy(update={"smtp_port": free_port(), "smtp_timeout": 2.0})  # nothing listens there
    async with browser(create_app(down, sessions=sessions)) as web:
        await ask(web, account.admin_email)
    assert [m for m in mail_sink.to(account.admin_email) if m.message["X-Onramp-Purpose"] == "password_reset"] == []
    [waiting] = await links_of(sessions, account.account_no)
    assert waiting.mailed_at is None

    assert await mail_relay.deliver_waiting(sessions, settings, older_than_seconds=0) >= 1  # SMTP is back
    [mail] = await reset_mails(mail_sink, account.admin_email)
    assert await mail_relay.deliver_waiting(sessions, settings, older_than_seconds=0) == 0
    assert len(await reset_mails(mail_sink, account.admin_email)) == 1  # once
    async with browser(create_app(settings, sessions=sessions)) as web:
        assert (await web.get(reset_path(mail))).status_code == 200  # and its link works


async def test_an_operator_sends_a_reset_link_or_a_new_welcome_from_the_cli(
    cli_env: None, settings: Settings, workflow_db: tuple[str, SessionFactory], mail_sink: MailSink
) -> None:
    account = await new_account(workflow_db[1], settings)
    sent = await onramp("account", "send-reset", account.account_no)
    assert sent.exit_code == 0, sent.output
    assert f"A password reset link was sent to {account.admin_email} (it works once, for 60 minutes)." in said(sent)
    [mail] = await reset_mails(mail_sink, account.admin_email)
    assert token_of(reset_path(mail)) not in sent.output
    async with browser(create_app(settings, sessions=workflow_db[1])) as web:
        assert (await web.get(reset_path(mail))).status_code == 200

    unknown = await onramp("account", "send-reset", "NO-SUCH-1")
    assert unknown.exit_code == 1 and "No account NO-SUCH-1." in said(unknown)

    welcome = await onramp("account", "resend-welcome", account.account_no)
    assert welcome.exit_code == 0, welcome.output
    assert f"A new welcome mail with a new first password goes to {account.admin_email}." in said(welcome)
    await mails_to(mail_sink, account.admin_email, 2, subject="Your enterprise admin account")
