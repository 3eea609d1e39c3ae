"""The enterprise admin's login, forced first password change and company info (seed 000, steps 1-3), through the
JSON API and the pages, as an admin sees them: refusals as sentences next to their fields, the username following
the admin e-mail, and later mail going to the new address (the real aiosmtpd sink)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from temporalio.client import Client

from starter.mail_sink import MailSink
from starter.services.admin_auth import session_key
from starter.services.login_throttle import LoginThrottle
from starter.services.passwords import verify_password
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from store.tables import AdminSession, EnterpriseAdmin
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


@pytest.fixture
async def app(client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]) -> FastAPI:
    return create_app(settings, client=client, sessions=workflow_db[1])


@pytest.fixture
async def account(workflow_db: tuple[str, SessionFactory], settings: Settings) -> PortalAccount:
    return await new_account(workflow_db[1], settings)


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with browser(app) as http:
        yield http


def change(old: str, new: str, again: str | None = None) -> dict[str, str]:
    return {"old_password": old, "new_password": new, "new_password_confirmation": new if again is None else again}


# ------------------------------------------------------------------------------------------------ login


async def test_login_refusals_say_what_is_wrong(http: httpx.AsyncClient, account: PortalAccount) -> None:
    wrong = await http.post("/api/admin/login", json={"username": account.admin_email, "password": "nope1234"})
    assert wrong.status_code == 401
    assert wrong.json()["message"].startswith("The username or password is not correct.")
    unknown = await http.post("/api/admin/login", json={"username": "who@nowhere.example", "password": "x1234"})
    assert unknown.status_code == 401 and unknown.json() == wrong.json()  # the same answer: no user enumeration
    empty = await http.post("/api/admin/login", json={"username": " ", "password": "x"})
    assert empty.status_code == 422 and empty.json()["fields"][0]["field"] == "username"
    missing = await http.post("/api/admin/login", json={"username": account.admin_email})
    assert missing.status_code == 422 and missing.json()["fields"][0]["field"] == "password"
    assert "onramp_admin" not in wrong.headers.get("set-cookie", "")

    anonymous = await http.get("/api/admin/company")
    assert anonymous.status_code == 401
    assert anonymous.json()["message"] == "Log in to the enterprise admin self-service portal first."

    page = await http.post("/admin/login", data={"username": account.admin_email, "password": "nope1234"})
    assert page.status_code == 401
    assert "The username or password is not correct." in page.text
    assert f'value="{account.admin_email}"' in page.text  # the username stays; the password does not


async def test_the_session_cookie_holds_only_a_random_id(
    http: httpx.AsyncClient, account: PortalAccount, workflow_db: tuple[str, SessionFactory]
) -> None:
    response = await http.post("/api/admin/login", json={"username": account.admin_email, "password": FIRST_PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    value = http.cookies["onramp_admin"]
    assert len(value) >= 40 and account.admin_email not in value and FIRST_PASSWORD not in value
    async with workflow_db[1]() as session:
        ids = await session.execute(select(AdminSession.id).where(AdminSession.account_no == account.account_no))
        stored = list(ids.scalars())
    assert stored == [session_key(value)] and value not in stored  # the table alone lets nobody in

    assert (await http.post("/api/admin/logout")).status_code == 204
    assert (await http.get("/api/admin/me")).status_code == 401
    async with workflow_db[1]() as session:
        assert await session.get(AdminSession, session_key(value)) is None


# ------------------------------------------------------------------------------------------------ first password


async def test_wrong_passwords_slow_their_address_and_the_admin_still_logs_in_from_another(
    app: FastAPI, http: httpx.AsyncClient, account: PortalAccount
) -> None:
    wrong = {"username": account.admin_email, "password": "nope1234"}
    right = {"username": account.admin_email, "password": FIRST_PASSWORD}
    guesses = [await http.post("/api/admin/login", json=wrong) for _ in range(5)]
    unknown = await http.post("/api/admin/login", json={"username": f"nobody-{uid()}@x.example", "password": "x1"})

    throttled = await http.post("/api/admin/login", json=right)  # the right password, from the guessing address
    assert throttled.status_code == 401 and "onramp_admin" not in throttled.headers.get("set-cookie", "")
    messages = {r.json()["message"] for r in [*guesses, unknown, throttled]}
    assert messages == {
        "The username or password is not correct. After several wrong tries, wait a little before the next one."
    }
    page = await http.post("/admin/login", data=right)
    assert page.status_code == 401 and "The username or password is not correct." in page.text

    elsewhere = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("10.0.0.2", 4711)), base_url="http://test"
    )
    async with elsewhere:
        admin = await elsewhere.post("/api/admin/login", json=right)
    assert admin.status_code == 200, admin.text  # at once: the admin is not locked out by someone else's guesses


def test_the_delays_grow_with_each_wrong_try_and_reset_on_a_right_one() -> None:
    throttle = LoginThrottle()
    waits = []
    for attempt in range(8):
        waits.append(throttle.wait("198.51.100.7", "ada@x.example", now=1000.0 + attempt * 0.1))
        throttle.failed("198.51.100.7", "ada@x.example", now=1000.0 + attempt * 0.1)
    assert waits[:3] == [0, 0, 0]  # a few free tries
    assert 0 < waits[3] <= 1 < waits[4] <= 2 < waits[5] <= 4 < waits[6] <= 8
    assert throttle.wait("198.51.100.7", "ada@x.example", now=1000.7 + 61) == 0  # never longer than a minute
    assert throttle.wait("203.0.113.9", "ada@x.example", now=1001.0) == 0  # the account itself allows more tries
    throttle.succeeded("198.51.100.7", "ada@x.example")
    assert throttle.wait("198.51.100.7", "ada@x.example", now=1001.0) == 0


async def test_the_first_login_forces_a_password_change_on_every_page(
    http: httpx.AsyncClient, account: PortalAccount
) -> None:
    me = await log_in(http, account.admin_email)
    assert me["must_change_password"] is True and me["username"] == account.admin_email

    blocked = await http.get("/api/admin/organizers")
    assert blocked.status_code == 403 and blocked.json()["error"] == "PasswordChangeRequired"
    for page in ("/admin", "/admin/company", "/admin/organizers/new", "/admin/orders", "/admin/login"):
        response = await http.get(page)
        assert response.status_code == 303 and response.headers["location"] == "/admin/password", page
    change_page = await http.get("/admin/password")
    assert change_page.status_code == 200
    assert "Change your initial password" in change_page.text
    assert "This is your first login: please change your initial password first." in change_page.text
    assert "4-16 letters and digits" in change_page.text
    assert "Service menu" not in change_page.text  # nowhere else to go yet


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (change("", "abcd1234"), "old_password", "Enter your old password."),
        (
            change(FIRST_PASSWORD, "ab1"),
            "new_password",
            "The new password is too short: use 4-16 letters and digits (it has 3).",
        ),
        (
            change(FIRST_PASSWORD, "a1b2c3d4e5f6g7h8i"),
            "new_password",
            "The new password is too long: use 4-16 letters and digits (it has 17).",
        ),
        (
            change(FIRST_PASSWORD, "abc 1234"),
            "new_password",
            "The new password may contain only letters and digits (4-16 letters and digits): no spaces or symbols.",
        ),
        (
            change(FIRST_PASSWORD, "pässwort1"),
            "new_password",
            "The new password may contain only letters and digits (4-16 letters and digits): no spaces or symbols.",
        ),
        (
            change(FIRST_PASSWORD, "abcd1234", "abcd12345"),
            "new_password_confirmation",
            "The two new passwords are not the same.",
        ),
        (change("wrong123", "abcd1234"), "old_password", "The old password is not correct."),
        (
            change(FIRST_PASSWORD, FIRST_PASSWORD),
            "new_password",
            "The new password must be different from the old one.",
        ),
    ],
    ids=["no-old", "3-chars", "17-chars", "space", "non-ascii", "mismatch", "wrong-old", "unchanged"],
)
async def test_the_new_password_follows_the_4_to_16_rule(
    http: httpx.AsyncClient, account: PortalAccount, body: dict[str, str], field: str, message: str
) -> None:
    await log_in(http, account.admin_email)
    response = await http.post("/api/admin/password", json=body)
    assert response.status_code == 422
    assert response.json()["message"] == message
    assert response.json()["fields"] == [{"field": field, "message": message}]
    assert (await http.get("/api/admin/me")).json()["must_change_password"] is True


async def test_the_edges_of_the_rule_are_accepted_and_the_change_is_confirmed_by_mail(
    app: FastAPI, account: PortalAccount, mail_sink: MailSink, workflow_db: tuple[str, SessionFactory]
) -> None:
    async with browser(app) as http, browser(app) as other_tab:
        await log_in(http, account.admin_email)
        before = http.cookies["onramp_admin"]
        await log_in(http, account.admin_email)  # a second login: a new session id, and the first one ends
        first = http.cookies["onramp_admin"]
        assert first != before
        async with browser(app) as stolen:
            stolen.cookies.set("onramp_admin", before)
            assert (await stolen.get("/api/admin/me")).status_code == 401
        await log_in(other_tab, account.admin_email)
        ok = await http.post("/api/admin/password", json=change(FIRST_PASSWORD, "abcd"))  # 4 characters
        assert ok.status_code == 200 and ok.json()["must_change_password"] is False
        assert http.cookies["onramp_admin"] != first  # the change starts a new session id too
        async with browser(app) as stolen:
            stolen.cookies.set("onramp_admin", first)
            assert (await stolen.get("/api/admin/me")).status_code == 401
        longest = await http.post("/api/admin/password", json=change("abcd", "A1b2C3d4E5f6G7h8"))  # 16
        assert longest.status_code == 200
        assert (await http.get("/api/admin/organizers")).status_code == 200  # the portal is open
        assert (await other_tab.get("/api/admin/me")).status_code == 401  # other sessions end with the change

    async with workflow_db[1]() as session:
        stored = await session.get(EnterpriseAdmin, account.account_no)
        assert stored is not None and not stored.must_change_password and stored.password_changed_at is not None
        assert (
            verify_password("A1b2C3d4E5f6G7h8", stored.password_hash) and "A1b2C3d4E5f6G7h8" not in stored.password_hash
        )
    confirmations = await mails_to(mail_sink, account.admin_email, count=2, subject="password was changed")
    assert confirmations[0].subject == "Your self-service portal password was changed"
    assert f"(username {account.admin_email})" in " ".join(confirmations[0].text.split())
    assert "abcd" not in confirmations[0].text.split() and "A1b2C3d4E5f6G7h8" not in confirmations[1].text

    async with browser(app) as again:
        old = await again.post("/api/admin/login", json={"username": account.admin_email, "password": FIRST_PASSWORD})
        assert old.status_code == 401
        assert (await log_in(again, account.admin_email, "A1b2C3d4E5f6G7h8"))["must_change_password"] is False


async def test_the_change_page_shows_refusals_next_to_their_fields_then_opens_the_portal(
    http: httpx.AsyncClient, account: PortalAccount
) -> None:
    login = await http.post("/admin/login", data={"username": account.admin_email, "password": FIRST_PASSWORD})
    assert login.status_code == 303 and login.headers["location"] == "/admin/password"

    refused = await http.post(
        "/admin/password",
        data={"old_password": FIRST_PASSWORD, "new_password": "abc!", "new_password_confirmation": "abc!"},
    )
    assert refused.status_code == 422
    assert re.search(r'id="new_password-error">The new password may contain only letters and digits', refused.text)
    assert 'value="abc!"' not in refused.text  # a password is never written back into the page

    done = await http.post(
        "/admin/password",
        data={"old_password": FIRST_PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirmation": NEW_PASSWORD},
    )
    assert done.status_code == 303
    home = await http.get(done.headers["location"])
    assert home.status_code == 200
    assert "Your password has been changed." in home.text
    assert "User information" in home.text and "GoTo Meeting product list" in home.text

    out = await http.post("/admin/logout")
    assert out.status_code == 303
    assert (await http.get("/admin")).headers["location"] == "/admin/login?next=%2Fadmin"
    assert "You have logged out." in (await http.get(out.headers["location"])).text


# ------------------------------------------------------------------------------------------------ company info


async def test_company_info_is_edited_with_the_seeds_fields(http: httpx.AsyncClient, account: PortalAccount) -> None:
    await ready_admin(http, account)
    shown = (await http.get("/api/admin/company")).json()
    assert shown["username"] == account.admin_email == shown["company"]["admin_email"]
    edit = {
        "admin_email": account.admin_email,
        "admin_name": "Wang Fang",
        "admin_phone": "+86 21 5555 0199 ext 12",
        "admin_mobile": "+86 139 0000 0000",
        "company_phone": "021-6666 8888",
        "company_fax": "021-6666 8889",
        "province": "Shanghai",
        "city": "Shanghai",
        "street": "88 Century Avenue",
    }
    saved = await http.put("/api/admin/company", json=edit)
    assert saved.status_code == 200, saved.text
    names = {"country": "CN", "province": "上海市", "city": "上海市"}  # in China, as the national list names them
    assert saved.json()["company"] == edit | names | {"customer_name": account.customer_name}
    assert saved.json()["username_changed"] is False


@pytest.mark.parametrize(
    "phone", ["021-6666 8888转12", "021 6666 8888 轉 12", "+86 21 6666 8888 x12", "+1 555 0100 #12"]
)
async def test_a_phone_extension_is_written_the_usual_ways(
    http: httpx.AsyncClient, account: PortalAccount, phone: str
) -> None:
    await ready_admin(http, account)
    edit = (await http.get("/api/admin/company")).json()["company"] | {"company_phone": phone}
    edit.pop("customer_name")
    saved = await http.put("/api/admin/company", json=edit)
    assert saved.status_code == 200, saved.text
    assert saved.json()["company"]["company_phone"] == phone
    wrong = await http.put("/api/admin/company", json=edit | {"company_phone": "021 6666 8888 转"})
    assert wrong.status_code == 422 and wrong.json()["fields"][0]["field"] == "company_phone"

    read_only = await http.put("/api/admin/company", json=edit | {"customer_name": "Someone Else"})
    assert read_only.status_code == 422 and read_only.json()["fields"][0]["field"] == "customer_name"
    bad = await http.put("/api/admin/company", json=edit | {"admin_phone": "call me", "admin_email": "nope"})
    assert bad.status_code == 422
    assert {p["field"] for p in bad.json()["fields"]} == {"admin_phone", "admin_email"}

    page = await http.post("/admin/company", data=edit | {"admin_phone": "", "company_fax": "fax?"})
    assert page.status_code == 422
    assert 'id="admin_phone-error">Please fill in this field.' in page.text
    assert 'id="company_fax-error">Use digits, spaces, + ( ) -, and an extension' in page.text
    assert account.customer_name in page.text and 'name="customer_name"' not in page.text  # read-only


async def test_a_new_admin_email_is_the_new_username_and_later_mail_goes_there(
    app: FastAPI,
    account: PortalAccount,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
    settings: Settings,
) -> None:
    new_email = f"it-{uid()}@yitong.example"
    async with browser(app) as http:
        await ready_admin(http, account)
        company = (await http.get("/api/admin/company")).json()["company"]
        edit = {k: v for k, v in company.items() if k != "customer_name"} | {"admin_email": new_email}

        page = await http.post("/admin/company", data=edit)
        assert page.status_code == 303
        home = await http.get(page.headers["location"])
        assert f"Your information has been saved. Your username is now {new_email}." in home.text
        assert (await http.get("/api/admin/me")).json()["username"] == new_email

        # Every later mail goes to the new address: an invitation's copy ...
        ada = f"ada-{uid()}@yitong.example"
        created = await http.post(
            "/api/admin/organizers",
            json={"last_name": "Lovelace", "first_name": "Ada", "email": ada, "edition": "Standard"},
        )
        assert created.status_code == 201 and created.json()["admin_copy"]["to"] == new_email
        [copy] = await mails_to(mail_sink, new_email, subject="Copy:")
        assert "Ada Lovelace" in copy.subject
        # ... and the password change confirmation.
        changed = await http.post("/api/admin/password", json=change(NEW_PASSWORD, "Newer2027"))
        assert changed.status_code == 200
        await mails_to(mail_sink, new_email, subject="password was changed")
    old_mail = [m.subject for m in mail_sink.to(account.admin_email)]
    assert not [s for s in old_mail if s.startswith("Copy:")]
    assert len([s for s in old_mail if "password was changed" in s]) == 1  # only the first, before the change

    async with browser(app) as again:
        by_old = await again.post("/api/admin/login", json={"username": account.admin_email, "password": "Newer2027"})
        assert by_old.status_code == 401
        assert (await log_in(again, new_email.upper(), "Newer2027"))["username"] == new_email  # any case works

    # An address that is another admin's username is refused, next to the field.
    other = await new_account(workflow_db[1], settings)
    async with browser(app) as http:
        await log_in(http, new_email, "Newer2027")
        taken = await http.put("/api/admin/company", json=edit | {"admin_email": other.admin_email})
        assert taken.status_code == 409
        assert taken.json()["fields"] == [
            {
                "field": "admin_email",
                "message": f"{other.admin_email} is already the username of another enterprise admin; "
                "choose another admin e-mail.",
            }
        ]
