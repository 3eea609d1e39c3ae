"""The Assist forms, each described once for the form kit (its fields, which are choices, what a pattern mismatch
should say, where a problem about a model field or the whole model goes), and how a posted form becomes its step's
input: a blank field is left out, so the model says it is missing (not that '' is a bad date); no time zone chosen
means the site's; a picked alternative replaces the date and time."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from pydantic import ValidationError

from models.assist import AssistBookingState
from models.assist_packages import ORDERED_ADD_ONS
from models.assist_requests import MeetingLookup
from models.assist_time import SessionTime
from starter.web.assist.options import TIME_OPTIONS
from starter.web.forms import FormSpec, friendly
from starter.web.reading import gettext, lazy_gettext

CUSTOMER_FIELDS = ("first_name", "last_name", "phone", "email", "company")
EVENT_FIELDS = ("topic", "host_name", "expected_attendees", "comments", "language")
ADD_ON_FIELDS = tuple(f"add_on_{add_on.value}" for add_on in ORDERED_ADD_ONS)
"""One checkbox per add-on a customer chooses (extra time follows the duration)."""

REFUSAL_FIELDS = {
    "session": "date",
    "date": "date",
    "time": "time",
    "reservation_no": "reservation_no",
    "add_ons": "add_on_invitation_registration",  # the one add-on a package can refuse (Event Center Premium's)
}
"""The fields the workflow's refusals name -> the page field they are about: its lead-time refusal names the
session, which a person changes by its date."""

AVAILABILITY = FormSpec(
    fields=(*CUSTOMER_FIELDS, "site", "package", "date", "time", "time_zone", "duration", *ADD_ON_FIELDS),
    choices=frozenset({"site", "package", "time", "duration"}),
    hints={"phone": lazy_gettext("Enter a phone number of digits, spaces and + ( ) - . /, e.g. +886 2 1234 5678.")},
    # a problem with the session as a whole (a time the clocks skip) is about its start time
    aliases={
        "duration_minutes": "duration",
        "session": "time",
        "customer": "first_name",
        "add_ons": "add_on_invitation_registration",
    },
    whole="first_name",
    refusal_aliases=REFUSAL_FIELDS,
)
LOOKUP = FormSpec(
    fields=("scheduled", "host_id", "host_email"),
    choices=frozenset({"scheduled"}),
    whole="host_id",
    refusal_aliases=REFUSAL_FIELDS,
)
EVENT = FormSpec(
    fields=EVENT_FIELDS,
    hints={"expected_attendees": lazy_gettext("Enter a whole number, 1 or more.")},
    refusal_aliases=REFUSAL_FIELDS,
)
RESCHEDULE = FormSpec(fields=("date", "time"), choices=frozenset({"time"}), refusal_aliases=REFUSAL_FIELDS)
SITE_SCHEDULE = FormSpec(
    fields=("date", "time", "updated", "update_for_me"),
    choices=frozenset({"updated", "update_for_me"}),
    refusal_aliases=REFUSAL_FIELDS,
)


def _set(body: dict[str, Any], key: str, value: str | None) -> None:
    """Leave a blank field out, so the model says it is missing (not that '' is a bad date)."""
    if value is not None and value.strip():
        body[key] = value


def availability_body(form: dict[str, str], site_zones: dict[str, str]) -> dict[str, Any]:
    """Step 1's form as `Availability`; no time zone chosen means the site's."""
    customer: dict[str, Any] = {}
    for name in CUSTOMER_FIELDS:
        _set(customer, name, form.get(name))
    session: dict[str, Any] = {}
    _set(session, "date", form.get("date"))
    _set(session, "time", form.get("time"))
    _set(session, "time_zone", form.get("time_zone") or site_zones.get(form.get("site", "")))
    _set(session, "duration_minutes", form.get("duration"))
    body: dict[str, Any] = {"customer": customer, "session": session}
    _set(body, "site", form.get("site"))
    _set(body, "package", form.get("package"))
    body["add_ons"] = [add_on.value for add_on in ORDERED_ADD_ONS if form.get(f"add_on_{add_on.value}") == "on"]
    return body


def availability_values(state: AssistBookingState) -> dict[str, str]:
    """The step 1 form as the booking has it (for Back, and for the alternatives' page)."""
    availability = state.availability
    customer, session = availability.customer, availability.session
    return {
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "phone": customer.phone,
        "email": str(customer.email),
        "company": customer.company,
        "site": availability.site,
        "package": availability.package.value,
        "date": session.date.isoformat(),
        "time": f"{session.time:%H:%M}",
        "time_zone": session.time_zone,
        "duration": str(session.duration_minutes),
        **{f"add_on_{add_on.value}": "on" for add_on in availability.add_ons},
    }


def apply_alternative(form: dict[str, str]) -> dict[str, str]:
    """A button 'YYYY-MM-DDTHH:MM' among the nearest free starts replaces the form's date and time."""
    picked = form.get("alternative", "")
    try:
        moment = datetime.fromisoformat(picked)
    except ValueError:
        return form
    return {**form, "date": moment.date().isoformat(), "time": f"{moment:%H:%M}"}


def lookup_body(form: dict[str, str]) -> dict[str, Any]:
    """Step 2: the host's ID and e-mail count only when the customer scheduled the session with them."""
    scheduled = form.get("scheduled") or None
    body: dict[str, Any] = {"scheduled": scheduled}
    if scheduled == "by_me":
        _set(body, "host_id", form.get("host_id"))
        _set(body, "host_email", form.get("host_email"))
    return body


def lookup_values(state: AssistBookingState) -> dict[str, str]:
    """The step 2 form as the booking has it."""
    lookup = state.lookup or MeetingLookup()
    return {
        "scheduled": lookup.scheduled or "",
        "host_id": lookup.host_id or "",
        "host_email": str(lookup.host_email or ""),
    }


def event_body(form: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name in EVENT_FIELDS:
        _set(body, name, form.get(name))
    return body


def event_values(state: AssistBookingState) -> dict[str, str]:
    """The step 3 form as the booking has it (filled from the site when the lookup found the session)."""
    info = state.event_info
    if info is None:
        return dict.fromkeys(EVENT_FIELDS, "")
    return {
        "topic": info.topic,
        "host_name": info.host_name or "",
        "expected_attendees": str(info.expected_attendees or ""),
        "comments": info.comments or "",
        "language": info.language or "",
    }


def parse_date_time(form: dict[str, str]) -> tuple[date | None, time | None, dict[str, str]]:
    """The reschedule form's date and start time (posted, or in the query of a page that asks again), or the
    problems with them."""
    errors: dict[str, str] = {}
    day = at = None
    try:
        day = date.fromisoformat(form.get("date", "").strip())
    except ValueError:
        errors["date"] = (
            gettext("Enter the date as YYYY-MM-DD.")
            if form.get("date", "").strip()
            else gettext("Please fill in this field.")
        )
    if form.get("time") not in TIME_OPTIONS:
        errors["time"] = gettext("Choose one of the options.")
    else:
        at = time.fromisoformat(form["time"])
    return day, at, errors


def moved(session: SessionTime, day: date, at: time) -> tuple[SessionTime | None, str | None]:
    """The session at the new date and time, or why that time cannot be (it does not exist on the wall clock)."""
    try:
        return session.moved_to(day, at), None
    except ValidationError as err:
        return None, friendly(err.errors()[0], "time", RESCHEDULE)
