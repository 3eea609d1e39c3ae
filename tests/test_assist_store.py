"""Webex Assist's data and activities (seed 004) on SQLite and PostgreSQL: the producer calendar (hold, idempotent
hold, no double booking under a race, reschedule, the three nearest alternatives), the meeting lookup on the site,
moving the site's session, the booking's row, the post-event report and recording, the demo data, the migration.

The producer calendar is shared by every booking, so its tests each get a database of their own (`calendar`); the
site tests work on a site of their own in the session's database.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from alembic import command
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, make_url

from activities.assist import AssistActivities
from models.assist import AssistStatus, EventReport, Producer
from models.assist_activities import (
    BookingRecord,
    HoldRequest,
    MoveSiteSession,
    PostEventRequest,
    ScheduledSession,
    SessionLookup,
)
from models.assist_packages import Package
from models.assist_time import SessionTime, Slot
from starter.services.assist_demo import DEMO_HOST_EMAIL, DEMO_HOST_ID, DEMO_SITE, ensure_assist_demo
from store import SessionFactory, make_engine, make_session_factory, upgrade
from store import assist as store
from store.migrate import alembic_config, current_tables
from store.tables import AssistProducerClaim, AssistRecording

TAIPEI = "Asia/Taipei"
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
ASSIST_TABLES = {
    "assist_sites",
    "assist_scheduled_sessions",
    "assist_producers",
    "assist_producer_claims",
    "assist_bookings",
    "assist_recordings",
}


def uid() -> str:
    return uuid.uuid4().hex[:6].upper()


def reservation() -> str:
    return f"WA-261121-{uid()}"


def at(day: date, hhmm: str, *, zone: str = TAIPEI, minutes: int = 60) -> SessionTime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return SessionTime(date=day, time=time(hour, minute), time_zone=zone, duration_minutes=minutes)


def hold(reservation_no: str, session: SessionTime, *, lead: int = 30, not_before: datetime = LONG_AGO) -> HoldRequest:
    return HoldRequest(reservation_no=reservation_no, session=session, lead_minutes=lead, not_before=not_before)


def slot(day: date, hhmm: str, free: int) -> Slot:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return Slot(date=day, time=time(hour, minute), free_producers=free)


# ---------------------------------------------------------------- a database of its own


async def _fresh_url(database_url: str, tmp_path: Path) -> AsyncIterator[str]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'assist.db'}"
        return
    name = f"onramp_assist_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def empty_url(database_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database on the same backend as ``database_url``."""
    async for url in _fresh_url(database_url, tmp_path):
        yield url


@pytest.fixture
async def calendar(empty_url: str) -> AsyncIterator[SessionFactory]:
    """A migrated database of its own: its producers are the only ones."""
    engine = make_engine(empty_url)
    await upgrade(engine)
    yield make_session_factory(engine)
    await engine.dispose()


async def producers(sessions: SessionFactory, *ids: str) -> None:
    async with sessions.begin() as session:
        for producer_id in ids:
            await store.add_producer(
                session,
                Producer(producer_id=producer_id, name=producer_id.title(), email=f"{producer_id}@assist.example"),
            )


async def claimed(sessions: SessionFactory, reservation_no: str) -> dict[str, list[datetime]]:
    async with sessions() as session:
        return {producer: sorted(slots) for producer, slots in (await store.claims_of(session, reservation_no)).items()}


def utc_slots(first: datetime, count: int) -> list[datetime]:
    return [first + timedelta(minutes=15 * index) for index in range(count)]


# ---------------------------------------------------------------- migration


async def test_the_migration_adds_the_assist_tables_and_takes_them_away_again(empty_url: str) -> None:
    engine = make_engine(empty_url)

    async def downgrade(revision: str) -> None:
        def run(connection: Connection) -> None:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, revision)

        async with engine.begin() as connection:
            await connection.run_sync(run)

    try:
        await upgrade(engine, "0004_organizer_activation")
        assert not await current_tables(engine) & ASSIST_TABLES
        await upgrade(engine)
        assert await current_tables(engine) >= ASSIST_TABLES
        await downgrade("0004_organizer_activation")
        tables = await current_tables(engine)
        assert not tables & ASSIST_TABLES
        assert "activation_tokens" in tables
        await upgrade(engine)
        assert await current_tables(engine) >= ASSIST_TABLES
    finally:
        await engine.dispose()


# ---------------------------------------------------------------- holding a producer


