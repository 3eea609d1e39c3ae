"""Webex Assist's add-ons, production time, moves at any time and the cancellation fee (seed 004, issue 15 items 5,
6, 9 and 10) on this module's own time-skipping server and worker, with a database of its own on SQLite and, when
ONRAMP_TEST_DATABASE_URL is set, PostgreSQL: add-ons priced on an 8-hour Event Center Standard session (page of
prices, mail, row; changeable until 14 days before), Event Center Premium's 6.5 production hours holding its
producer so a second event cannot share them, a move 3 days ahead (but not inside the 24-hour notice), and a late
cancellation's charge line in the state, the API, the row, `onramp assist list` and the mail."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from activities.assist import AssistActivities
from models.assist import AssistPolicy, Producer
from models.assist_activities import HoldRequest
from models.assist_packages import Package
from models.assist_rules import hold_lead_minutes
from models.assist_time import SessionTime, Slot
from starter.cli import app
from starter.mail_sink import MailSink
from starter.settings import Settings, get_settings
from starter.web.app import create_app
from store import SessionFactory, make_engine, make_session_factory, upgrade
from store import assist as store
from tests.admin_support import mails_to

# This module's own worker (tests/assist_env.py), with a server and a database per backend (below).
from tests.assist_env import (  # noqa: F401
    client_fixture,
    http_fixture,
    settings_fixture,
    time_skipping,
    worker_fixture,
)
from tests.assist_support import availability, book, new_site, proof, session_at
from tests.support import operator_key_in
from tests.test_assist_store import _fresh_url
from tests.test_wizard_pages import browser, page

TAIPEI = ZoneInfo("Asia/Taipei")
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module", name="assist_url")
async def assist_url_fixture(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A database of this module's own on the backend under test (its producers are the only ones)."""
    async for url in _fresh_url(database_url, tmp_path_factory.mktemp("assist-addons")):
        yield url


@pytest.fixture(scope="module", name="assist_db")
async def assist_db_fixture(assist_url: str) -> AsyncIterator[SessionFactory]:
    engine = make_engine(assist_url)
    await upgrade(engine)
    yield make_session_factory(engine)
    await engine.dispose()


@pytest.fixture(scope="module", name="ts_env")
async def ts_env_fixture(assist_url: str) -> AsyncIterator[WorkflowEnvironment]:
    """A server per backend: the first backend's bookings, waiting on a worker that has gone, would stop the
    second's time from skipping."""
    async with time_skipping() as env:
        yield env


async def now(ts_env: WorkflowEnvironment) -> datetime:
    return await ts_env.get_current_time()


def lines(state: dict[str, Any]) -> list[tuple[str | None, int, str]]:
    """A state's price lines as (add-on, quantity, amount)."""
    return [(line["add_on"], line["quantity"], line["amount"]) for line in state["price_lines"]]


# ------------------------------------------------------------------ 5. add-ons, ordered and priced


