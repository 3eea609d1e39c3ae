"""What a Webex Assist customer's steps send (seed 004): the booking's reservation number and Webex site, the
four ordering steps' inputs (availability, meeting lookup, event info, submit), and the requests that update or
cancel a confirmed booking, which carry the contact e-mail that proves it is the customer's."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, EmailStr, Field, StringConstraints, model_validator

from models.assist_packages import AddOn, Package
from models.assist_time import SessionTime
from models.common import MULTI_LINE, Contract, Name, QuarterHour, SchemaStates
from models.refusals import RuleBroken, because


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