async def test_a_hold_claims_the_session_and_its_lead_in_and_holding_again_changes_nothing(
    calendar: SessionFactory,
) -> None:
    await producers(calendar, "ann", "ben")
    activities = AssistActivities(calendar)
    first, day = reservation(), date(2027, 1, 14)
    request = hold(first, at(day, "15:00"))  # 15:00 in Taipei is 07:00 UTC; the producer starts at 14:30

    held = await activities.hold_producer(request)
    assert held.producer == Producer(producer_id="ann", name="Ann", email="ann@assist.example")
    assert held.alternatives == []
    window = utc_slots(datetime(2027, 1, 14, 6, 30, tzinfo=UTC), 6)  # 14:30-16:00 in Taipei
    assert await claimed(calendar, first) == {"ann": window}

    again = await activities.hold_producer(request)  # a retried activity
    assert again.producer == held.producer
    assert await claimed(calendar, first) == {"ann": window}

    # Ben is still free at that time; once he is taken too, nobody is.
    second = reservation()
    assert (await activities.check_producers(hold(second, at(day, "15:00")))).available is True
    assert (await activities.hold_producer(hold(second, at(day, "15:00")))).producer.producer_id == "ben"  # type: ignore[union-attr]
    check = await activities.check_producers(hold(reservation(), at(day, "15:30", minutes=30)))
    assert check.available is False
    assert len(check.alternatives) == 3

    assert await activities.release_producer(first) is True
    assert await activities.release_producer(first) is False  # released already
    assert await claimed(calendar, first) == {}
    assert (await activities.check_producers(hold(reservation(), at(day, "15:00")))).available is True


async def test_six_bookings_racing_for_two_producers_get_exactly_two(calendar: SessionFactory) -> None:
    await producers(calendar, "ann", "ben")
    day = date(2027, 2, 3)
    requests = [hold(reservation(), at(day, "10:00", minutes=90)) for _ in range(6)]

    # Each booking in its own activity instance, sessions and transactions: only the primary key decides.
    results = await asyncio.gather(*(AssistActivities(calendar).hold_producer(request) for request in requests))

    winners = [result.producer.producer_id for result in results if result.producer is not None]
    assert sorted(winners) == ["ann", "ben"]
    losers = [result for result in results if result.producer is None]
    assert len(losers) == 4
    assert all(len(loser.alternatives) == 3 for loser in losers)
    async with calendar() as session:
        rows = await session.scalar(select(func.count()).select_from(AssistProducerClaim))
    assert rows == 2 * 8  # 30 minutes' lead-in and 90 minutes of session, for each of two producers
    for request, result in zip(requests, results, strict=True):
        expected = 8 if result.producer is not None else 0
        assert sum(len(slots) for slots in (await claimed(calendar, request.reservation_no)).values()) == expected


async def test_a_reschedule_moves_the_claims_and_keeps_them_when_the_new_time_is_full(
    calendar: SessionFactory,
) -> None:
    await producers(calendar, "ann", "ben")
    activities = AssistActivities(calendar)
    day = date(2027, 3, 10)
    mine = reservation()
    assert (await activities.hold_producer(hold(mine, at(day, "09:00")))).producer.producer_id == "ann"  # type: ignore[union-attr]
    before = await claimed(calendar, mine)

    # 14:00 is taken by two other bookings: nobody is free, the old time stays held.
    for _ in range(2):
        assert (await activities.hold_producer(hold(reservation(), at(day, "14:00")))).producer is not None
    full = await activities.hold_producer(hold(mine, at(day, "14:00")))
    assert full.producer is None
    assert full.alternatives == [slot(day, "15:30", 2), slot(day, "12:30", 2), slot(day, "16:00", 2)]
    assert await claimed(calendar, mine) == before

    # Half an hour later overlaps the old time: the booking's own claims do not stand in its way.
    ben_busy = reservation()  # Ben is taken at 09:30, so only Ann can serve, and she is the same producer
    async with calendar.begin() as session:
        await store.claim(session, "ben", ben_busy, utc_slots(datetime(2027, 3, 10, 1, 0, tzinfo=UTC), 6))
    moved = await activities.hold_producer(hold(mine, at(day, "09:30")))
    assert moved.producer is not None and moved.producer.producer_id == "ann"
    assert await claimed(calendar, mine) == {"ann": utc_slots(datetime(2027, 3, 10, 1, 0, tzinfo=UTC), 6)}

    # A free afternoon: the same producer is preferred, and the old slots are gone.
    later = await activities.hold_producer(hold(mine, at(day, "18:00")))
    assert later.producer is not None and later.producer.producer_id == "ann"
    assert await claimed(calendar, mine) == {"ann": utc_slots(datetime(2027, 3, 10, 9, 30, tzinfo=UTC), 6)}


