"""The planning call and rehearsals of a Webex Assist booking (seed 004, issue 15 item 7) on this module's own
time-skipping server and worker, with a database of its own on SQLite and, when ONRAMP_TEST_DATABASE_URL is set,
PostgreSQL: which ones a package has, the times offered from its producer's free slots before the event, the pick
holding the producer (mails to both), a move of the event releasing what no longer fits, an extra rehearsal ordered
and dropped, and a cancel releasing them all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.assist import PreparationKind
from models.assist_packages import COMPARISON, Coverage, Package
from models.assist_preparation import INCLUDED, WORKING_HOURS, PreparationWindow, claim_key
from models.assist_time import SessionTime
from starter.mail_sink import MailSink
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory, make_engine, make_session_factory, upgrade
from store import assist as store
from store import assist_calendar as calendar
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
from tests.test_assist_store import _fresh_url
from tests.test_wizard_pages import browser, page

TAIPEI = ZoneInfo("Asia/Taipei")


@pytest.fixture(scope="module", name="assist_url")
async def assist_url_fixture(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    async for url in _fresh_url(database_url, tmp_path_factory.mktemp("assist-preparation")):
        yield url


@pytest.fixture(scope="module", name="assist_db")
async def assist_db_fixture(assist_url: str) -> AsyncIterator[SessionFactory]:
    engine = make_engine(assist_url)
    await upgrade(engine)
    yield make_session_factory(engine)
    await engine.dispose()


@pytest.fixture(scope="module", name="ts_env")
async def ts_env_fixture(assist_url: str) -> AsyncIterator[WorkflowEnvironment]:
    async with time_skipping() as env:
        yield env


async def now(ts_env: WorkflowEnvironment) -> datetime:
    return await ts_env.get_current_time()


async def confirmed(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory, package: str, days: int = 20
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A confirmed booking of ``package`` ``days`` ahead at 15:00 Taipei: (its order's body, its state)."""
    site = await new_site(assist_db)
    body = availability(site, session_at(await now(ts_env), days), package=package)
    answer = await book(http, body, lookup={"scheduled": "not_yet"} if package == "ec_premium" else None)
    assert answer["confirmed"], answer
    return body, answer["state"]


async def offers(http: httpx.AsyncClient, body: dict[str, Any], number: str) -> dict[str, dict[str, Any]]:
    response = await http.get(f"/api/assist/bookings/{number}/preparations", headers=proof(body))
    assert response.status_code == 200, response.text
    return {offer["kind"]: offer for offer in response.json()}


async def pick(
    http: httpx.AsyncClient, body: dict[str, Any], number: str, kind: str, when: dict[str, Any]
) -> httpx.Response:
    request = {"contact_email": body["customer"]["email"], "kind": kind, "date": when["date"], "time": when["time"]}
    return await http.post(f"/api/assist/bookings/{number}/preparations", json=request, headers=proof(body))


def local(when: dict[str, Any]) -> datetime:
    return SessionTime.model_validate(when).starts_at


async def claimed(assist_db: SessionFactory, number: str, kind: PreparationKind) -> set[datetime]:
    async with assist_db() as session:
        held = await store.claims_of(session, claim_key(number, kind))
    return set().union(*held.values()) if held else set()


# ------------------------------------------------------------------ which ones


def test_the_included_preparations_are_the_seed_table_s() -> None:
    """Planning call: every package but Meeting Center Premium; rehearsal: Event Center Premium's, included."""
    rows = {row.service: row.coverage for row in COMPARISON}
    for package in Package:
        planning = rows["Planning session"][package] is Coverage.INCLUDED
        rehearsal = rows["Rehearsal (up to 1 hour)"][package] is Coverage.INCLUDED
        assert (PreparationKind.PLANNING_CALL in INCLUDED[package]) is planning, package
        assert (PreparationKind.REHEARSAL in INCLUDED[package]) is rehearsal, package


# ------------------------------------------------------------------ offered, picked, mailed


