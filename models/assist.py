"""Contracts of Webex Assist bookings (seed 004): AssistBookingWorkflow's input, policy, state and answers.

A booking is one workflow from the first ordering step on (id `assist-<reservation number>`): availability →
meeting lookup → event info → submit, which reserves a producer and confirms. A confirmed booking can be moved
(date and time only) or cancelled by whoever knows its reservation number and contact e-mail; its timers remind the
customer, call the producer in 30 minutes before the start, and run the post-event step after the end.

What the customer's steps send is models/assist_requests.py; when a session runs, models/assist_time.py.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, EmailStr, Field

from models.assist_packages import AddOn
from models.assist_requests import Availability, EventInfo, MeetingLookup, Phone, ReservationNo
from models.assist_time import SLOT_MINUTES, SessionTime, Slot
from models.common import Contract, Language, Name
from models.mail import MailRecord
from models.seed_rules import (
    ASSIST_LEAD_DAYS,
    ASSIST_REMINDER_DAYS_BEFORE,
    CANCELLATION_FEE_PERCENT,
    FREE_CANCELLATION_DAYS,
    PRODUCER_LEAD_MINUTES,
)

KIND = "assist_booking"


def assist_workflow_id(reservation_no: str) -> str:
    """`assist-<reservation number>`: the business key (DESIGN, principle 1)."""
    return f"assist-{reservation_no.strip().upper()}"


class AssistStatus(StrEnum):
    DRAFT = "draft"  # the ordering steps are under way; nothing is reserved
    CONFIRMED = "confirmed"  # a producer is reserved; the timers run
    LIVE = "live"  # the producer has been called in (30 minutes before the start) and the session runs
    COMPLETED = "completed"  # the session is over and the post-event step is done (final)
    CANCELLED = "cancelled"  # cancelled by the customer; the producer is released (final)
    ABANDONED = "abandoned"  # the ordering steps stopped before the submit (final)


FINAL_STATUSES = frozenset({AssistStatus.COMPLETED, AssistStatus.CANCELLED, AssistStatus.ABANDONED})


FreeCancellationDays = Annotated[int, Field(ge=0, le=60)]
MoveNoticeHours = Annotated[int, Field(ge=0, le=14 * 24)]
FeePercent = Annotated[int, Field(ge=0, le=100)]
"""The cancellation policy's bounds (the booking's policy, and the operator's settings)."""


class AssistPolicy(Contract):
    """The process's rules, with the seed's values as defaults (fees and cut-off come from settings)."""

    lead_days: int = Field(
        default=ASSIST_LEAD_DAYS, ge=0, le=90, description="Order at least this many days before the session."
    )
    reminder_days_before: int = Field(
        default=ASSIST_REMINDER_DAYS_BEFORE, ge=1, le=14, description="Remind the customer this many days before."
    )
    producer_lead_minutes: int = Field(
        default=PRODUCER_LEAD_MINUTES,
        ge=0,
        le=120,
        description="The producer starts the session this many minutes before its start.",
    )
    free_cancellation_days: FreeCancellationDays = Field(
        default=FREE_CANCELLATION_DAYS, description="Cancelling at least this many days before the start costs nothing."
    )
    cancellation_fee_percent: FeePercent = Field(
        default=CANCELLATION_FEE_PERCENT,
        description="Inside the free period, this share of the package's standard fee.",
    )
    draft_idle_minutes: int = Field(
        default=120, ge=1, le=24 * 60, description="An order not submitted after this long idle is abandoned."
    )
    move_notice_hours: MoveNoticeHours | None = Field(
        default=None,
        description="A confirmed booking may move to any time at least this many hours ahead (the lead days are "
        "for ordering). None, in the policy of a booking started before there was a notice: the lead days.",
    )


class Producer(Contract):
    producer_id: str
    name: str
    email: EmailStr


class Coordinator(Contract):
    """A site's Webex scheduling coordinator (`onramp site coordinator`): told of every order with comments or a
    language other than English, and named with the producer in the confirmation (seed 004's "other changes")."""

    name: Name
    email: EmailStr
    phone: Phone | None = None


class EventReport(Contract):
    """The post-event report of an Event Center session: final registrations and attendance, and the recording."""

    registrations: int | None = None
    attendees: int | None = None
    recording_url: str | None = None