# ---------------------------------------------------------------- alternatives


async def test_the_three_nearest_free_starts_later_first_never_before_the_lead_time(calendar: SessionFactory) -> None:
    await producers(calendar, "ann")
    activities = AssistActivities(calendar)
    day = date(2027, 4, 20)
    await activities.hold_producer(hold(reservation(), at(day, "10:00")))  # Ann: 09:30-11:00

    check = await activities.check_producers(hold(reservation(), at(day, "10:00")))
    assert check.available is False
    # 10:30, 09:30, 11:00 and 09:00 overlap Ann's 09:30-11:00 (with their own 30 minutes' lead-in).
    assert check.alternatives == [slot(day, "11:30", 1), slot(day, "08:30", 1), slot(day, "12:00", 1)]

    not_before = datetime.combine(day, time(9, 0), ZoneInfo(TAIPEI))
    check = await activities.check_producers(hold(reservation(), at(day, "10:00"), not_before=not_before))
    assert check.alternatives == [slot(day, "11:30", 1), slot(day, "12:00", 1), slot(day, "12:30", 1)]

    full = await activities.hold_producer(hold(reservation(), at(day, "10:00"), not_before=not_before))
    assert full.producer is None
    assert full.alternatives == check.alternatives


async def test_alternatives_skip_the_hour_the_clocks_jump_over(calendar: SessionFactory) -> None:
    await producers(calendar, "ann")
    activities = AssistActivities(calendar)
    day = date(2027, 3, 28)  # Berlin: 02:00 CET becomes 03:00 CEST
    berlin = "Europe/Berlin"
    await activities.hold_producer(hold(reservation(), at(day, "01:30", zone=berlin)))  # 00:00-01:30 UTC

    check = await activities.check_producers(hold(reservation(), at(day, "01:30", zone=berlin)))
    # +30 (02:00) and +60 (02:30) do not exist; 01:00, 00:30, 03:00 and 03:30 overlap Ann's claim.
    assert check.alternatives == [
        slot(day, "00:00", 1),
        slot(day - timedelta(days=1), "23:30", 1),
        slot(day, "04:00", 1),
    ]


async def test_no_alternatives_when_every_producer_is_taken_for_two_weeks_either_side(
    calendar: SessionFactory,
) -> None:
    await producers(calendar, "ann")
    start = datetime(2027, 5, 1, tzinfo=UTC)
    async with calendar.begin() as session:
        await store.claim(session, "ann", reservation(), utc_slots(start, 4 * 24 * 31))
    check = await AssistActivities(calendar).check_producers(hold(reservation(), at(date(2027, 5, 16), "12:00")))
    assert check.available is False
    assert check.alternatives == []


# ---------------------------------------------------------------- the Webex site


async def new_site(sessions: SessionFactory) -> str:
    name = f"s{uid().lower()}.webex.com"
    async with sessions.begin() as session:
        assert await store.add_site(session, name, "Yitong Technology", TAIPEI) is True
    return name


async def schedule(
    sessions: SessionFactory,
    site: str,
    when: SessionTime,
    *,
    topic: str = "Product launch",
    host_id: str = "yitong-admin",
    host_email: str = "Admin@Yitong.example",
    kind: str = "meeting",
    registrations: int | None = None,
    attendees: int | None = None,
) -> ScheduledSession:
    scheduled = ScheduledSession.model_validate(
        {
            "session_key": store.new_session_key(),
            "site": site,
            "host_id": host_id,
            "host_email": host_email,
            "topic": topic,
            "kind": kind,
            "session": when,
        }
    )
    async with sessions.begin() as session:
        await store.add_scheduled_session(session, scheduled, registrations=registrations, attendees=attendees)
    return scheduled


def ahead(days: int) -> date:
    return datetime.now(ZoneInfo(TAIPEI)).date() + timedelta(days=days)


def lookup(site: str, when: SessionTime, host_id: str = "yitong-admin", email: str = "admin@yitong.example") -> Any:
    return SessionLookup(site=site, host_id=host_id, host_email=email, session=when)


