"""Contracts of Webex Assist bookings (seed 004): AssistBookingWorkflow's input, policy, steps, state, and its
activities' inputs and outputs.

A booking is one workflow from the first ordering step on (id `assist-<reservation number>`): availability →
meeting lookup → event info → submit, which reserves a producer and confirms. A confirmed booking can be moved
(date and time only) or cancelled by whoever knows its reservation number and contact e-mail; its timers remind the
customer, call the producer in 30 minutes before the start, and run the post-event step after the end.

Times are wall-clock times with their IANA zone (`SessionTime`): a booking across a DST change keeps its local time.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    AwareDatetime,
    BeforeValidator,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from models.assist_packages import AddOn, Package
from models.common import MULTI_LINE, Contract, Language, Name, QuarterHour, SchemaStates, TimeZoneName
from models.mail import MailRecord
from models.refusals import RuleBroken, because
from models.seed_rules import (
    ASSIST_LEAD_DAYS,
    ASSIST_REMINDER_DAYS_BEFORE,
    CANCELLATION_FEE_PERCENT,
    FREE_CANCELLATION_DAYS,
    PRODUCER_LEAD_MINUTES,
)

KIND = "assist_booking"
SLOT_MINUTES = 15
"""Sessions start on a quarter hour and last whole quarter hours: the producer calendar's grain."""


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


RESERVATION_NO_PATTERN = r"^WA-\d{6}-[0-9A-F]{6}$"
ReservationNo = Annotated[
    str,
    BeforeValidator(_upper),
    StringConstraints(max_length=16, pattern=RESERVATION_NO_PATTERN),
    SchemaStates(pattern=RESERVATION_NO_PATTERN),  # pydantic leaves a pattern after a BeforeValidator unstated
]
"""WA-<yymmdd>-<6 hex digits>, e.g. WA-261121-3F9A0C."""

SITE_NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}(\.[a-z0-9-]{1,63})*$"
SiteName = Annotated[
    str,
    BeforeValidator(_lower),
    StringConstraints(max_length=253, pattern=SITE_NAME_PATTERN),
    SchemaStates(pattern=SITE_NAME_PATTERN),
]
"""A Webex site's host name, e.g. yitong.webex.com."""

HostId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=31, pattern=r"^\+?[0-9 ()./-]{6,30}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), MULTI_LINE]
Topic = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


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


class Customer(Contract):
    first_name: Name
    last_name: Name
    phone: Phone
    email: EmailStr
    company: Name


class Availability(Contract):
    """Ordering, step 1: who orders, for which site and package, and when."""

    customer: Customer
    site: SiteName
    package: Package
    session: SessionTime
    add_ons: list[AddOn] = Field(
        default_factory=list,
        max_length=len(AddOn),
        description="The add-ons ordered (extra_rehearsal, extra_recording_editing, invitation_registration, which "
        "Event Center Premium includes). Extra time is not chosen: every started hour over the first is priced "
        "from the duration.",
    )


ScheduledAnswer = Literal["by_me", "by_someone_else", "not_yet"]


class MeetingLookup(Contract):
    """Ordering, step 2: is the session scheduled on the Webex site (required unless Event Center Premium)?

    `by_me` fetches the session from the site by host id and e-mail; `by_someone_else` (ordering for someone else)
    and `not_yet` (Event Center Premium only) leave the event info to be typed in.
    """

    scheduled: ScheduledAnswer | None = None
    host_id: HostId | None = None
    host_email: EmailStr | None = None
    schema_rules: ClassVar[dict[str, Any]] = {
        "if": {"properties": {"scheduled": {"const": "by_me"}}, "required": ["scheduled"]},
        "then": {
            "required": ["host_id", "host_email"],
            "properties": {"host_id": {"type": "string"}, "host_email": {"type": "string"}},
        },
    }

    @model_validator(mode="after")
    def _host_when_by_me(self) -> MeetingLookup:
        if self.scheduled == "by_me" and (self.host_id is None or self.host_email is None):
            raise RuleBroken(
                because("give the host ID and the host's e-mail address to fetch the session from the site")
            )
        return self


class EventInfo(Contract):
    """Ordering, step 3: the event's details (filled from the site when the lookup found it), comments, language."""

    topic: Topic
    host_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    expected_attendees: int | None = Field(default=None, ge=1, le=100_000)
    comments: Text | None = None
    language: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=50)] | None = Field(
        default=None, description="A language other than English the assist should be given in."
    )


class SubmitBooking(Contract):
    """Ordering, step 4: submit. The step names the page's state to refuse a stale or double submit."""

    confirm: Literal[True] = True


class ContactProof(Contract):
    """Reservation number and contact e-mail together find a booking; a wrong pair reads like an unknown number."""

    contact_email: EmailStr


class Reschedule(ContactProof):
    """Update: date and time only; the site schedule has been moved already, or should be moved for the customer."""

    date: dt.date
    time: QuarterHour
    site_schedule: Literal["updated", "update_for_me", "will_update"] = Field(
        default="updated",
        description="updated: moved on the Webex site already; update_for_me: move it there too; "
        "will_update: the customer will move it.",
    )


class CancelBooking(ContactProof):
    confirm: Literal[True] = True


class ChangeAddOns(ContactProof):
    """Update: the add-ons ordered, until the ordering lead time (14 days) before the session."""

    add_ons: list[AddOn] = Field(default_factory=list, max_length=len(AddOn))


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


class Slot(Contract):
    """A start the producer calendar can serve (a wall-clock time in the booking's zone)."""

    date: dt.date
    time: QuarterHour
    free_producers: int = Field(ge=0)


class SlotCheck(Contract):
    """The answer of the availability check: free or not, and when not, the three nearest free starts."""

    available: bool
    alternatives: list[Slot] = Field(default_factory=list)


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
