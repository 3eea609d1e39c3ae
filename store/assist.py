"""Webex Assist (seed 004): the queries the activities, the API and the CLI share.

Sites and their scheduled sessions stand for the Webex site; producers and their claims are the producer calendar
(one row per producer and 15-minute slot: the primary key makes a double booking impossible); bookings and
recordings are the rows the workflow writes for listings and the post-event step.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.assist import AssistStatus, Charge, Producer
from models.assist_activities import BookingRecord, HoldRequest, ScheduledSession
from models.assist_packages import AddOn, Package
from models.assist_time import SessionTime, Slot, SlotCheck
from store import assist_calendar as calendar
from store.tables import (
    AssistBooking,
    AssistProducer,
    AssistProducerClaim,
    AssistRecording,
    AssistScheduledSession,
    AssistSite,
)
from store.upsert import insert_if_absent, upsert


class UnknownSite(LookupError):
    def __init__(self, site: str) -> None:
        super().__init__(f"There is no Webex site {site} here. `onramp site list` shows the sites.")
        self.site = site


@dataclass(frozen=True)
class Site:
    name: str
    display_name: str
    time_zone: str


@dataclass(frozen=True)
class SiteSession:
    """A scheduled session with the figures the post-event report reads."""

    scheduled: ScheduledSession
    registrations: int | None
    attendees: int | None


# ---------------------------------------------------------------------------------------------------- sites


async def add_site(session: AsyncSession, name: str, display_name: str, time_zone: str) -> bool:
    """Create the site, or update its display name and zone: True when it is new."""
    created = await session.get(AssistSite, name) is None
    await upsert(
        session, AssistSite, {"name": name, "display_name": display_name, "time_zone": time_zone}, key=["name"]
    )
    return created


async def site(session: AsyncSession, name: str) -> Site | None:
    row = await session.get(AssistSite, name.strip().lower())
    if row is None:
        return None
    await session.refresh(row)
    return Site(row.name, row.display_name, row.time_zone)


async def sites(session: AsyncSession) -> list[Site]:
    rows = (await session.execute(select(AssistSite).order_by(AssistSite.name))).scalars()
    return [Site(row.name, row.display_name, row.time_zone) for row in rows]


# ------------------------------------------------------------------------------------------ scheduled sessions


def new_session_key() -> str:
    """A Webex-like session number: ten digits."""
    return str(1_000_000_000 + secrets.randbelow(9_000_000_000))


def _scheduled(row: AssistScheduledSession) -> ScheduledSession:
    return ScheduledSession(
        session_key=row.session_key,
        site=row.site,
        host_id=row.host_id,
        host_email=row.host_email,
        topic=row.topic,
        kind=row.kind,
        session=SessionTime(
            date=row.local_date, time=row.local_time, time_zone=row.time_zone, duration_minutes=row.duration_minutes
        ),
    )


def _site_session(row: AssistScheduledSession) -> SiteSession:
    return SiteSession(_scheduled(row), row.registrations, row.attendees)


async def add_scheduled_session(
    session: AsyncSession,
    scheduled: ScheduledSession,
    *,
    registrations: int | None = None,
    attendees: int | None = None,
) -> bool:
    """Schedule the session on its site (or overwrite the session with that key): True when it is new."""
    if await site(session, scheduled.site) is None:
        raise UnknownSite(scheduled.site)
    created = await session.get(AssistScheduledSession, scheduled.session_key) is None
    when = scheduled.session
    values = {
        "session_key": scheduled.session_key,
        "site": scheduled.site.strip().lower(),
        "host_id": scheduled.host_id,
        "host_email": scheduled.host_email.strip().lower(),
        "topic": scheduled.topic,
        "kind": scheduled.kind,
        "local_date": when.date,
        "local_time": when.time,
        "time_zone": when.time_zone,
        "duration_minutes": when.duration_minutes,
        "starts_at": when.starts_at,
        "registrations": registrations,
        "attendees": attendees,
    }
    await upsert(session, AssistScheduledSession, values, key=["session_key"])
    return created


async def scheduled_sessions(session: AsyncSession, site_name: str) -> list[SiteSession]:
    """The site's sessions, by start."""
    rows = (
        await session.execute(
            select(AssistScheduledSession)
            .where(AssistScheduledSession.site == site_name.strip().lower())
            .order_by(AssistScheduledSession.starts_at, AssistScheduledSession.session_key)
        )
    ).scalars()
    return [_site_session(row) for row in rows]


async def scheduled_session(session: AsyncSession, session_key: str) -> SiteSession | None:
    row = await session.get(AssistScheduledSession, session_key)
    if row is None:
        return None
    await session.refresh(row)
    return _site_session(row)