async def test_the_lookup_finds_the_hosts_session_whatever_the_case_of_the_email(sessions: SessionFactory) -> None:
    site = await new_site(sessions)
    launch = await schedule(sessions, site, at(ahead(30), "15:00", minutes=90), kind="event")
    await schedule(sessions, site, at(ahead(30), "15:00"), host_id="someone-else", host_email="else@yitong.example")

    result = await AssistActivities(sessions).find_scheduled_session(
        lookup(site, at(ahead(30), "15:00"), email="ADMIN@yitong.EXAMPLE")
    )
    assert result.message is None
    assert result.found is not None
    assert result.found.session_key == launch.session_key
    assert result.found.topic == "Product launch"
    assert result.found.kind == "event"
    assert result.found.host_email == "admin@yitong.example"
    assert result.found.session == at(ahead(30), "15:00", minutes=90)  # the site's duration, not the one asked

    # The same start asked in another zone's time is the same session.
    there = at(ahead(30), "15:00").starts_at.astimezone(ZoneInfo("Europe/Berlin"))
    elsewhere = SessionTime(date=there.date(), time=there.time(), time_zone="Europe/Berlin", duration_minutes=60)
    found = await AssistActivities(sessions).find_scheduled_session(lookup(site, elsewhere))
    assert found.found is not None and found.found.session_key == launch.session_key


async def test_a_lookup_that_finds_nothing_says_what_was_searched_and_names_the_hosts_sessions(
    sessions: SessionFactory,
) -> None:
    site = await new_site(sessions)
    activities = AssistActivities(sessions)
    asked = at(ahead(30), "15:00")

    nothing = await activities.find_scheduled_session(lookup(site, asked))
    assert nothing.found is None
    assert nothing.message == (
        f"No session of host ID 'yitong-admin' with e-mail 'admin@yitong.example' starts on "
        f"{ahead(30):%Y-%m-%d} at 15:00 (Asia/Taipei) on {site}."
    )

    for days, topic in ((2, "Soon"), (29, "Rehearsal"), (31, "Launch"), (33, "Debrief"), (60, "Far away")):
        await schedule(sessions, site, at(ahead(days), "10:00"), topic=topic)
    await schedule(sessions, site, at(ahead(30), "15:00"), host_id="yitong-admin", host_email="other@yitong.example")

    missed = await activities.find_scheduled_session(lookup(site, asked))
    assert missed.found is None
    assert missed.message == (
        f"No session of host ID 'yitong-admin' with e-mail 'admin@yitong.example' starts on "
        f"{ahead(30):%Y-%m-%d} at 15:00 (Asia/Taipei) on {site}. This host's sessions there start on "
        f"{ahead(29):%Y-%m-%d} at 10:00 (Asia/Taipei): Rehearsal, {ahead(31):%Y-%m-%d} at 10:00 (Asia/Taipei): Launch, "
        f"{ahead(33):%Y-%m-%d} at 10:00 (Asia/Taipei): Debrief."
    )

    # A wrong e-mail for the host ID tells nothing about the host's sessions.
    stranger = await activities.find_scheduled_session(lookup(site, asked, email="nobody@yitong.example"))
    assert stranger.found is None
    assert stranger.message is not None and "This host's sessions" not in stranger.message

    unknown = await activities.find_scheduled_session(lookup("nowhere.webex.com", asked))
    assert unknown.found is None
    assert unknown.message == (
        "The Webex site nowhere.webex.com is unknown here. Check the site's address (for example yitong.webex.com)."
    )


async def test_moving_the_sites_session_keeps_its_zone_and_duration(sessions: SessionFactory) -> None:
    site = await new_site(sessions)
    scheduled = await schedule(sessions, site, at(ahead(30), "15:00", minutes=120))
    activities = AssistActivities(sessions)

    # The booking is in Berlin's time; the site's session stays in Taipei's.
    target = at(ahead(37), "15:00")
    there = target.starts_at.astimezone(ZoneInfo("Europe/Berlin"))
    move = MoveSiteSession(
        session_key=scheduled.session_key,
        session=SessionTime(date=there.date(), time=there.time(), time_zone="Europe/Berlin", duration_minutes=60),
    )
    assert await activities.move_site_session(move) is True
    assert await activities.move_site_session(move) is True  # a retry: still there

    async with sessions() as session:
        moved = await store.scheduled_session(session, scheduled.session_key)
    assert moved is not None
    assert moved.scheduled.session == at(ahead(37), "15:00", minutes=120)
    assert (await activities.find_scheduled_session(lookup(site, at(ahead(37), "15:00")))).found is not None
    assert (await activities.find_scheduled_session(lookup(site, at(ahead(30), "15:00")))).found is None

    assert await activities.move_site_session(move.model_copy(update={"session_key": "0000000000"})) is False


