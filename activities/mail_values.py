"""A mail's context read back as values the recipient's locale can write.

The workflows hand a mail its dates as ISO text, a moment sometimes as ``2026-12-01 15:00 (Asia/Taipei)`` or
``2026-12-01 09:30 UTC``, a Webex Assist session as its English label (``models.assist_time.SessionTime.label``) and an
amount as ``1,234.00``. That is what the saved histories, the running workflows and the mails waiting in the outbox
hold, so the mails read that form rather than ask every workflow for a new one (which a mail queued before the
change would not have).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

MONTHS = {
    name: number
    for number, name in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
"""The month abbreviations of ``%b`` in the C locale the workers run in."""

_CLOCK = r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})"
_ZONED = re.compile(rf"^{_CLOCK} (?:\((?P<zone>[^)]+)\)|(?P<utc>UTC))$")
_LABEL_DAY = r"[A-Z][a-z]{2} (\d{2}) ([A-Z][a-z]{2}) (\d{4}), (\d{2}):(\d{2})"
_SAME_DAY = re.compile(rf"^{_LABEL_DAY}-(\d{{2}}):(\d{{2}}) \(([^)]+)\)$")
_TWO_DAYS = re.compile(rf"^{_LABEL_DAY} - {_LABEL_DAY} \(([^)]+)\)$")


@dataclass(frozen=True)
class Moment:
    at: datetime
    zone: str | None
    """The zone the text told the moment in, if it named one."""


@dataclass(frozen=True)
class Session:
    starts_at: datetime
    ends_at: datetime
    zone: str


def moment(value: datetime | str) -> Moment:
    """An aware moment: a datetime, ISO text (UTC when it has no offset), or a wall-clock time with its zone."""
    if isinstance(value, datetime):
        return Moment(value if value.tzinfo else value.replace(tzinfo=UTC), None)
    found = _ZONED.match(value.strip())
    if found:
        zone = found["zone"] or "UTC"
        year, month, day_, hour, minute = (int(part) for part in found.groups()[:5])
        return Moment(datetime(year, month, day_, hour, minute, tzinfo=_zone(zone)), zone)
    parsed = datetime.fromisoformat(value)
    return Moment(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC), None)


def day(value: date | str) -> date:
    """A calendar day: a date, or ISO text (``2026-11-28``; a moment's date when it has a time)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def amount(value: Decimal | int | float | str) -> Decimal:
    """An amount: a number, or text with thousands written with commas (``1,234.00``)."""
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None


def session(label: str) -> Session | None:
    """The session an Assist label tells (``Thu 10 Dec 2026, 15:00-16:00 (Asia/Taipei)``, or with the end's own
    date when it ends on another day); None when the text is not such a label."""
    text = label.strip()
    try:
        return _session(text)
    except KeyError:  # a month this table does not know
        return None


def _session(text: str) -> Session | None:
    if found := _SAME_DAY.match(text):
        *start, end_hour, end_minute, zone = found.groups()
        starts = _labelled(start, zone)
        return Session(starts, starts.replace(hour=int(end_hour), minute=int(end_minute)), zone)
    if found := _TWO_DAYS.match(text):
        *both, zone = found.groups()
        return Session(_labelled(both[:5], zone), _labelled(both[5:], zone), zone)
    return None


def _labelled(parts: list[str], zone: str) -> datetime:
    """A label's day, month, year, hour and minute on the zone's clock."""
    day_, month, year, hour, minute = parts
    return datetime(int(year), MONTHS[month], int(day_), int(hour), int(minute), tzinfo=_zone(zone))


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo("UTC" if name == "UTC" else name)