async def test_the_planning_call_is_picked_from_the_producer_s_free_times(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    body, state = await confirmed(http, ts_env, assist_db, "ec_standard")
    number, producer = state["reservation_no"], state["producer"]
    assert [(p["kind"], p["minutes"], p["session"]) for p in state["preparations"]] == [("planning_call", 15, None)]

    offered = (await offers(http, body, number))["planning_call"]["offers"]
    assert offered, "a producer with an empty calendar has times before the event"
    event_start = SessionTime.model_validate(state["availability"]["session"]).starts_at
    for when in offered:
        start = local(when).astimezone(TAIPEI)
        assert start.weekday() < 5 and WORKING_HOURS[0] <= start.time() < WORKING_HOURS[1], when
        assert await now(ts_env) + timedelta(hours=24) <= start <= event_start - timedelta(minutes=45), when

    # another booking takes the producer at the first time offered: it is offered no more
    first = SessionTime.model_validate(offered[0])
    async with assist_db.begin() as session:
        await store.claim(session, producer["producer_id"], "WA-000000-0THER0", calendar.slots(first, 0))
    again = (await offers(http, body, number))["planning_call"]["offers"]
    assert offered[0] not in again and offered[1] in again
    taken = await pick(http, body, number, "planning_call", offered[0])
    assert taken.status_code == 422, taken.text
    assert taken.json()["message"].startswith("The producer is not free at ")
    assert [field["field"] for field in taken.json()["fields"]] == ["time"]

    scheduled = await pick(http, body, number, "planning_call", offered[1])

    assert scheduled.status_code == 200, scheduled.text
    [planning] = scheduled.json()["preparations"]
    assert planning["session"]["date"] == offered[1]["date"] and planning["session"]["time"] == offered[1]["time"]
    assert await claimed(assist_db, number, PreparationKind.PLANNING_CALL) == set(
        calendar.slots(SessionTime.model_validate(offered[1]), 0)
    )
    label = SessionTime.model_validate(offered[1]).label()
    [_, mail] = await mails_to(mail_sink, body["customer"]["email"], count=2)
    assert mail.subject == f"Webex Assist {number}: Planning call (15 minutes), {label}"
    assert f"Planning call (15 minutes): {label}" in mail.text
    [to_producer] = await mails_to(mail_sink, producer["email"])
    assert "The customer scheduled this with you: Planning call (15 minutes)." in to_producer.text
    assert body["customer"]["email"] in to_producer.text


async def test_a_preparation_must_end_before_the_producer_s_time_for_the_event(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    body, state = await confirmed(http, ts_env, assist_db, "tc_premium")
    number, event = state["reservation_no"], state["availability"]["session"]

    late = await pick(http, body, number, "planning_call", {"date": event["date"], "time": "14:30"})
    assert late.status_code == 422, late.text
    assert late.json()["message"].startswith("Choose a time that ends by ")
    assert [field["field"] for field in late.json()["fields"]] == ["date"]

    soon = (await now(ts_env) + timedelta(hours=2)).astimezone(TAIPEI)
    too_soon = await pick(http, body, number, "planning_call", {"date": soon.date().isoformat(), "time": "23:45"})
    assert too_soon.status_code == 422 and too_soon.json()["message"].startswith("Choose a time after "), too_soon.text

    none = await pick(http, body, number, "rehearsal", {"date": event["date"], "time": "09:00"})
    assert none.status_code == 422, none.text
    assert none.json()["message"] == "This booking has no rehearsal: its package and add-ons do not include one."


# ------------------------------------------------------------------ the event moves


async def test_moving_the_event_before_its_planning_call_releases_the_call(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    body, state = await confirmed(http, ts_env, assist_db, "ec_premium", days=20)
    number = state["reservation_no"]
    both = await offers(http, body, number)
    assert set(both) == {"planning_call", "rehearsal"} and both["rehearsal"]["minutes"] == 60
    early_call = both["planning_call"]["offers"][0]
    event_day = date.fromisoformat(state["availability"]["session"]["date"])
    rehearsal_day = next(
        event_day - timedelta(days=n) for n in range(5, 9) if (event_day - timedelta(days=n)).weekday() < 5
    )
    late_rehearsal = {
        "date": rehearsal_day.isoformat(),
        "time": "10:00:00",
        "time_zone": "Asia/Taipei",
        "duration_minutes": 60,
    }
    assert (await pick(http, body, number, "planning_call", early_call)).status_code == 200
    assert (await pick(http, body, number, "rehearsal", late_rehearsal)).status_code == 200

    # the event moves to a day between the two: the rehearsal no longer comes before it, the call still does
    between = local(early_call).astimezone(TAIPEI) + timedelta(days=2)
    assert between < local(late_rehearsal)
    moved = await http.post(
        f"/api/assist/bookings/{number}/reschedule",
        json={"contact_email": body["customer"]["email"], "date": between.date().isoformat(), "time": "18:00"},
        headers=proof(body),
    )

    assert moved.status_code == 200 and moved.json()["confirmed"], moved.text
    after = {p["kind"]: p for p in moved.json()["state"]["preparations"]}
    assert after["planning_call"]["session"]["date"] == early_call["date"]
    assert after["rehearsal"]["session"] is None
    assert after["rehearsal"]["released"]["date"] == late_rehearsal["date"]
    assert await claimed(assist_db, number, PreparationKind.REHEARSAL) == set()
    assert await claimed(assist_db, number, PreparationKind.PLANNING_CALL)
    mails = await mails_to(mail_sink, body["customer"]["email"], count=4)
    rescheduled = mails[-1]
    released = SessionTime.model_validate(late_rehearsal).label()
    assert f"Rehearsal (up to 1 hour): the move released {released}: choose another time" in rescheduled.text
    assert f"/assist/bookings/{number}/preparation" in rescheduled.text


# ------------------------------------------------------------------ add-ons, cancel


async def test_an_extra_rehearsal_ordered_later_is_offered_and_dropping_it_releases_it(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    body, state = await confirmed(http, ts_env, assist_db, "mc_premium", days=25)
    number, email = state["reservation_no"], body["customer"]["email"]
    assert state["preparations"] == []

    added = await http.post(
        f"/api/assist/bookings/{number}/add-ons",
        json={"contact_email": email, "add_ons": ["extra_rehearsal"]},
        headers=proof(body),
    )
    assert added.status_code == 200, added.text
    assert [(p["kind"], p["minutes"]) for p in added.json()["preparations"]] == [("extra_rehearsal", 90)]
    offered = (await offers(http, body, number))["extra_rehearsal"]["offers"][0]
    assert (await pick(http, body, number, "extra_rehearsal", offered)).status_code == 200
    assert len(await claimed(assist_db, number, PreparationKind.EXTRA_REHEARSAL)) == 6

    dropped = await http.post(
        f"/api/assist/bookings/{number}/add-ons", json={"contact_email": email, "add_ons": []}, headers=proof(body)
    )
    assert dropped.status_code == 200 and dropped.json()["preparations"] == [], dropped.text
    assert await claimed(assist_db, number, PreparationKind.EXTRA_REHEARSAL) == set()


async def test_cancelling_releases_the_event_and_its_preparations(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    body, state = await confirmed(http, ts_env, assist_db, "ec_standard")
    number = state["reservation_no"]
    offered = (await offers(http, body, number))["planning_call"]["offers"][0]
    assert (await pick(http, body, number, "planning_call", offered)).status_code == 200

    cancelled = await http.post(
        f"/api/assist/bookings/{number}/cancel", json={"contact_email": body["customer"]["email"]}, headers=proof(body)
    )

    assert cancelled.status_code == 200, cancelled.text
    async with assist_db() as session:
        assert await store.claims_of(session, number) == {}
    assert await claimed(assist_db, number, PreparationKind.PLANNING_CALL) == set()
    assert (await offers(http, body, number))["planning_call"]["offers"] == []


def test_offered_times_skip_weekends_and_keep_to_the_window() -> None:
    """Three a day at most, 30 minutes apart in working hours, Monday to Friday, inside the window."""
    friday = datetime(2027, 1, 8, 16, 0, tzinfo=TAIPEI)  # a Friday, 16:00
    window = PreparationWindow(
        earliest=friday, latest_end=datetime(2027, 1, 11, 10, 0, tzinfo=TAIPEI), time_zone="Asia/Taipei"
    )
    found = calendar.preparation_starts(15, window, set())
    assert [(s.date.isoformat(), s.time) for s in found] == [
        ("2027-01-08", time(16, 0)),
        ("2027-01-08", time(16, 30)),
        ("2027-01-11", time(9, 0)),
        ("2027-01-11", time(9, 30)),
    ]
    assert all(s.starts_at.astimezone(UTC) >= friday for s in found)


# ------------------------------------------------------------------ the page


async def test_the_preparation_page_offers_the_producer_s_times_and_schedules_the_one_chosen(
    client: Client, settings: Settings, http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    body, state = await confirmed(http, ts_env, assist_db, "ec_standard")
    number, email = state["reservation_no"], body["customer"]["email"]
    app = create_app(settings, client=client, sessions=assist_db)
    async with browser(app) as web:
        found = await web.post("/assist/find", data={"reservation_no": number, "contact_email": email})
        booking = await page(found)
        assert booking.text("preparations") == "Planning call (15 minutes): no time chosen yet"

        p = await page(await web.get(f"/assist/bookings/{number}/preparation"))
        assert p.heading == "Planning call and rehearsal"
        assert p.text("time-planning_call") == "No time chosen yet."
        slots = [str(c["value"]) for c in p.controls if c.get("type") == "radio" and c.get("name") == "slot"]
        assert slots, p.text()
        offered = await offers(http, body, number)
        assert slots == [f"{o['date']}T{o['time'][:5]}" for o in offered["planning_call"]["offers"]]

        wrong = await page(
            await web.post(f"/assist/bookings/{number}/preparation", data={"kind": "planning_call"}), 422
        )
        assert wrong.text("error-planning_call") == "Choose one of the times offered."

        chosen = await web.post(
            f"/assist/bookings/{number}/preparation", data={"kind": "planning_call", "slot": slots[1]}
        )
        p = await page(chosen)

    assert chosen.url.query == b"scheduled=planning_call"
    when = SessionTime.model_validate(offered["planning_call"]["offers"][1])
    assert p.text("time-planning_call") == f"Scheduled for {when.label()}."
    assert p.text("scheduled") == "Scheduled. The producer and you have been sent an e-mail with the time."
