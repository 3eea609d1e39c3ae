"""Contracts of Webex Assist's activities (seed 004): the producer calendar's hold, the booking's row, the Webex
site's sessions (lookup and move), and the post-event step."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, Field

from models.assist import AssistStatus, Charge, Producer
from models.assist_packages import AddOn, Package
from models.assist_time import SessionTime, Slot
from models.common import Contract
from models.refusals import Reason


class BookingRecord(Contract):
    """The booking's row (for listings and find-my-booking); the workflow stays the source of truth."""

    reservation_no: str
    status: AssistStatus
    site: str
    package: Package
    session: SessionTime
    contact_email: str
    company: str
    producer_id: str | None = None
    standard_fee: Decimal
    cancellation_fee: Decimal | None = None
    add_ons: list[AddOn] = Field(default_factory=list)
    total_fee: Decimal | None = Field(default=None, description="The standard fee, extra time and add-ons.")
    charges: list[Charge] = Field(default_factory=list)


class HoldRequest(Contract):
    """A producer's time for a session: from `lead_minutes` before the start to its end."""

    reservation_no: str
    session: SessionTime
    lead_minutes: int = Field(
        description="The producer's time before the start: the 30-minute lead-in, or for Event Center Premium the "
        "rest of its 6.5 production hours."
    )
    not_before: AwareDatetime = Field(description="No alternative may start before this (the lead-time rule).")
    record: BookingRecord | None = Field(
        default=None,
        description="The booking's row to save in the hold's own transaction (with the producer filled in), so a "
        "confirmation or a move is one activity.",
    )


class HoldResult(Contract):
    producer: Producer | None = None
    alternatives: list[Slot] = Field(default_factory=list)


class SessionLookup(Contract):
    site: str
    host_id: str
    host_email: str
    session: SessionTime


class ScheduledSession(Contract):
    """A session scheduled on a Webex site (the site table stands for the Webex site)."""

    session_key: str
    site: str
    host_id: str
    host_email: str
    topic: str
    kind: Literal["meeting", "training", "event"] = "meeting"
    session: SessionTime


class LookupResult(Contract):
    found: ScheduledSession | None = None
    message: str | None = Field(default=None, description="Why nothing was found, in English.")
    reason: Reason | None = Field(default=None, description="Why nothing was found, for the customer's language.")

    @classmethod
    def missing(cls, reason: Reason) -> LookupResult:
        return cls(message=reason.english(), reason=reason)


class MoveSiteSession(Contract):
    session_key: str
    session: SessionTime


class PostEventRequest(Contract):
    reservation_no: str
    site: str
    session_key: str | None
    topic: str
    recording: bool
