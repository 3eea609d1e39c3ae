"""Webex Assist bookings' side effects (seed 004): the producer calendar (check, hold, release), the meeting lookup
on the Webex site, moving the site's session, the booking's row, and the post-event report and recording.

Every activity is idempotent: a retry finds its own earlier work and returns the same answer. A hold is race-safe
by the claims' primary key (producer, slot): all slots of a hold go in one transaction, and when another booking
won one of them the transaction rolls back and the next producer is tried.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity

from activities import metrics
from models.assist import AssistStatus, EventReport
from models.assist_activities import (
    BookingRecord,
    HoldRequest,
    HoldResult,
    LookupResult,
    MoveSiteSession,
    PostEventRequest,
    ScheduledSession,
    SessionLookup,
)
from models.assist_time import SessionTime, SlotCheck
from models.refusals import When, because
from store import SessionFactory
from store import assist as store
from store import assist_calendar as calendar
from store.tables.assist import AssistBooking

OTHER_SESSIONS_SHOWN = 3


def _when(session: SessionTime) -> When:
    """A session's start, named with its zone: '2027-01-02 at 15:00 (Asia/Taipei)' in English."""
    text = f"{session.date:%Y-%m-%d} at {session.time:%H:%M} ({session.time_zone})"
    return When(at=session.starts_at, zone=session.time_zone, named=True, text=text)


class AssistActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    # ------------------------------------------------------------------------------------ producer calendar

    @activity.defn
    async def check_producers(self, request: HoldRequest) -> SlotCheck:
        """Is a producer free for the session (lead-in included)? If not, the three nearest starts where one is."""
        async with self._sessions() as session:
            return await store.producer_check(session, request)

    @activity.defn
    async def hold_producer(self, request: HoldRequest) -> HoldResult:
        """Claim a free producer for the session, lead-in included; a booking that holds another time (a reschedule)
        moves in one transaction, to the same producer when they are free, and keeps its old time when nobody is.
        With ``request.record`` the booking's row is saved in that same transaction."""
        window = calendar.slots(request.session, request.lead_minutes)
        async with self._sessions() as session:  # one read: what the booking holds, and who is busy around it
            held = await store.claims_of(session, request.reservation_no)
            if len(held) == 1 and next(iter(held.values())) == set(window):  # a retry: held already
                producer_id = next(iter(held))
                found = await store.producer(session, producer_id)
                free = [producer_id]
            else:
                busy = await store.busy_in_window(session, request)
                free = calendar.free_producers(window, busy)
                free.sort(key=lambda producer_id: producer_id not in held)  # the same producer first
                found = None
        for producer_id in free:
            try:
                async with self._sessions.begin() as session:
                    if found is None:  # not a retry
                        await store.claim(session, producer_id, request.reservation_no, window)
                    record, reached = None, False
                    if request.record is not None:
                        record = request.record.model_copy(update={"producer_id": producer_id})
                        reached = await _save_booking(session, record)
                    producer = found or await store.producer(session, producer_id)
            except IntegrityError:
                continue  # another booking took one of the producer's slots since we looked
            assert producer is not None, producer_id  # claims reference producers by foreign key
            if record is not None and reached:
                _count(record)
            return HoldResult(producer=producer)
        async with self._sessions() as session:
            busy = await store.busy_around(session, request)
        return HoldResult(producer=None, alternatives=store.alternatives(request, busy))

    @activity.defn
    async def release_producer(self, reservation_no: str) -> bool:
        """Free the booking's producer: True when it held one."""
        async with self._sessions.begin() as session:
            return await store.release(session, reservation_no) > 0

    # ------------------------------------------------------------------------------------------- the Webex site

    @activity.defn
    async def find_scheduled_session(self, lookup: SessionLookup) -> LookupResult:
        """The host's session on the site that starts at the given time; a miss says what was searched."""
        async with self._sessions() as session:
            site = await store.site(session, lookup.site)
            if site is None:
                return LookupResult.missing(
                    because(
                        "The Webex site %(site)s is unknown here. Check the site's address "
                        "(for example yitong.webex.com).",
                        site=lookup.site,
                    )
                )
            hosted = await store.sessions_of_host(session, site.name, lookup.host_id, lookup.host_email)
        starts_at = lookup.session.starts_at
        for scheduled in hosted:
            if scheduled.session.starts_at == starts_at:
                return LookupResult(found=scheduled)
        searched = {"host_id": lookup.host_id, "host_email": lookup.host_email, "when": _when(lookup.session)}
        others = _nearest(hosted, starts_at, datetime.now(UTC))
        if not others:
            return LookupResult.missing(
                because(
                    "No session of host ID '%(host_id)s' with e-mail '%(host_email)s' starts on %(when)s on %(site)s.",
                    site=site.name,
                    **searched,
                )
            )
        listed = [because("%(when)s: %(topic)s", when=_when(other.session), topic=other.topic) for other in others]
        return LookupResult.missing(
            because(
                "No session of host ID '%(host_id)s' with e-mail '%(host_email)s' starts on %(when)s on %(site)s. "
                "This host's sessions there start on %(listed)s.",
                site=site.name,
                listed=listed,
                **searched,
            )
        )

    @activity.defn
    async def move_site_session(self, move: MoveSiteSession) -> bool:
        """Move the site's session to the new start (the customer's "update the schedule for me"): False when the
        site has no such session."""
        async with self._sessions.begin() as session:
            return await store.move_scheduled_session(session, move.session_key, move.session.starts_at)

    # ---------------------------------------------------------------------------------------------- bookings

    @activity.defn
    async def save_booking(self, record: BookingRecord) -> None:
        async with self._sessions.begin() as session:
            reached = await _save_booking(session, record)
        if reached:
            _count(record)

    @activity.defn
    async def post_event(self, request: PostEventRequest) -> EventReport:
        """The post-event report: final registrations and attendance from the site, and the recording posted to the
        site once when the package includes it."""
        async with self._sessions.begin() as session:
            found = await store.scheduled_session(session, request.session_key) if request.session_key else None
            url = (
                await store.post_recording(
                    session, request.reservation_no, request.site, request.session_key, datetime.now(UTC)
                )
                if request.recording
                else None
            )
        return EventReport(
            registrations=found.registrations if found else None,
            attendees=found.attendees if found else None,
            recording_url=url,
        )


async def _save_booking(session: AsyncSession, record: BookingRecord) -> bool:
    """Save the booking's row; True when it reaches a status it did not have (counted once committed)."""
    previous = await session.scalar(
        select(AssistBooking.status).where(AssistBooking.reservation_no == record.reservation_no)
    )
    await store.save_booking(session, record, datetime.now(UTC))
    return metrics.status_reached(previous, record.status.value)


def _count(record: BookingRecord) -> None:
    """A booking's outcome by package: drafts are the ordering steps, not an outcome."""
    if record.status is not AssistStatus.DRAFT:
        metrics.ASSIST_BOOKINGS.labels(package=record.package.value, status=record.status.value).inc()


def _nearest(hosted: list[ScheduledSession], starts_at: datetime, now: datetime) -> list[ScheduledSession]:
    """At most three of the host's sessions still ahead, the nearest to the time asked for, by start."""
    ahead = [other for other in hosted if other.session.starts_at >= now]
    ahead.sort(key=lambda other: abs(other.session.starts_at - starts_at))
    return sorted(ahead[:OTHER_SESSIONS_SHOWN], key=lambda other: other.session.starts_at)