class PriceLine(Contract):
    """One line of a booking's price: the package's standard fee (``add_on`` None), extra time by the started
    hour, or an add-on, at the package's list prices (the seed: the actual charge follows the contract's rates)."""

    add_on: AddOn | None = None
    quantity: int = Field(ge=1, le=24)
    unit_price: Decimal
    amount: Decimal


class Charge(Contract):
    """A charge recorded for a booking: a cancellation inside the fee window."""

    kind: Literal["cancellation_fee"] = "cancellation_fee"
    amount: Decimal
    currency: str = Field(max_length=3)
    reason: str = Field(max_length=300, description="Why it is charged, in English.")
    recorded_at: AwareDatetime | None = None


# --- state --------------------------------------------------------------------------------------------------------


class Move(Contract):
    at: AwareDatetime
    old: SessionTime
    new: SessionTime
    site_schedule: str = Field(default="updated", description="What the customer said about the Webex site's schedule.")


class PreparationKind(StrEnum):
    """What is scheduled with the producer before the event (seed 004's table, "before the event")."""

    PLANNING_CALL = "planning_call"  # the 15-minute call, in every package but Meeting Center Premium
    REHEARSAL = "rehearsal"  # up to 1 hour, included in Event Center Premium
    EXTRA_REHEARSAL = "extra_rehearsal"  # the add-on, billed by the hour, at least 1.5 hours


class Preparation(Contract):
    """A planning call or rehearsal of the booking: its time with the booking's producer once the customer picked
    one, None until then (and again when a move of the event left it after the new start)."""

    kind: PreparationKind
    minutes: int = Field(ge=SLOT_MINUTES, le=4 * 60)
    session: SessionTime | None = None
    scheduled_at: AwareDatetime | None = None
    released: SessionTime | None = Field(
        default=None, description="The time a move of the event released (no longer before it): pick another."
    )


class AssistBookingInput(Contract):
    reservation_no: ReservationNo
    availability: Availability
    policy: AssistPolicy = Field(default_factory=AssistPolicy)
    language: Language = Field(
        default="en", description="The language the customer ordered in: their e-mails are written in it."
    )


class AssistBookingState(Contract):
    reservation_no: str
    status: AssistStatus
    step: Literal["availability", "lookup", "event_info", "submit", "done"] = "availability"
    availability: Availability
    policy: AssistPolicy
    lookup: MeetingLookup | None = None
    session_key: str | None = Field(default=None, description="The site's session, when the lookup found it.")
    event_info: EventInfo | None = None
    producer: Producer | None = None
    coordinator: Coordinator | None = Field(
        default=None, description="The site's scheduling coordinator, as the availability step read the site's terms."
    )
    standard_fee: Decimal
    price_lines: list[PriceLine] = Field(
        default_factory=list, description="The standard fee, extra time and the add-ons, at list prices."
    )
    total_fee: Decimal | None = Field(default=None, description="The sum of the price lines.")
    currency: str = "USD"
    language: Language = Field(default="en", description="The language the customer ordered in: their mails, pages.")
    created_at: AwareDatetime
    confirmed_at: AwareDatetime | None = None
    moves: list[Move] = Field(default_factory=list)
    cancelled_at: AwareDatetime | None = None
    cancellation_fee: Decimal | None = None
    charges: list[Charge] = Field(default_factory=list, description="The charges recorded: a late cancellation's fee.")
    reminder_sent_for: AwareDatetime | None = Field(default=None, description="The start the reminder was about.")
    producer_called_for: AwareDatetime | None = None
    report: EventReport | None = None
    completed_at: AwareDatetime | None = None
    next_deadline: AwareDatetime | None = None
    mails: list[MailRecord] = Field(default_factory=list)
    preparations: list[Preparation] = Field(
        default_factory=list, description="The planning call and rehearsals the booking includes, once confirmed."
    )

    @property
    def session(self) -> SessionTime:
        return self.availability.session


class CancellationQuote(Contract):
    """What cancelling now would cost (the workflow charges by its own clock when the cancel arrives)."""

    reservation_no: str
    standard_fee: Decimal
    cancellation_fee: Decimal
    currency: str
    free_until: AwareDatetime


class BookingAnswer(Contract):
    """What submit and reschedule answer: confirmed, or no producer free and the three nearest free starts."""

    confirmed: bool
    alternatives: list[Slot] = Field(default_factory=list)
    message: str | None = None
    state: AssistBookingState