async def sessions_of_host(
    session: AsyncSession, site_name: str, host_id: str, host_email: str
) -> list[ScheduledSession]:
    """The host's sessions on the site, by start. Host ID and e-mail both match, without regard to case."""
    rows = (
        await session.execute(
            select(AssistScheduledSession)
            .where(
                AssistScheduledSession.site == site_name.strip().lower(),
                func.lower(AssistScheduledSession.host_id) == host_id.strip().lower(),
                func.lower(AssistScheduledSession.host_email) == host_email.strip().lower(),
            )
            .order_by(AssistScheduledSession.starts_at, AssistScheduledSession.session_key)
        )
    ).scalars()
    return [_scheduled(row) for row in rows]


async def move_scheduled_session(session: AsyncSession, session_key: str, starts_at: datetime) -> bool:
    """Move the session to start at ``starts_at``, keeping its own zone and duration: False when it is unknown."""
    row = await session.get(AssistScheduledSession, session_key)
    if row is None:
        return False
    local = starts_at.astimezone(ZoneInfo(row.time_zone))
    row.local_date, row.local_time, row.starts_at = local.date(), local.time().replace(tzinfo=None), starts_at
    return True


# ------------------------------------------------------------------------------------------------ producers


async def add_producer(session: AsyncSession, producer: Producer) -> bool:
    """Create the producer, or update the name and e-mail: True when they are new."""
    created = await session.get(AssistProducer, producer.producer_id) is None
    await upsert(session, AssistProducer, producer.model_dump(mode="json"), key=["producer_id"])
    return created


async def producers(session: AsyncSession) -> list[Producer]:
    rows = (await session.execute(select(AssistProducer).order_by(AssistProducer.producer_id))).scalars()
    return [Producer(producer_id=row.producer_id, name=row.name, email=row.email) for row in rows]


async def producer(session: AsyncSession, producer_id: str) -> Producer | None:
    row = await session.get(AssistProducer, producer_id)
    if row is None:
        return None
    await session.refresh(row)
    return Producer(producer_id=row.producer_id, name=row.name, email=row.email)


# ------------------------------------------------------------------------------------------ producer calendar


async def claims_of(session: AsyncSession, reservation_no: str) -> dict[str, set[datetime]]:
    """The slots the booking holds, by producer (one producer, unless something went wrong)."""
    rows = await session.execute(
        select(AssistProducerClaim.producer_id, AssistProducerClaim.slot_start).where(
            AssistProducerClaim.reservation_no == reservation_no
        )
    )
    held: dict[str, set[datetime]] = defaultdict(set)
    for producer_id, slot in rows:
        held[producer_id].add(slot)
    return dict(held)


async def busy_slots(
    session: AsyncSession, begin: datetime, end: datetime, *, apart_from: str
) -> dict[str, set[datetime]]:
    """Every producer (by id) with the slots in [begin, end) other bookings than ``apart_from`` hold."""
    busy: dict[str, set[datetime]] = {
        producer_id: set()
        for producer_id in (
            await session.execute(select(AssistProducer.producer_id).order_by(AssistProducer.producer_id))
        ).scalars()
    }
    rows = await session.execute(
        select(AssistProducerClaim.producer_id, AssistProducerClaim.slot_start).where(
            AssistProducerClaim.slot_start >= begin,
            AssistProducerClaim.slot_start < end,
            AssistProducerClaim.reservation_no != apart_from,
        )
    )
    for producer_id, slot in rows:
        busy.setdefault(producer_id, set()).add(slot)
    return busy


async def busy_in_window(session: AsyncSession, request: HoldRequest) -> dict[str, set[datetime]]:
    """Who is busy in the slots the request's own hold would cover (its own hold aside): all that finding a free
    producer needs. The wide read of ``busy_around`` is for alternatives, when nobody is free."""
    window = calendar.slots(request.session, request.lead_minutes)
    return await busy_slots(session, window[0], window[-1] + calendar.SLOT, apart_from=request.reservation_no)


async def busy_around(session: AsyncSession, request: HoldRequest) -> dict[str, set[datetime]]:
    """Who is busy in every slot any alternative to the request's session could cover (its own hold aside)."""
    begin, end = calendar.search_range(request.session, request.lead_minutes)
    return await busy_slots(session, begin, end, apart_from=request.reservation_no)


def alternatives(request: HoldRequest, busy: dict[str, set[datetime]]) -> list[Slot]:
    return calendar.alternatives(request.session, request.lead_minutes, request.not_before, busy)


async def producer_check(session: AsyncSession, request: HoldRequest) -> SlotCheck:
    """Is a producer free for the session (lead-in included)? If not, the three nearest starts where one is.
    A read: the hold (the workflow's hold_producer activity) decides, race-safe."""
    if calendar.free_producers(
        calendar.slots(request.session, request.lead_minutes), await busy_in_window(session, request)
    ):
        return SlotCheck(available=True)
    return SlotCheck(available=False, alternatives=alternatives(request, await busy_around(session, request)))