async def test_the_post_event_report_reads_the_site_and_posts_the_recording_once(sessions: SessionFactory) -> None:
    site = await new_site(sessions)
    event = await schedule(sessions, site, at(ahead(30), "15:00"), kind="event", registrations=420, attendees=318)
    activities = AssistActivities(sessions)
    reservation_no = reservation()
    request = PostEventRequest(
        reservation_no=reservation_no, site=site, session_key=event.session_key, topic="Launch", recording=True
    )

    report = await activities.post_event(request)
    assert report.registrations == 420
    assert report.attendees == 318
    assert report.recording_url == f"https://{site}/recordings/{reservation_no}"
    assert await activities.post_event(request) == report  # a retry posts nothing new
    async with sessions() as session:
        rows = await session.scalar(
            select(func.count()).select_from(AssistRecording).where(AssistRecording.reservation_no == reservation_no)
        )
    assert rows == 1

    meeting = request.model_copy(update={"reservation_no": reservation(), "recording": False})
    assert (await activities.post_event(meeting)).recording_url is None
    unscheduled = request.model_copy(update={"reservation_no": reservation(), "session_key": None, "recording": False})
    assert await activities.post_event(unscheduled) == EventReport()


# ---------------------------------------------------------------- bookings


async def test_the_booking_row_is_upserted_and_listed(sessions: SessionFactory) -> None:
    site = await new_site(sessions)
    activities = AssistActivities(sessions)
    record = BookingRecord(
        reservation_no=reservation(),
        status=AssistStatus.CONFIRMED,
        site=site,
        package=Package.EVENT_CENTER_STANDARD,
        session=at(ahead(30), "15:00"),
        contact_email="mei@yitong.example",
        company="Yitong Technology",
        producer_id="ann",
        standard_fee=Decimal("650.00"),
    )
    other = record.model_copy(update={"reservation_no": reservation(), "session": at(ahead(40), "09:00")})
    await activities.save_booking(record)
    await activities.save_booking(other)
    cancelled = record.model_copy(
        update={"status": AssistStatus.CANCELLED, "producer_id": None, "cancellation_fee": Decimal("325.00")}
    )
    await activities.save_booking(cancelled)
    await activities.save_booking(cancelled)  # a retry

    async with sessions() as session:
        assert await store.booking(session, record.reservation_no.lower()) == cancelled
        assert await store.booking(session, "WA-000000-000000") is None
        listed = await store.list_bookings(session, site=site)
        assert [row.reservation_no for row in listed] == [other.reservation_no, record.reservation_no]
        assert await store.list_bookings(session, site=site, status="cancelled") == [cancelled]
        assert await store.list_bookings(session, site=site, limit=1) == [other]


# ---------------------------------------------------------------- demo data


async def test_the_demo_site_is_loaded_once_with_sessions_three_to_six_weeks_ahead(calendar: SessionFactory) -> None:
    assert await ensure_assist_demo(calendar) is True
    assert await ensure_assist_demo(calendar) is False

    today = datetime.now(ZoneInfo(TAIPEI)).date()
    async with calendar() as session:
        assert [(s.name, s.time_zone) for s in await store.sites(session)] == [(DEMO_SITE, TAIPEI)]
        assert len(await store.producers(session)) == 2
        scheduled = await store.scheduled_sessions(session, DEMO_SITE)
    assert len(scheduled) >= 3
    for row in scheduled:
        assert (row.scheduled.host_id, row.scheduled.host_email) == (DEMO_HOST_ID, DEMO_HOST_EMAIL)
        assert 21 <= (row.scheduled.session.date - today).days <= 42
    events = [row for row in scheduled if row.scheduled.kind == "event"]
    assert events and all(row.registrations and row.attendees for row in events)

    # Weeks later, the demo sessions that have passed move ahead again.
    later = datetime.now(ZoneInfo(TAIPEI)) + timedelta(days=50)
    assert await ensure_assist_demo(calendar, later) is True
    async with calendar() as session:
        for row in await store.scheduled_sessions(session, DEMO_SITE):
            assert row.scheduled.session.starts_at > later
