"""When a Webex Assist session runs (seed 004): a wall-clock date and time in an IANA zone and how long it lasts,
on the producer calendar's 15-minute grain, and the calendar's answers about free starts. A booking across a DST
change keeps its local time."""

from __future__ import annotations

import datetime as dt
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator

from models.common import Contract, QuarterHour, TimeZoneName
from models.refusals import RuleBroken, because

SLOT_MINUTES = 15
"""Sessions start on a quarter hour and last whole quarter hours: the producer calendar's grain."""


class SessionTime(Contract):
    """When a session runs: a local date and time in an IANA zone, and how long it lasts."""

    date: dt.date
    time: QuarterHour
    time_zone: TimeZoneName
    duration_minutes: int = Field(ge=SLOT_MINUTES, le=12 * 60, json_schema_extra={"multipleOf": SLOT_MINUTES})

    @field_validator("time")
    @classmethod
    def _quarter_hour(cls, value: dt.time) -> dt.time:
        if value.minute % SLOT_MINUTES or value.second or value.microsecond:
            raise RuleBroken(because("the start time must be on the hour or a quarter past, half past or a quarter to"))
        return value.replace(tzinfo=None)

    @field_validator("duration_minutes")
    @classmethod
    def _whole_quarters(cls, value: int) -> int:
        if value % SLOT_MINUTES:
            raise RuleBroken(because("the duration must be a multiple of 15 minutes"))
        return value

    @model_validator(mode="after")
    def _exists_on_the_wall_clock(self) -> SessionTime:
        zone = ZoneInfo(self.time_zone)
        local = datetime.combine(self.date, self.time)
        round_trip = local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
        if round_trip != local:
            raise RuleBroken(
                because(
                    "%(time)s does not exist on %(date)s in %(time_zone)s (the clocks go forward then); "
                    "choose another time",
                    time=f"{self.time:%H:%M}",
                    date=f"{self.date:%Y-%m-%d}",
                    time_zone=self.time_zone,
                )
            )
        return self

    @property
    def starts_at(self) -> datetime:
        """The start as an aware datetime in its zone (an ambiguous hour takes its first occurrence)."""
        return datetime.combine(self.date, self.time, ZoneInfo(self.time_zone))

    @property
    def ends_at(self) -> datetime:
        return (self.starts_at.astimezone(ZoneInfo("UTC")) + timedelta(minutes=self.duration_minutes)).astimezone(
            ZoneInfo(self.time_zone)
        )

    def moved_to(self, day: dt.date, at: dt.time) -> SessionTime:
        return SessionTime(date=day, time=at, time_zone=self.time_zone, duration_minutes=self.duration_minutes)

    def label(self) -> str:
        """'Thu 10 Dec 2026, 15:00-16:00 (Asia/Taipei)'."""
        return (
            f"{self.starts_at:%a %d %b %Y, %H:%M}-{self.ends_at:%H:%M} ({self.time_zone})"
            if self.ends_at.date() == self.starts_at.date()
            else f"{self.starts_at:%a %d %b %Y, %H:%M} - {self.ends_at:%a %d %b %Y, %H:%M} ({self.time_zone})"
        )


class Slot(Contract):
    """A start the producer calendar can serve (a wall-clock time in the booking's zone)."""

    date: dt.date
    time: QuarterHour
    free_producers: int = Field(ge=0)


class SlotCheck(Contract):
    """The answer of the availability check: free or not, and when not, the three nearest free starts."""

    available: bool
    alternatives: list[Slot] = Field(default_factory=list)
