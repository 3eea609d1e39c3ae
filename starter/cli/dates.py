"""Relative dates on the command line: `today`, `yesterday`, `tomorrow`, `in 35 days`, `in 2 weeks`, `3 days ago`.

The README's examples must run verbatim on any day, so the CLI options that take a date also take these, read in
the time zone the command is about (the order's, the booking's, the account's). Anything else is passed on as it
is, for the model to accept as YYYY-MM-DD or refuse with its own message."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

NAMED_DAYS = {"yesterday": -1, "today": 0, "tomorrow": 1}
_AHEAD = re.compile(r"in\s+(\d{1,4})\s+(day|week)s?")
_AGO = re.compile(r"(\d{1,4})\s+(day|week)s?\s+ago")
HELP = "YYYY-MM-DD, or today / tomorrow / yesterday / 'in 35 days' / 'in 2 weeks' / '3 days ago'"
"""How an option's help names what it takes."""


def offset_days(value: str) -> int | None:
    """How many days from today ``value`` means, or None when it is not a relative date."""
    text = " ".join(value.lower().split())
    if text in NAMED_DAYS:
        return NAMED_DAYS[text]
    for pattern, sign in ((_AHEAD, 1), (_AGO, -1)):
        if match := pattern.fullmatch(text):
            count, unit = int(match.group(1)), match.group(2)
            return sign * count * (7 if unit == "week" else 1)
    return None


def resolve(value: str, time_zone: str | None = None, today: date | None = None) -> str:
    """``value`` as YYYY-MM-DD when it is a relative date (counted from today in ``time_zone``, UTC when it is
    missing or unknown: the model reports a bad time zone itself); otherwise ``value`` unchanged."""
    days = offset_days(value)
    if days is None:
        return value
    if today is None:
        try:
            zone = ZoneInfo(time_zone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        today = datetime.now(zone).date()
    return (today + timedelta(days=days)).isoformat()
