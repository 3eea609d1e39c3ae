"""Small value types shared by every contract that crosses Temporal, the API or the CLI."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints


def _known_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"'{name}' is not a known IANA time zone (examples: Europe/Ljubljana, America/New_York, UTC)"
        ) from None
    return name


TimeZoneName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_known_time_zone)]
"""An IANA time zone name such as ``Europe/Ljubljana``."""

Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]
"""A BCP 47 language tag of the simple kind: ``en``, ``sl``, ``pt-BR``."""

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""A person's or company's display name."""


class Contract(BaseModel):
    """Base of every model that crosses a boundary: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=False)


class Recipient(Contract):
    """Someone who gets e-mail from onramp, in their own language."""

    email: EmailStr
    language: Language = "en"


def local_midnight(day: date, time_zone: str) -> datetime:
    """Midnight at the start of ``day`` in ``time_zone`` (an aware datetime)."""
    return datetime.combine(day, time(0), ZoneInfo(time_zone))


def add_local_days(moment: datetime, days: int, time_zone: str) -> datetime:
    """``moment`` plus ``days`` calendar days on the wall clock of ``time_zone``.

    Aware-datetime arithmetic in Python is wall-clock arithmetic within one tzinfo, so a day that has
    23 or 25 hours (a DST change) still lands on the same local time of day.
    """
    local = moment.astimezone(ZoneInfo(time_zone))
    return (local + timedelta(days=days)).astimezone(ZoneInfo(time_zone))


class OperatorNote(Contract):
    """Who asked for an operator action, and why; shown in the order's timeline."""

    operator: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = "operator"
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = Field(default=None)
