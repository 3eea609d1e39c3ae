"""Billing accounts: created over the API with their enterprise admin, welcomed by e-mail, demo account."""

from __future__ import annotations

import uuid
from datetime import date

import httpx

from starter.mail_sink import MailSink
from starter.services.accounts import demo_account
from starter.services.passwords import verify_password
from store import SessionFactory
from store.tables import Account, EnterpriseAdmin
from tests.support import eventually


def _account_json(account_no: str, admin: str) -> dict[str, object]:
    sample = demo_account(date(2026, 11, 21)).model_dump(mode="json")
    sample["account_no"] = account_no
    sample["company"]["admin_email"] = admin
    sample["initial_password"] = None
    return sample


async def test_an_account_is_created_and_its_admin_gets_a_first_password(
    http: httpx.AsyncClient, mail_sink: MailSink, workflow_db: tuple[str, SessionFactory]
) -> None:
    account_no, admin = f"ACC-{uuid.uuid4().hex[:8]}", f"admin-{uuid.uuid4().hex[:6]}@company.example"

    response = await http.post("/api/accounts", json=_account_json(account_no, admin))

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["company"]["admin_email"] == admin
    assert [(s["product"], s["edition"], s["seats"]) for s in body["subscriptions"]] == [
        ("GoTo Meeting", "Enterprise", 3),
        ("GoTo Meeting", "Standard", 2),
        ("GoTo Webinar", "Standard", 1),
    ]

    async def welcome() -> str | None:
        mails = mail_sink.to(admin)
        return mails[0].text if mails else None

    text = await eventually(welcome, what="the welcome mail")
    assert f"Username: {admin}" in text
    password = text.split("Password: ", 1)[1].split()[0]
    assert 4 <= len(password) <= 16 and password.isalnum()
    async with workflow_db[1]() as session:
        stored = await session.get(EnterpriseAdmin, account_no)
        assert stored is not None and stored.must_change_password
        assert verify_password(password, stored.password_hash) and password not in stored.password_hash
        assert (await session.get(Account, account_no)) is not None

    again = await http.post("/api/accounts", json=_account_json(account_no, f"other-{admin}"))
    assert again.status_code == 409 and f"Account {account_no} exists already" in again.json()["message"]
    same_admin = await http.post("/api/accounts", json=_account_json(f"{account_no}-2", admin))
    assert same_admin.status_code == 409 and "is already the admin of account" in same_admin.json()["message"]


async def test_a_bad_account_names_the_field(http: httpx.AsyncClient) -> None:
    bad = _account_json("ACC-BAD-1", "x@company.example")
    bad["subscriptions"][0]["product"] = "GoTo Nothing"  # type: ignore[index]
    bad["initial_password"] = "short!"
    response = await http.post("/api/accounts", json=bad)
    assert response.status_code == 422
    fields = {problem["field"] for problem in response.json()["fields"]}
    assert {"subscriptions.0.product", "initial_password"} <= fields
