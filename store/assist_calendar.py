"""The producer calendar's arithmetic, without I/O: which 15-minute slots a hold covers, the nearest starts
where a producer is free, and the times one producer is free for a planning call or rehearsal.

A hold covers every slot (UTC, on the 15-minute grid) from `lead_minutes` before the session's start to its end.
Alternatives are searched on the wall clock of the booking's zone: 30 minutes later, 30 earlier, 60 later, …,
never before `not_before`, at most 14 days away, skipping times the zone's clock jumps over.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from models.assist_preparation import OFFERS, OFFERS_PER_DAY, WORKING_HOURS, PreparationWindow, fits
from models.assist_time import SLOT_MINUTES, SessionTime, Slot

SLOT = timedelta(minutes=SLOT_MINUTES)
STEP = timedelta(minutes=30)
SEARCH_SPAN = timedelta(days=14)
ALTERNATIVES = 3

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _floor(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return moment - ((moment - _EPOCH) % SLOT)


def hold_window(session: SessionTime, lead_minutes: int) -> tuple[datetime, datetime]:
    """(from, to) in UTC: the producer's time for the session, lead-in included."""
    start = session.starts_at.astimezone(UTC)
    return start - timedelta(minutes=max(lead_minutes, 0)), start + timedelta(minutes=session.duration_minutes)


def slots(session: SessionTime, lead_minutes: int) -> list[datetime]:
    """Every 15-minute slot (its UTC start) the hold covers, in order."""
    begin, end = hold_window(session, lead_minutes)
    found, slot = [], _floor(begin)
    while slot < end:
        found.append(slot)
        slot += SLOT
    return found


def search_range(session: SessionTime, lead_minutes: int) -> tuple[datetime, datetime]:
    """Every slot any alternative could cover lies in this range (UTC): the claims to read for the search."""
    begin, end = hold_window(session, lead_minutes)
    margin = SEARCH_SPAN + timedelta(days=1)  # a day more: DST shifts and the slot grid
    return begin - margin, end + margin


def free_producers(window: list[datetime], busy: Mapping[str, Set[datetime]]) -> list[str]:
    """The producers (ids, in order) with no slot of ``window`` taken by another booking."""
    return [producer for producer, taken in busy.items() if taken.isdisjoint(window)]


def candidates(session: SessionTime) -> Iterator[SessionTime]:
    """Starts 30 minutes apart around the requested one, nearest first, later before earlier: +30, -30, +60, …,
    up to 14 days away; wall-clock times that do not exist in the zone (the DST gap) are skipped."""
    local = datetime.combine(session.date, session.time)
    steps = SEARCH_SPAN // STEP
    for step in range(1, steps + 1):
        for sign in (1, -1):
            moved = local + sign * step * STEP
            try:
                yield session.moved_to(moved.date(), moved.time())
            except ValidationError:
                continue


def alternatives(
    session: SessionTime,
    lead_minutes: int,
    not_before: datetime,
    busy: Mapping[str, Set[datetime]],
    *,
    count: int = ALTERNATIVES,
) -> list[Slot]:
    """The ``count`` nearest starts where at least one producer is free; ``busy`` maps every producer to the slots
    other bookings hold (within `search_range`)."""
    found: list[Slot] = []
    if not busy:
        return found
    for candidate in candidates(session):
        if candidate.starts_at < not_before:
            continue
        free = len(free_producers(slots(candidate, lead_minutes), busy))
        if free:
            found.append(Slot(date=candidate.date, time=candidate.time, free_producers=free))
            if len(found) == count:
                break
    return found


def preparation_starts(
    minutes: int,
    window: PreparationWindow,
    taken: Set[datetime],
    *,
    hours: tuple[time, time] = WORKING_HOURS,
    count: int = OFFERS,
    per_day: int = OFFERS_PER_DAY,
) -> list[SessionTime]:
    """Times for a planning call or rehearsal of ``minutes`` with one producer: 30 minutes apart within working
    hours (the booking's zone, Monday to Friday) inside ``window``, none covering a slot in ``taken``, earliest
    first, at most ``per_day`` a day and ``count`` in all."""
    zone = ZoneInfo(window.time_zone)
    day, last = window.earliest.astimezone(zone).date(), window.latest_end.astimezone(zone).date()
    found: list[SessionTime] = []
    while day <= last and len(found) < count:
        if day.weekday() < 5:
            found += _free_on(day, minutes, window, taken, hours)[: min(per_day, count - len(found))]
        day += timedelta(days=1)
    return found


def _free_on(
    day: date, minutes: int, window: PreparationWindow, taken: Set[datetime], hours: tuple[time, time]
) -> list[SessionTime]:
    free: list[SessionTime] = []
    at, close = datetime.combine(day, hours[0]), datetime.combine(day, hours[1])
    while at + timedelta(minutes=minutes) <= close:
        try:
            candidate = SessionTime(date=day, time=at.time(), time_zone=window.time_zone, duration_minutes=minutes)
        except ValidationError:  # the zone's clock skips this time
            candidate = None
        if candidate is not None and fits(candidate, window) and taken.isdisjoint(slots(candidate, 0)):
            free.append(candidate)
        at += STEP
    return free
