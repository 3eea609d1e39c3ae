"""The Webex Assist pages' forms: their choices, how a posted form becomes a step's input, and where each problem
is shown (next to its field, in words for a person)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import available_timezones

from pydantic import ValidationError

from models.assist import SLOT_MINUTES, AssistBookingState, SessionTime
from models.assist_packages import COLUMNS, PACKAGES

CUSTOMER_FIELDS = ("first_name", "last_name", "phone", "email", "company")
SESSION_FIELDS = ("date", "time", "time_zone", "duration")
AVAILABILITY_FIELDS = (*CUSTOMER_FIELDS, "site", "package", *SESSION_FIELDS)
LOOKUP_FIELDS = ("scheduled", "host_id", "host_email")
EVENT_FIELDS = ("topic", "host_name", "expected_attendees", "comments", "language")
FIND_FIELDS = ("reservation_no", "contact_email")
CHOICE_FIELDS = frozenset({"site", "package", "time", "duration", "scheduled", "updated", "update_for_me"})

PACKAGE_OPTIONS = {package.value: PACKAGES[package].name for package in COLUMNS}
TIME_OPTIONS = {
    f"{minutes // 60:02d}:{minutes % 60:02d}": f"{minutes // 60:02d}:{minutes % 60:02d}"
    for minutes in range(0, 24 * 60, SLOT_MINUTES)
}
SITE_ZONE = ""


def _duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if rest:
        parts.append(f"{rest} minutes")
    return " ".join(parts)


DURATION_OPTIONS = {str(minutes): _duration_label(minutes) for minutes in range(SLOT_MINUTES, 8 * 60 + 1, SLOT_MINUTES)}
ZONE_OPTIONS = {SITE_ZONE: "The Webex site's time zone"} | {
    zone: zone.replace("_", " ")
    for zone in sorted(available_timezones())
    if zone == "UTC" or ("/" in zone and zone.split("/")[0] not in {"Etc", "SystemV", "US", "posix", "right"})
}

# ApplicationError fields of the workflow's refusals -> the page field they are about
REFUSAL_FIELDS = {"session": "date", "date": "date", "time": "time", "reservation_no": "reservation_no"}


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _set(body: dict[str, Any], key: str, value: str | None) -> None:
    """Leave a blank field out, so the model says it is missing (not that '' is a bad date)."""
    if not _blank(value):
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
    scheduled = form.get("scheduled") or None
    body: dict[str, Any] = {"scheduled": scheduled}
    if scheduled == "by_me":
        _set(body, "host_id", form.get("host_id"))
        _set(body, "host_email", form.get("host_email"))
    return body


def event_body(form: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name in EVENT_FIELDS:
        _set(body, name, form.get(name))
    return body


def parse_date_time(form: dict[str, str]) -> tuple[date | None, time | None, dict[str, str]]:
    """The reschedule form's date and start time, or the problems with them."""
    errors: dict[str, str] = {}
    day = at = None
    try:
        day = date.fromisoformat(form.get("date", "").strip())
    except ValueError:
        errors["date"] = (
            "Enter the date as YYYY-MM-DD." if form.get("date", "").strip() else "Please fill in this field."
        )
    if form.get("time") not in TIME_OPTIONS:
        errors["time"] = "Choose one of the options."
    else:
        at = time.fromisoformat(form["time"])
    return day, at, errors


def moved(session: SessionTime, day: date, at: time) -> tuple[SessionTime | None, str | None]:
    """The session at the new date and time, or why that time cannot be (it does not exist on the wall clock)."""
    try:
        return session.moved_to(day, at), None
    except ValidationError as err:
        return None, friendly(err.errors()[0], "time")


def friendly(error: Any, name: str | None) -> str:
    """pydantic's message, said the way a form says it."""
    kind, message = error.get("type", ""), str(error.get("msg", "This value is not valid."))
    if kind == "string_too_short" and error.get("input"):
        return f"Use at least {error.get('ctx', {}).get('min_length', 2)} characters."
    if kind in ("missing", "string_too_short", "enum", "literal_error") or (
        name in CHOICE_FIELDS and kind != "value_error"
    ):
        return "Choose one of the options." if name in CHOICE_FIELDS else "Please fill in this field."
    if kind == "string_pattern_mismatch" and name == "phone":
        return "Enter a phone number of digits, spaces and + ( ) - . /, e.g. +886 2 1234 5678."
    if kind.startswith("date_"):
        return "Enter the date as YYYY-MM-DD."
    if kind.startswith(("int_", "greater_than", "less_than")):
        return "Enter a whole number, 1 or more." if name == "expected_attendees" else message + "."
    if kind == "string_too_long":
        return message.replace("String should have", "Use").replace("characters", "characters or fewer") + "."
    message = message.removeprefix("Value error, ")
    if message.startswith("value is not a valid email address"):
        return "Enter an e-mail address such as name@company.com."
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


def field_errors(
    err: ValidationError, fields: tuple[str, ...], aliases: dict[str, str] | None = None, whole: str | None = None
) -> tuple[dict[str, str], str | None]:
    """Each problem next to the page's field it is about (a model-wide one next to ``whole``); the rest on top."""
    aliases = aliases or {}
    errors: dict[str, str] = {}
    top: str | None = None
    for error in err.errors():
        names = [part for part in error.get("loc", ()) if isinstance(part, str)]
        name = names[-1] if names else whole
        name = aliases.get(name, name) if name else None
        message = friendly(error, name)
        if name in fields:
            errors.setdefault(name, message)
        elif top is None:
            top = message
    return errors, top


AVAILABILITY_ALIASES = {"duration_minutes": "duration", "session": "time", "customer": "first_name"}
