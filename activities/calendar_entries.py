"""The calendar entry a Webex Assist mail carries (issue 15, item 12): an iCalendar file (RFC 5545) written as an
iTIP message (RFC 5546) with ``icalendar``, so the customer's calendar shows the session, moves it, and takes it off.

One booking is one event: its UID comes from the reservation number (``WA-261121-3F9A0C@onramp``: derived, never
random, nothing personal), so the confirmation's entry, every move's and the cancel's are the same event to a
calendar. SEQUENCE is the number of moves so far (0 on the confirmation, raised on every move) and one more on the
cancel, a ``METHOD:CANCEL`` with ``STATUS:CANCELLED``: a calendar applies a message only when its sequence is not
older than the one it holds. The times are the session's wall clock with its TZID and a VTIMEZONE for that zone, so
15:00 in Asia/Taipei stays 15:00 Asia/Taipei in any calendar, across a DST change too.

The organizer is onramp's sender, the mail's From (calendars trust an invitation that comes from its organizer, and
the sender stays when a move gives the booking another producer); the producer and the customer are attendees by
name. A context without the sender (an entry made outside the mail delivery) names the producer as organizer.

Pure: the mail's context as AssistBookingWorkflow's ``_mail_context`` queued it → bytes. The session, the number
of moves and the moment of the change are keys added for this file: a context queued before them (an older
history's) makes no entry, and its mail does not say it carries one.
"""

from __future__ import annotations

from datetime import UTC, date
from email.utils import parseaddr
from functools import lru_cache
from typing import Any, Literal

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from activities import mail_values, mail_words
from activities.mail_templates import mail_catalog, reader_language
from models.assist_time import SessionTime

MEDIA_TYPE = "text/calendar"
PRODUCT_ID = "-//onramp//Webex Assist//EN"
UID_DOMAIN = "onramp"

Method = Literal["REQUEST", "CANCEL"]

# The description's lines are messages the assist mails show already (mail_templates/common/assist_booking.txt and
# assist_find.txt): they read as the mail does in every language, and the mails' catalog holds them.
RESERVATION_NUMBER = "Reservation number:"
PACKAGE = "Package:"
SITE = "Site:"
FIND = "To update (date and time only) or cancel, use your reservation number and this e-mail address at %(url)s"


def booking_uid(reservation_no: str) -> str:
    """One UID per booking, the same in every mail about it."""
    return f"{reservation_no}@{UID_DOMAIN}"


def file_name(reservation_no: str) -> str:
    return f"webex-assist-{reservation_no}.ics"


def media_type(method: Method) -> str:
    """The attachment's type with its iTIP method (RFC 6047), which mail programs look for."""
    return f"{MEDIA_TYPE}; method={method}; charset=utf-8"


def entry(context: dict[str, Any], language: str, method: Method) -> bytes | None:
    """The booking's entry as of this mail (``REQUEST``: confirmed or moved; ``CANCEL``: cancelled), or None for a
    context queued before the calendar's keys."""
    raw_session, moves, stamp = (
        context.get(key) for key in ("calendar_session", "calendar_sequence", "calendar_stamp")
    )
    if raw_session is None or moves is None or stamp is None:
        return None
    session = SessionTime.model_validate(raw_session)
    cancel = method == "CANCEL"
    event = Event()
    event.add("uid", booking_uid(str(context["reservation_no"])))
    event.add("sequence", int(moves) + (1 if cancel else 0))
    event.add("dtstamp", mail_values.moment(str(stamp)).at.astimezone(UTC))
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", _summary(context, language))
    event.add("description", _description(context, language))
    event.add("location", str(context.get("site") or ""))
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    people = _people(context)
    if people:
        event.add("organizer", people[0])
    for attendee in people[1:]:
        event.add("attendee", attendee)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(_time_zone(session.time_zone, session.date.year))
    calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


@lru_cache(maxsize=256)
def _time_zone(tzid: str, year: int) -> Timezone:
    """The zone's VTIMEZONE, from the start of the session's year to the end of the next: what a calendar needs to
    place the session, without decades of transitions. Built once per zone and year: working the transitions out of
    the zone's rules cost about 25 ms of CPU, more than the rest of the mail. Shared read-only by every entry."""
    return Timezone.from_tzid(tzid, first_date=date(year, 1, 1), last_date=date(year + 2, 1, 1))


def _summary(context: dict[str, Any], language: str) -> str:
    """``Webex Assist Event Center Standard: Yitong product launch 2027``: the package in the reader's language
    (Webex Assist is a brand name) and the event's topic."""
    translate = mail_catalog(reader_language(language)).gettext
    title = f"Webex Assist {mail_words.package(str(context.get('package') or ''), translate)}".strip()
    topic = str(context.get("topic") or "").strip()
    return f"{title}: {topic}" if topic else title


def _description(context: dict[str, Any], language: str) -> str:
    """The reservation number, package and site, and where to move or cancel it: the mail's own lines."""
    translate = mail_catalog(reader_language(language)).gettext
    lines = [
        f"{translate(RESERVATION_NUMBER)} {context['reservation_no']}",
        f"{translate(PACKAGE)} {mail_words.package(str(context.get('package') or ''), translate)}",
        f"{translate(SITE)} {context.get('site') or ''}",
    ]
    if base := context.get("public_base_url"):
        lines += ["", translate(FIND) % {"url": f"{base}/assist/find"}]
    return "\n".join(lines)


def _people(context: dict[str, Any]) -> list[vCalAddress]:
    """The organizer (onramp's sender, else the producer), then the attendees: the producer, who chairs the session,
    and the customer, who booked it (both accepted; no answer asked for: the booking is changed on onramp's pages)."""
    sender_name, sender_email = parseaddr(str(context.get("sender") or ""))
    producer = (str(context.get("producer_name") or ""), str(context.get("producer_email") or ""))
    customer = (
        mail_words.person(str(context.get("first_name") or ""), str(context.get("last_name") or "")).strip(),
        str(context.get("contact_email") or ""),
    )
    people = [_address(sender_name, sender_email)] if sender_email else []
    if producer[1]:
        people.append(_address(*producer, role="CHAIR") if people else _address(*producer))
    if customer[1]:
        people.append(_address(*customer, role="REQ-PARTICIPANT"))
    return people


def _address(name: str, email: str, *, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    if role is not None:
        address.params["ROLE"] = role
        address.params["PARTSTAT"] = "ACCEPTED"
        address.params["RSVP"] = "FALSE"
    return address
