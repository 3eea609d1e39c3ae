"""The calendar entry on the Webex Assist mails (issue 15, item 12): the confirmation, every move and the cancel
carry an .ics that the real SMTP sink receives and ``icalendar`` reads back: one UID for the booking, SEQUENCE 0 and
raised on every move, METHOD REQUEST and then CANCEL with STATUS:CANCELLED, the session's times with its TZID and
a VTIMEZONE, the package and event in the summary, onramp's sender as organizer. On a time-skipping server of this
module's own, on SQLite and (with ONRAMP_TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

import httpx
import pytest
from icalendar import Calendar, Event
from temporalio.testing import WorkflowEnvironment

from activities import mail_attachments
from activities.mail_templates import MailTemplates
from models.assist_time import SessionTime
from starter.mail_sink import MailSink, ReceivedMail
from starter.settings import Settings
from store import SessionFactory
from store import assist as store
from tests.admin_support import mails_to

# This module's own server and worker (tests/assist_env.py); its database is the session's, on every backend.
from tests.assist_env import (  # noqa: F401
    client_fixture,
    http_fixture,
    settings_fixture,
    ts_env_fixture,
    worker_fixture,
)
from tests.assist_support import availability, book, new_site, proof, session_at

TOPIC = "Yitong product launch 2027"
ATTACHED = "The calendar entry is attached: open it to add the session to your calendar."
MOVES = "The calendar entry attached moves the session in your calendar."
REMOVES = "The calendar entry attached takes the session off your calendar."


@pytest.fixture(scope="module", name="assist_db")
def assist_db_fixture(sessions: SessionFactory) -> SessionFactory:
    """The session's database (SQLite, and PostgreSQL when it is set): the booking's rows are written there."""
    return sessions


def calendar_of(mail: ReceivedMail) -> tuple[EmailMessage, Calendar, Event]:
    """The mail's one calendar attachment, parsed back, and its one event."""
    [part] = [part for part in mail.message.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert isinstance(part, EmailMessage)
    calendar = Calendar.from_ical(part.get_content())
    [event] = calendar.walk("VEVENT")
    assert isinstance(event, Event)
    return part, calendar, event


def assert_times(calendar: Calendar, event: Event, session: SessionTime) -> None:
    assert event["DTSTART"].params["TZID"] == event["DTEND"].params["TZID"] == session.time_zone
    assert event.decoded("DTSTART") == session.starts_at and event.decoded("DTEND") == session.ends_at
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == [session.time_zone]


async def test_confirmation_moves_and_cancel_carry_one_entry_raised_on_every_move_and_then_removed(
    http: httpx.AsyncClient,
    ts_env: WorkflowEnvironment,
    assist_db: SessionFactory,
    mail_sink: MailSink,
    settings: Settings,
) -> None:
    site = await new_site(assist_db)
    when = session_at(await ts_env.get_current_time(), 30, minutes=90)
    body = availability(site, when, package="ec_standard")
    email = body["customer"]["email"]
    answer = await book(http, body, event_info={"topic": TOPIC})
    number, producer = answer["state"]["reservation_no"], answer["state"]["producer"]
    [confirmation] = await mails_to(mail_sink, email)

    sessions = [when]
    for days, at in ((5, time(10, 30)), (9, time(16, 0))):
        moved = await http.post(
            f"/api/assist/bookings/{number}/reschedule",
            json={
                "contact_email": email,
                "date": (when.date + timedelta(days=days)).isoformat(),
                "time": f"{at:%H:%M}",
            },
            headers=proof(body),
        )
        assert moved.status_code == 200 and moved.json()["confirmed"], moved.text
        sessions.append(when.moved_to(when.date + timedelta(days=days), at))
        await mails_to(mail_sink, email, count=len(sessions))
    cancelled = await http.post(
        f"/api/assist/bookings/{number}/cancel", json={"contact_email": email}, headers=proof(body)
    )
    assert cancelled.status_code == 200, cancelled.text
    *_, first_move, second_move, cancel = await mails_to(mail_sink, email, count=4)

    sender = parseaddr(settings.mail_sender)[1]
    for sequence, (mail, session) in enumerate(zip((confirmation, first_move, second_move), sessions, strict=True)):
        part, calendar, event = calendar_of(mail)
        assert (MOVES if sequence else ATTACHED) in mail.text
        assert part.get_filename() == f"webex-assist-{number}.ics" and part.get_param("method") == "REQUEST"
        assert calendar["METHOD"] == "REQUEST" and event["STATUS"] == "CONFIRMED"
        assert event["UID"] == f"{number}@onramp" and event["SEQUENCE"] == sequence
        assert_times(calendar, event, session)
        assert event["SUMMARY"] == f"Webex Assist Event Center Standard: {TOPIC}"
        assert event["ORGANIZER"] == f"mailto:{sender}"
        attendees = {str(attendee): attendee.params["ROLE"] for attendee in event.get("ATTENDEE", [])}
        assert attendees == {f"mailto:{producer['email']}": "CHAIR", f"mailto:{email}": "REQ-PARTICIPANT"}
        description = str(event["DESCRIPTION"])
        assert number in description and "http://onramp.test/assist/find" in description

    part, calendar, event = calendar_of(cancel)
    assert REMOVES in cancel.text
    assert part.get_param("method") == "CANCEL"
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["UID"] == f"{number}@onramp" and event["SEQUENCE"] == 3
    assert_times(calendar, event, sessions[-1])
    async with assist_db() as db:
        row = await store.booking(db, number)
    assert row is not None and row.status == "cancelled" and row.session.starts_at == event.decoded("DTSTART")


def context(**changes: Any) -> dict[str, Any]:
    """A rescheduled mail's context as AssistBookingWorkflow queues it, in a zone with summer time."""
    values: dict[str, Any] = {
        "reservation_no": "WA-270107-0A1B2C",
        "first_name": "Mei",
        "last_name": "Lin",
        "company": "Yitong Trading",
        "contact_email": "mei@customer.example",
        "site": "yitong.webex.com",
        "package": "Event Center Standard",
        "topic": TOPIC,
        "language": None,
        "session": "Wed 07 Jul 2027, 15:00-16:30 (Europe/Ljubljana)",
        "old_session": "Mon 05 Jul 2027, 15:00-16:30 (Europe/Ljubljana)",
        "standard_fee": "650.00",
        "currency": "USD",
        "free_cancellation_until": "2027-06-30 15:00 (Europe/Ljubljana)",
        "cancellation_fee_percent": 50,
        "cancellation_fee": "0.00",
        "producer_name": "Ana Novak",
        "producer_email": "ana@assist.example",
        "producer_lead_minutes": 30,
        "registrations": None,
        "attendees": None,
        "recording_url": None,
        "public_base_url": "http://onramp.test",
        "calendar_session": {
            "date": "2027-07-07",
            "time": "15:00:00",
            "time_zone": "Europe/Ljubljana",
            "duration_minutes": 90,
        },
        "calendar_sequence": 1,
        "calendar_stamp": "2026-12-03T09:15:00+00:00",
    }
    values.update(changes)
    return values


def test_a_summer_session_keeps_its_wall_clock_and_without_a_sender_the_producer_organizes() -> None:
    [file] = mail_attachments.attachments("assist_rescheduled", context(), "sl")

    assert file.file_name == "webex-assist-WA-270107-0A1B2C.ics"
    calendar = Calendar.from_ical(file.data)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2027, 7, 7, 13, 0, tzinfo=UTC)  # CEST, +02:00
    assert event["DTSTART"].params["TZID"] == "Europe/Ljubljana" and event["SEQUENCE"] == 1
    [zone] = calendar.walk("VTIMEZONE")
    assert {component.name for component in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert event["ORGANIZER"] == "mailto:ana@assist.example" and event["ORGANIZER"].params["CN"] == "Ana Novak"
    assert event.decoded("DTSTAMP") == datetime(2026, 12, 3, 9, 15, tzinfo=UTC)
    assert file.data == mail_attachments.attachments("assist_rescheduled", context(), "sl")[0].data  # every try alike


def test_a_mail_queued_before_the_calendar_keys_carries_no_entry_and_does_not_say_so() -> None:
    old = {key: value for key, value in context().items() if not key.startswith("calendar_")}

    for template in ("assist_confirmation", "assist_rescheduled", "assist_cancelled"):
        assert mail_attachments.attachments(template, old, "en") == []
        text = MailTemplates().render(template, "en", old).text
        assert "calendar entry" not in text
    assert MOVES in MailTemplates().render("assist_rescheduled", "en", context()).text
