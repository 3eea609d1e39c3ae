"""The admin portal's pages for organizer accounts (seed 000, steps 4 and 5), as an admin sees them without
JavaScript: the product list with what remains per edition, the create form and its refusals next to their
fields, re-invite and remove for the ticked accounts, and the organizer's activation page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client

from models.accounts import Edition, Product
from starter.mail_sink import MailSink
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from tests.admin_support import PortalAccount, activation_path, browser, mails_to, new_account, ready_admin, uid


@pytest.fixture
async def account(workflow_db: tuple[str, SessionFactory], settings: Settings) -> PortalAccount:
    return await new_account(
        workflow_db[1],
        settings,
        seats={(Product.GOTO_MEETING, Edition.ENTERPRISE): 1, (Product.GOTO_MEETING, Edition.STANDARD): 2},
    )


@pytest.fixture
async def admin(
    client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory], account: PortalAccount
) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings, client=client, sessions=workflow_db[1])
    async with browser(app) as http:
        await ready_admin(http, account)
        yield http


def form(email: str, edition: str = "GoTo Meeting|Enterprise") -> dict[str, str]:
    return {"last_name": "Lovelace", "first_name": "Ada", "email": email, "edition": edition}


async def post_pairs(http: httpx.AsyncClient, path: str, pairs: list[tuple[str, str]]) -> httpx.Response:
    """A form with a name more than once (the ticked rows), as a browser sends it."""
    return await http.post(
        path, content=urlencode(pairs), headers={"content-type": "application/x-www-form-urlencoded"}
    )


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def test_create_from_the_page_until_the_edition_runs_out(
    admin: httpx.AsyncClient, account: PortalAccount, mail_sink: MailSink
) -> None:
    home = await admin.get("/admin")
    assert "GoTo Meeting Enterprise: 1 left · GoTo Meeting Standard: 2 left" in home.text
    assert "No organizer accounts yet." in home.text
    new = await admin.get("/admin/organizers/new")
    assert '<option value="GoTo Meeting|Enterprise" selected>GoTo Meeting Enterprise (1 left)</option>' in new.text
    assert "make sure the account e-mail is right" in new.text

    blank = await admin.post("/admin/organizers/new", data=form("not-an-address") | {"last_name": " "})
    assert blank.status_code == 422
    assert 'id="last_name-error">Please fill in this field.' in blank.text
    assert 'id="email-error">' in blank.text and 'value="not-an-address"' in blank.text

    ada = f"ada-{uid()}@yitong.example"
    created = await admin.post("/admin/organizers/new", data=form(ada))
    assert created.status_code == 303
    listed = await admin.get(created.headers["location"])
    assert f"The account for {ada} is open, and the invitation is on its way." in listed.text
    assert "GoTo Meeting Enterprise: 0 left · GoTo Meeting Standard: 2 left" in listed.text
    assert f"Lovelace Ada {ada} GoTo Meeting Enterprise invited" in text_of(listed.text)
    await mails_to(mail_sink, ada)

    full = await admin.post("/admin/organizers/new", data=form(f"bob-{uid()}@yitong.example"))
    assert full.status_code == 409
    assert (
        'id="edition-error">No Enterprise licenses left for GoTo Meeting: its only license is in use. '
        "Remove an organizer account, or add seats, to create another one." in full.text
    )
    assert "GoTo Meeting Enterprise (none left)" in full.text

    twice = await admin.post("/admin/organizers/new", data=form(ada, "GoTo Meeting|Standard"))
    assert twice.status_code == 409
    assert f'id="email-error">{ada} already has an organizer account here' in twice.text


async def test_reinvite_and_remove_the_ticked_accounts(
    admin: httpx.AsyncClient, account: PortalAccount, mail_sink: MailSink
) -> None:
    ada, bob = f"ada-{uid()}@yitong.example", f"bob-{uid()}@yitong.example"
    for email in (ada, bob):
        assert (await admin.post("/admin/organizers/new", data=form(email, "GoTo Meeting|Standard"))).status_code == 303

    nothing = await admin.post("/admin/organizers/action", data={"action": "reinvite"})
    assert nothing.status_code == 400
    assert "Select an account in the product list first, then click again." in nothing.text

    again = await post_pairs(
        admin, "/admin/organizers/action", [("action", "reinvite"), ("email", ada), ("email", bob)]
    )
    assert again.status_code == 303
    assert f"The invitation was sent again to {ada}, {bob}." in (await admin.get(again.headers["location"])).text
    await mails_to(mail_sink, ada, count=2)
    [_, second] = await mails_to(mail_sink, bob, count=2)

    activated = await admin.post(activation_path(second))
    assert "Your account is active" in activated.text
    home = await admin.get("/admin")
    assert f"Lovelace Ada {bob} GoTo Meeting Standard active" in text_of(home.text)
    refused = await post_pairs(admin, "/admin/organizers/action", [("action", "reinvite"), ("email", bob)])
    assert refused.status_code == 409
    assert f"Cannot re-invite: {bob} has already activated the account." in refused.text

    removed = await post_pairs(admin, "/admin/organizers/action", [("action", "remove"), ("email", bob)])
    assert removed.status_code == 303
    after = await admin.get(removed.headers["location"])
    assert f"{bob}: removed. The license is back in the product list." in after.text
    assert "GoTo Meeting Standard: 1 left" in after.text and bob not in text_of(after.text).split("product list")[-1]


async def test_an_unknown_activation_link_gets_a_friendly_page(admin: httpx.AsyncClient) -> None:
    page = await admin.get("/activate/no-such-token")
    assert page.status_code == 404
    assert "This link no longer works" in page.text and "Ask your enterprise admin to re-invite you." in page.text
    posted = await admin.post("/activate/no-such-token")
    assert posted.status_code == 404 and "This link no longer works" in posted.text