async def test_add_ons_are_priced_on_an_8_hour_event_center_standard_session(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    site = await new_site(assist_db)
    when = session_at(await now(ts_env), 20, at=time(9, 0), minutes=8 * 60)
    body = availability(site, when) | {"add_ons": ["extra_rehearsal", "invitation_registration"]}

    answer = await book(http, body)

    assert answer["confirmed"], answer
    state = answer["state"]
    assert lines(state) == [
        (None, 1, "650.00"),  # the standard fee: the first hour
        ("extra_time", 7, "1750.00"),  # every started hour over the first, at 250.00
        ("extra_rehearsal", 1, "375.00"),
        ("invitation_registration", 1, "375.00"),
    ]
    assert (state["standard_fee"], state["total_fee"]) == ("650.00", "3150.00")
    [mail] = await mails_to(mail_sink, body["customer"]["email"])
    assert "Extra time for an event longer than 1 hour (7 hours): 1,750.00 USD" in mail.text
    assert "An extra rehearsal: 375.00 USD" in mail.text
    assert "Invitation and registration management: 375.00 USD" in mail.text
    assert "Total: 3,150.00 USD" in mail.text
    async with assist_db() as session:
        row = await store.booking(session, state["reservation_no"])
    assert row is not None and row.total_fee == Decimal("3150.00")
    assert [str(add_on) for add_on in row.add_ons] == ["extra_rehearsal", "invitation_registration"]

    # changeable until 14 days before: one add-on fewer, another one more
    number, mine = state["reservation_no"], proof(body)
    changed = await http.post(
        f"/api/assist/bookings/{number}/add-ons",
        json={"contact_email": body["customer"]["email"], "add_ons": ["extra_recording_editing"]},
        headers=mine,
    )
    assert changed.status_code == 200, changed.text
    assert lines(changed.json())[2:] == [("extra_recording_editing", 1, "150.00")]
    assert changed.json()["total_fee"] == "2550.00"

    await ts_env.sleep(timedelta(days=7))  # 13 days before the session
    late = await http.post(
        f"/api/assist/bookings/{number}/add-ons",
        json={"contact_email": body["customer"]["email"], "add_ons": []},
        headers=mine,
    )
    assert late.status_code == 422, late.text
    assert late.json()["message"].startswith("Add-ons can be changed until 14 days before the session")
    assert [field["field"] for field in late.json()["fields"]] == ["add_ons"]


async def test_invitation_and_registration_cannot_be_ordered_with_event_center_premium(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site = await new_site(assist_db)
    body = availability(site, session_at(await now(ts_env), 20), package="ec_premium")

    refused = await http.post("/api/assist/bookings", json=body | {"add_ons": ["invitation_registration"]})

    assert refused.status_code == 422, refused.text
    assert refused.json()["message"] == (
        "Invitation and registration management is included in Event Center Premium: it is not an add-on there."
    )
    assert [field["field"] for field in refused.json()["fields"]] == ["add_ons"]


# ------------------------------------------------------------------ 6. production time reserved


async def test_event_center_premium_holds_its_producer_for_6_5_hours(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site = await new_site(assist_db)
    when = session_at(await now(ts_env), 25, at=time(15, 0))
    premium = await book(http, availability(site, when, package="ec_premium"), lookup={"scheduled": "not_yet"})
    assert premium["confirmed"], premium
    number = premium["state"]["reservation_no"]

    async with assist_db() as session:
        [(producer_id, held)] = (await store.claims_of(session, number)).items()
    assert len(held) == 26  # 6.5 hours of 15-minute slots
    first = min(held).astimezone(TAIPEI)
    assert (first.date(), first.time()) == (when.date, time(9, 30))  # to the end of the 1-hour event at 16:00

    # a second event that day, inside those hours, cannot have that producer
    second = await book(http, availability(site, when.moved_to(when.date, time(11, 0)), "mc_premium"))
    assert second["confirmed"] and second["state"]["producer"]["producer_id"] != producer_id


async def test_a_producer_held_for_event_center_premium_is_not_free_for_a_second_event(
    database_url: str, tmp_path: Path
) -> None:
    """One producer: Event Center Premium's hold at 15:00 covers 09:30-16:00, so an 11:00 event finds nobody and
    is offered the nearest starts outside those hours."""
    async for url in _fresh_url(database_url, tmp_path):
        engine = make_engine(url)
        await upgrade(engine)
        sessions = make_session_factory(engine)
        try:
            async with sessions.begin() as session:
                await store.add_producer(session, Producer(producer_id="lin", name="Lin", email="lin@assist.example"))
            activities = AssistActivities(sessions)
            day = (datetime.now(UTC) + timedelta(days=30)).date()
            held = await activities.hold_producer(hold("WA-261203-00EC01", Package.EVENT_CENTER_PREMIUM, day, time(15)))
            assert held.producer is not None
            second = await activities.hold_producer(
                hold("WA-261203-00EC02", Package.MEETING_CENTER_PREMIUM, day, time(11))
            )
            assert second.producer is None
            assert second.alternatives == [
                Slot(date=day, time=time(8, 30), free_producers=1),
                Slot(date=day, time=time(8, 0), free_producers=1),
                Slot(date=day, time=time(7, 30), free_producers=1),
            ]
        finally:
            await engine.dispose()


def hold(number: str, package: Package, day: date, at: time) -> HoldRequest:
    """The hold the workflow asks for a 1-hour session of ``package`` (its production time before the start)."""
    session = SessionTime(date=day, time=at, time_zone="Asia/Taipei", duration_minutes=60)
    lead = hold_lead_minutes(AssistPolicy(), package)
    return HoldRequest(reservation_no=number, session=session, lead_minutes=lead, not_before=LONG_AGO)


# ------------------------------------------------------------------ 9. moving at any time


async def test_a_booking_moves_3_days_ahead_but_not_inside_the_notice(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    site = await new_site(assist_db)
    body = availability(site, session_at(await now(ts_env), 20))
    number = (await book(http, body))["state"]["reservation_no"]
    email = body["customer"]["email"]

    soon = (await now(ts_env) + timedelta(hours=12)).astimezone(TAIPEI)
    too_soon = await http.post(
        f"/api/assist/bookings/{number}/reschedule",
        json={"contact_email": email, "date": soon.date().isoformat(), "time": f"{soon.hour:02d}:00"},
        headers=proof(body),
    )
    assert too_soon.status_code == 422, too_soon.text
    assert too_soon.json()["message"].startswith(
        "A booking can move to any time at least 24 hours ahead: the earliest start is "
    )
    assert [field["field"] for field in too_soon.json()["fields"]] == ["date"]

    new = session_at(await now(ts_env), 3, at=time(10, 0))
    moved = await http.post(
        f"/api/assist/bookings/{number}/reschedule",
        json={"contact_email": email, "date": new.date.isoformat(), "time": "10:00"},
        headers=proof(body),
    )
    assert moved.status_code == 200 and moved.json()["confirmed"], moved.text
    assert moved.json()["state"]["availability"]["session"]["date"] == new.date.isoformat()
    [_, mail] = await mails_to(mail_sink, email, count=2)
    assert mail.subject == f"Webex Assist moved: {number}, now {new.label()}"


# ------------------------------------------------------------------ 10. the fee recorded


async def test_a_late_cancellation_records_its_fee_as_a_charge_line(
    http: httpx.AsyncClient,
    ts_env: WorkflowEnvironment,
    assist_db: SessionFactory,
    assist_url: str,
    mail_sink: MailSink,
    tmp_path: Path,
) -> None:
    site = await new_site(assist_db)
    body = availability(site, session_at(await now(ts_env), 15), package="mc_premium")
    number = (await book(http, body))["state"]["reservation_no"]
    await ts_env.sleep(timedelta(days=10))  # inside the 7 days before the start

    cancelled = await http.post(
        f"/api/assist/bookings/{number}/cancel", json={"contact_email": body["customer"]["email"]}, headers=proof(body)
    )

    assert cancelled.status_code == 200, cancelled.text
    reason = "Cancelled less than 7 days before the start: 50% of the standard fee of 300.00 USD."
    charge = {"kind": "cancellation_fee", "amount": "150.00", "currency": "USD", "reason": reason}
    [line] = cancelled.json()["charges"]
    assert {key: line[key] for key in charge} == charge
    shown = await http.get(f"/api/assist/bookings/{number}", headers=proof(body))
    assert [{key: line[key] for key in charge} for line in shown.json()["charges"]] == [charge]
    async with assist_db() as session:
        row = await store.booking(session, number)
    assert row is not None and [(c.amount, c.currency, c.reason) for c in row.charges] == [
        (Decimal("150.00"), "USD", reason)
    ]
    [_, mail] = await mails_to(mail_sink, body["customer"]["email"], count=2)
    assert "Cancellation fee: 150.00 USD (50% of the standard fee of 300.00 USD" in mail.text

    [listed] = [
        row
        for row in json.loads(await _onramp(assist_url, tmp_path, "assist", "list", "--json"))
        if row["reservation_no"] == number
    ]
    assert [{key: line[key] for key in charge} for line in listed["charges"]] == [charge]
    table = await _onramp(assist_url, tmp_path, "assist", "list", "--status", "cancelled")
    assert number in table and "150.00" in table, table


async def _onramp(database_url: str, tmp_path: Path, *args: str) -> str:
    """The CLI as an operator runs it against this module's database (in a thread: it runs its own event loop)."""
    env = {
        "ONRAMP_DATABASE_URL": database_url,
        "ONRAMP_DATA_DIR": str(tmp_path / "data"),
        "ONRAMP_API_KEY": await operator_key_in(database_url),
    }
    get_settings.cache_clear()
    try:
        result = await asyncio.to_thread(CliRunner().invoke, app, list(args), env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    return result.output


async def test_the_add_ons_page_changes_them_and_shows_the_new_price(
    client: Client, settings: Settings, http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site = await new_site(assist_db)
    body = availability(site, session_at(await now(ts_env), 20, minutes=120))
    number, email = (await book(http, body))["state"]["reservation_no"], body["customer"]["email"]
    async with browser(create_app(settings, client=client, sessions=assist_db)) as web:
        booking = await page(await web.post("/assist/find", data={"reservation_no": number, "contact_email": email}))
        assert "Change the add-ons" in booking.text()

        p = await page(await web.get(f"/assist/bookings/{number}/add-ons"))
        boxes = [c["name"] for c in p.controls if c.get("type") == "checkbox"]
        assert boxes == ["add_on_extra_rehearsal", "add_on_extra_recording_editing", "add_on_invitation_registration"]
        assert p.text("total") == "900.00 USD"  # 650.00 and one started hour over the first at 250.00

        saved = await page(await web.post(f"/assist/bookings/{number}/add-ons", data={"add_on_extra_rehearsal": "on"}))
        assert saved.text("saved") == "Saved. The price below includes the add-ons now ordered."
        assert saved.text("total") == "1,275.00 USD" and "An extra rehearsal" in saved.text("prices")
        assert [c["name"] for c in saved.controls if c.get("type") == "checkbox" and "checked" in c] == [
            "add_on_extra_rehearsal"
        ]

        await ts_env.sleep(timedelta(days=7))  # 13 days before by the workflow's clock: too late
        late = await page(await web.post(f"/assist/bookings/{number}/add-ons", data={}), 422)
        assert late.text("error").startswith("Add-ons can be changed until 14 days before the session")
