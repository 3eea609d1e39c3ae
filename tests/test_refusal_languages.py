"""A refusal is a code with a reason: the same refusal asked for in two languages (``Accept-Language``) answers the
same ``error`` and the same field, and a ``message`` that is the refusals catalog's translation of the reason the
workflow, the activity or the service gave, for one refusal of each process; pydantic's own field errors too."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.account_services import AccountServices, with_reach
from models.accounts import Edition, Product
from models.assist_packages import PACKAGES, Package
from models.assist_requests import MeetingLookup
from models.assist_rules import lookup_refusal
from models.languages import SupportedLanguage
from models.organizer_rules import edition_phrase, no_such_edition
from models.refusals import Reason, because_n
from models.seat_order_requests import MAX_NEW_SEATS
from models.wizard_rules import role_refusal
from starter.mail_sink import MailSink
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from tests.admin_support import browser, new_account, ready_admin
from tests.assist_support import availability, new_site, proof, session_at, start_order
from tests.seat_support import new_account as new_billing_account
from tests.seat_support import start
from tests.support import order
from tests.wizard_support import Wizard, order_awaiting_setup
from translations.reasons import said

L = SupportedLanguage
ENGLISH = {"Accept-Language": "en"}


def reading(language: SupportedLanguage) -> dict[str, str]:
    return {"Accept-Language": language.value}


def refusal(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_translated(english: dict[str, Any], other: dict[str, Any], reason: Reason, language: L, field: str) -> None:
    """The same code and field; the message is the reason in each language, and the two differ."""
    assert english["error"] == other["error"]
    assert english["message"] == reason.english() == said(reason, L.ENGLISH)
    assert other["message"] == said(reason, language) != english["message"]
    assert [f["field"] for f in english["fields"]] == [f["field"] for f in other["fields"]] == [field]
    assert other["fields"][0]["message"] == other["message"]


# ------------------------------------------------------------------ the partner order's wizard (seeds 001/003)


@pytest.mark.parametrize("language", [L.SLOVENIAN, L.ARABIC])
async def test_the_wizard_refuses_a_role_in_the_partners_language(
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    language: L,
) -> None:
    _, token = await order_awaiting_setup(client, ts_env, settings, mail_sink)
    w = Wizard(http, token)
    await w.open()
    body = {"session_id": w.session_id, "role": "customer"}
    english = refusal(await http.post(f"/api/setup/{token}/role", json=body, headers=ENGLISH), 422)
    other = refusal(await http.post(f"/api/setup/{token}/role", json=body, headers=reading(language)), 422)

    reason = role_refusal("partner", "customer")
    assert reason is not None
    assert english["error"] == "InvalidStep"
    assert_translated(english, other, reason, language, "role")
    assert ("Sem partner" if language is L.SLOVENIAN else "أنا شريك") in other["message"]  # the seed's own button


# ------------------------------------------------------------------ the seat order (seed 002)


async def test_a_seat_line_over_the_limit_is_refused_in_german(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment
) -> None:
    account_no = await new_billing_account(http, (await ts_env.get_current_time()).date())
    order_no = (await start(http, account_no))["order_no"]
    lines = [{"product": "GoTo Meeting", "edition": "Enterprise", "new_seats": MAX_NEW_SEATS + 1}]
    path = f"/api/seat-orders/{order_no}/quantities"
    english = refusal(await http.post(path, json={"lines": lines}, headers=ENGLISH), 422)
    german = refusal(await http.post(path, json={"lines": lines}, headers=reading(L.GERMAN)), 422)

    reason = because_n(
        "At most %(num)d seat can be added at once; for more, contact Corporate Account Services.",
        "At most %(num)d seats can be added at once; for more, contact Corporate Account Services.",
        MAX_NEW_SEATS,
    )
    assert english["error"] == "InvalidStep"
    # followed by how to reach them (the order's policy), a sentence of its own
    assert_translated(english, german, with_reach(reason, AccountServices()), L.GERMAN, "lines.0.new_seats")
    assert german["message"].startswith(
        f"Es können höchstens {MAX_NEW_SEATS} Plätze auf einmal hinzugefügt werden; für mehr wenden Sie sich an "
        "Corporate Account Services. "
    )


# ------------------------------------------------------------------ the enterprise admin's organizers (seed 000)


@pytest.fixture
async def portal(client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]) -> FastAPI:
    return create_app(settings, client=client, sessions=workflow_db[1])


async def test_an_edition_the_account_lacks_is_refused_in_simplified_chinese(
    portal: FastAPI, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    account = await new_account(workflow_db[1], settings)
    body = {
        "last_name": "林",
        "first_name": "美",
        "email": f"mei-{account.account_no.lower()}@yitong.example",
        "edition": "Basic",
    }
    async with browser(portal) as admin:
        await ready_admin(admin, account)
        english = refusal(await admin.post("/api/admin/organizers", json=body, headers=ENGLISH), 422)
        chinese = refusal(
            await admin.post("/api/admin/organizers", json=body, headers=reading(L.SIMPLIFIED_CHINESE)), 422
        )

    held = [edition_phrase(Product.GOTO_MEETING, e) for e in (Edition.ENTERPRISE, Edition.STANDARD)]
    reason = no_such_edition(Product.GOTO_MEETING, Edition.BASIC, held)
    assert english["message"] == (
        "This account has no GoTo Meeting Basic licenses; it has GoTo Meeting Enterprise, GoTo Meeting Standard."
    )
    assert_translated(english, chinese, reason, L.SIMPLIFIED_CHINESE, "edition")
    assert chinese["message"] == "此账户没有会易通基础版的许可证；它拥有：会易通企业版和会易通标准版。"


# ------------------------------------------------------------------ Webex Assist (seed 004)


async def test_an_unscheduled_session_is_refused_in_traditional_chinese(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, workflow_db: tuple[str, SessionFactory]
) -> None:
    site = await new_site(workflow_db[1])
    order = availability(site, session_at(await ts_env.get_current_time(), 20), package="mc_premium")
    started = await start_order(http, order)
    path = f"/api/assist/bookings/{started['reservation_no']}/lookup"
    mine = proof(order)
    english = refusal(await http.post(path, json={"scheduled": "not_yet"}, headers=mine | ENGLISH), 422)
    chinese = refusal(
        await http.post(path, json={"scheduled": "not_yet"}, headers=mine | reading(L.TRADITIONAL_CHINESE)), 422
    )

    refused = lookup_refusal(Package("mc_premium"), MeetingLookup(scheduled="not_yet"))
    assert refused is not None
    assert english["error"] == "InvalidStep"
    assert_translated(english, chinese, refused[1], L.TRADITIONAL_CHINESE, "scheduled")
    assert "Meeting Center 高級協助服務" in chinese["message"] and "Webex 網站" in chinese["message"]
    assert PACKAGES[Package("mc_premium")].name in english["message"]


# ------------------------------------------------------------------ pydantic's own field errors


async def test_a_field_too_long_is_said_in_german_and_left_to_pydantic_in_english(http: httpx.AsyncClient) -> None:
    body = order(datetime.now(UTC).date() + timedelta(days=3)).model_dump(mode="json") | {"customer_name": "K" * 201}
    english = refusal(await http.post("/api/partner-orders", json=body, headers=ENGLISH), 422)
    german = refusal(await http.post("/api/partner-orders", json=body, headers=reading(L.GERMAN)), 422)

    assert english["error"] == german["error"] == "InvalidInput"
    assert english["fields"] == [{"field": "customer_name", "message": "String should have at most 200 characters"}]
    assert german["fields"] == [{"field": "customer_name", "message": "Verwenden Sie höchstens 200 Zeichen."}]
    assert german["message"] == "customer_name: Verwenden Sie höchstens 200 Zeichen."


async def test_a_date_in_a_refusal_is_written_the_readers_way(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, workflow_db: tuple[str, SessionFactory]
) -> None:
    site = await new_site(workflow_db[1])
    too_soon = availability(site, session_at(await ts_env.get_current_time(), 13))
    english = refusal(await http.post("/api/assist/bookings", json=too_soon, headers=ENGLISH), 422)
    german = refusal(await http.post("/api/assist/bookings", json=too_soon, headers=reading(L.GERMAN)), 422)
    iso = re.search(r"the earliest start is (\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2}) \(Asia/Taipei\)", english["message"])
    assert iso, english["message"]
    year, month, day, clock = iso.groups()
    assert f"{day}.{month}.{year}, {clock}" in german["message"] and english["error"] == german["error"]