async def claim(session: AsyncSession, producer_id: str, reservation_no: str, slots: Sequence[datetime]) -> None:
    """Give the booking these slots of the producer, instead of whatever it held. Raises IntegrityError (at the
    latest on commit) when another booking holds one of them: roll back, and the old claims are untouched."""
    await session.execute(delete(AssistProducerClaim).where(AssistProducerClaim.reservation_no == reservation_no))
    await session.execute(
        insert(AssistProducerClaim),
        [{"producer_id": producer_id, "slot_start": slot, "reservation_no": reservation_no} for slot in sorted(slots)],
    )


async def release(session: AsyncSession, reservation_no: str) -> int:
    """Free every slot the booking holds, its planning call's and rehearsals' too (their keys extend its number;
    a preparation's own key frees only the preparation): how many there were."""
    key = AssistProducerClaim.reservation_no
    result = await session.execute(
        delete(AssistProducerClaim)
        .where(or_(key == reservation_no, key.startswith(f"{reservation_no}/", autoescape=True)))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------------- bookings


def _record(row: AssistBooking) -> BookingRecord:
    return BookingRecord(
        reservation_no=row.reservation_no,
        status=AssistStatus(row.status),
        site=row.site,
        package=Package(row.package),
        session=SessionTime(
            date=row.local_date, time=row.local_time, time_zone=row.time_zone, duration_minutes=row.duration_minutes
        ),
        contact_email=row.contact_email,
        company=row.company,
        producer_id=row.producer_id,
        standard_fee=row.standard_fee,
        cancellation_fee=row.cancellation_fee,
        add_ons=[AddOn(add_on) for add_on in row.add_ons or []],
        total_fee=row.total_fee,
        charges=[Charge.model_validate(charge) for charge in row.charges or []],
    )


async def save_booking(session: AsyncSession, record: BookingRecord, now: datetime) -> None:
    """Insert the booking's row, or overwrite it (the workflow's latest word)."""
    when = record.session
    values = {
        "reservation_no": record.reservation_no,
        "status": record.status.value,
        "site": record.site,
        "package": record.package.value,
        "local_date": when.date,
        "local_time": when.time,
        "time_zone": when.time_zone,
        "duration_minutes": when.duration_minutes,
        "starts_at": when.starts_at,
        "contact_email": record.contact_email,
        "company": record.company,
        "producer_id": record.producer_id,
        "standard_fee": record.standard_fee,
        "cancellation_fee": record.cancellation_fee,
        "add_ons": [add_on.value for add_on in record.add_ons],
        "total_fee": record.total_fee,
        "charges": [charge.model_dump(mode="json") for charge in record.charges],
        "updated_at": now,
    }
    await upsert(session, AssistBooking, values, key=["reservation_no"])


async def booking_contact(session: AsyncSession, reservation_no: str) -> str | None:
    """The contact e-mail the booking's row holds (None: no row yet)."""
    found: str | None = await session.scalar(
        select(AssistBooking.contact_email).where(AssistBooking.reservation_no == reservation_no)
    )
    return found


async def booking(session: AsyncSession, reservation_no: str) -> BookingRecord | None:
    row = await session.get(AssistBooking, reservation_no.strip().upper())
    if row is None:
        return None
    await session.refresh(row)
    return _record(row)


async def list_bookings(
    session: AsyncSession, site: str | None = None, status: str | None = None, limit: int = 100
) -> list[BookingRecord]:
    """Bookings, the latest session first; optionally of one site and in one status."""
    query = select(AssistBooking)
    if site is not None:
        query = query.where(AssistBooking.site == site.strip().lower())
    if status is not None:
        query = query.where(AssistBooking.status == AssistStatus(status).value)
    query = query.order_by(AssistBooking.starts_at.desc(), AssistBooking.reservation_no).limit(limit)
    return [_record(row) for row in (await session.execute(query)).scalars()]


# ----------------------------------------------------------------------------------------------- recordings


def recording_url(site_name: str, reservation_no: str) -> str:
    return f"https://{site_name}/recordings/{reservation_no}"


async def post_recording(
    session: AsyncSession, reservation_no: str, site_name: str, session_key: str | None, now: datetime
) -> str:
    """Post the session's recording to the site once: its URL (the first post's, when it is posted already)."""
    values = {
        "reservation_no": reservation_no,
        "site": site_name,
        "session_key": session_key,
        "url": recording_url(site_name, reservation_no),
        "posted_at": now,
    }
    await insert_if_absent(session, AssistRecording, values, key=["reservation_no"])
    url = (
        await session.execute(select(AssistRecording.url).where(AssistRecording.reservation_no == reservation_no))
    ).scalar_one()
    return str(url)
