"""AssistBookingWorkflow's own logic, fast: the real workflow on the time-skipping server with fake activities.

Proves the customer's four ordering steps (availability → meeting lookup → event info → submit) end in a confirmed
booking with a producer held; that the timers then remind the customer 2 days before, call the producer in 30
minutes before the start and, after the end, run the post-event step and complete the booking; that Meeting Center
needs a scheduled session (and "scheduled by me" fills the event info from the site); and that cancelling is free
at least 7 days before the start and costs half the package's standard fee later. No database, no Webex site, no
SMTP: the producer calendar, the site and the mail server are fakes that record their inputs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from temporalio import activity
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from models.assist import AssistBookingInput, AssistBookingState, AssistStatus, EventReport, Producer
from models.assist_activities import (
    BookingRecord,
    HoldRequest,
    HoldResult,
    LookupResult,
    MoveSiteSession,
    PostEventRequest,
    ScheduledSession,
    SessionLookup,
)
from models.assist_packages import Package
from models.assist_requests import Availability, CancelBooking, Customer, EventInfo, MeetingLookup, SubmitBooking
from models.assist_sites import SiteTerms
from models.assist_time import SessionTime, SlotCheck
from models.common import add_local_days
from models.mail import MailStatus
from tests.fast_support import CALLS, FastRun, assert_refused, fake_worker, mails, send_mail, skip_to, until
from workflows.assist_booking import AssistBookingWorkflow

ZONE = "Asia/Taipei"  # no daylight saving time: the timers' local arithmetic is plain
SITE = "yitong.webex.com"
PRODUCER = Producer(producer_id="p-7", name="Lin Producer", email="lin@assist.example")
CUSTOMER = Customer(
    first_name="Mei", last_name="Lin", phone="+886 2 1234 5678", email="mei@yitong.example", company="Yitong Trading"
)
RECORDING = "https://yitong.webex.com/recordings/sk-1"


# ---------------------------------------------------------------- fake activities


@activity.defn(name="check_producers")
async def check_producers(request: HoldRequest) -> SlotCheck:
    CALLS.record(request)
    return SlotCheck(available=True)


@activity.defn(name="hold_producer")
async def hold_producer(request: HoldRequest) -> HoldResult:
    CALLS.record(request)
    return HoldResult(producer=PRODUCER)


@activity.defn(name="release_producer")
async def release_producer(reservation_no: str) -> bool:
    CALLS.record(reservation_no)
    return True


@activity.defn(name="find_scheduled_session")
async def find_scheduled_session(lookup: SessionLookup) -> LookupResult:
    """The site knows one session: host-1's, at whatever time is asked for."""
    CALLS.record(lookup)
    if lookup.host_id != "host-1":
        return LookupResult(message=f"{lookup.site} has no session of host {lookup.host_id} at that time.")
    return LookupResult(
        found=ScheduledSession(
            session_key="sk-1",
            site=lookup.site,
            host_id=lookup.host_id,
            host_email=lookup.host_email,
            topic="Quarterly all-hands",
            session=lookup.session,
        )
    )


@activity.defn(name="move_site_session")
async def move_site_session(move: MoveSiteSession) -> bool:
    CALLS.record(move)
    return True


@activity.defn(name="save_booking")
async def save_booking(record: BookingRecord) -> None:
    CALLS.record(record)


@activity.defn(name="site_terms")
async def site_terms(site: str) -> SiteTerms:
    """The site offers every package and has no coordinator (tests/test_assist_site_terms.py has both)."""
    CALLS.record(site)
    return SiteTerms(site=site)


@activity.defn(name="post_event")
async def post_event(request: PostEventRequest) -> EventReport:
    CALLS.record(request)
    return EventReport(registrations=250, attendees=180, recording_url=RECORDING if request.recording else None)


ACTIVITIES: list[Callable[..., Any]] = [
    site_terms,
    check_producers,
    hold_producer,
    release_producer,
    find_scheduled_session,
    move_site_session,
    save_booking,
    post_event,
    send_mail,
]


# ---------------------------------------------------------------- ordering


async def _booking(env: WorkflowEnvironment, package: Package) -> AssistBookingInput:
    """A 60-minute session at 15:00 (Taipei) three weeks from today: well past the two weeks' lead time."""
    today = (await env.get_current_time()).astimezone(ZoneInfo(ZONE)).date()
    session = SessionTime(date=today + timedelta(days=21), time=time(15, 0), time_zone=ZONE, duration_minutes=60)
    return AssistBookingInput(
        reservation_no=f"WA-261121-{uuid.uuid4().hex[:6].upper()}",
        availability=Availability(customer=CUSTOMER, site=SITE, package=package, session=session),
    )


async def _confirmed(
    run: FastRun, booking: AssistBookingInput
) -> WorkflowHandle[AssistBookingWorkflow, AssistBookingState]:
    """An Event Center Premium booking through the four steps, not yet scheduled on the site."""
    handle = await run.start(AssistBookingWorkflow.run, booking, id=f"assist-{booking.reservation_no}")
    await handle.execute_update(AssistBookingWorkflow.availability, booking.availability)
    await handle.execute_update(AssistBookingWorkflow.lookup, MeetingLookup(scheduled="not_yet"))
    await handle.execute_update(AssistBookingWorkflow.event_info, EventInfo(topic="Launch webinar"))
    answer = await handle.execute_update(AssistBookingWorkflow.submit, SubmitBooking())
    assert answer.confirmed
    return handle


# ---------------------------------------------------------------- the tests


async def test_a_booking_is_confirmed_then_reminded_produced_and_completed_by_its_timers(
    ts_env: WorkflowEnvironment,
) -> None:
    booking = await _booking(ts_env, Package.EVENT_CENTER_PREMIUM)
    workflow_id = f"assist-{booking.reservation_no}"
    session = booking.availability.session
    async with fake_worker(ts_env, [AssistBookingWorkflow], ACTIVITIES) as run:
        handle = await run.start(AssistBookingWorkflow.run, booking, id=workflow_id)

        check = await handle.execute_update(AssistBookingWorkflow.availability, booking.availability)
        assert check == SlotCheck(available=True)
        [asked] = CALLS.of(workflow_id, "check_producers")
        # Event Center Premium: its 6.5 production hours end with the 1-hour event (from 5.5 hours before its start)
        assert (asked.session, asked.lead_minutes) == (session, 330)
        looked = await handle.execute_update(AssistBookingWorkflow.lookup, MeetingLookup(scheduled="not_yet"))
        assert (looked.step, looked.session_key) == ("event_info", None)  # Event Center Premium: need not be scheduled
        info = await handle.execute_update(
            AssistBookingWorkflow.event_info, EventInfo(topic="Launch webinar", expected_attendees=300)
        )
        assert (info.step, info.status) == ("submit", AssistStatus.DRAFT)

        answer = await handle.execute_update(AssistBookingWorkflow.submit, SubmitBooking())

        assert answer.confirmed and answer.alternatives == []
        state = answer.state
        assert (state.status, state.step, state.producer) == (AssistStatus.CONFIRMED, "done", PRODUCER)
        assert (state.standard_fee, state.currency) == (Decimal("2400.00"), "USD")
        [hold] = CALLS.of(workflow_id, "hold_producer")
        assert hold.record is not None, "the hold saves the confirmed booking's row in its own transaction"
        assert (hold.record.status, hold.record.reservation_no, hold.record.standard_fee) == (
            AssistStatus.CONFIRMED,
            booking.reservation_no,
            Decimal("2400.00"),
        )
        assert CALLS.of(workflow_id, "save_booking") == []  # no second write
        state = await until(
            handle, AssistBookingWorkflow.status, lambda s: s.mails[0].status is MailStatus.SENT, "the confirmation"
        )
        [confirmation] = mails(workflow_id)
        assert (confirmation.purpose, confirmation.template, confirmation.recipient.email) == (
            "confirmation",
            "assist_confirmation",
            CUSTOMER.email,
        )
        assert confirmation.context["topic"] == "Launch webinar"

        # Two days before the start: the customer's reminder.
        remind_at = add_local_days(session.starts_at, -2, ZONE)
        assert state.next_deadline == remind_at
        await skip_to(ts_env, remind_at - timedelta(minutes=1))
        assert (await handle.query(AssistBookingWorkflow.status)).reminder_sent_for is None
        await skip_to(ts_env, remind_at + timedelta(minutes=1))
        state = await until(
            handle, AssistBookingWorkflow.status, lambda s: s.reminder_sent_for == session.starts_at, "the reminder"
        )
        assert [(m.purpose, m.to) for m in state.mails] == [
            ("confirmation", CUSTOMER.email),
            ("reminder", CUSTOMER.email),
        ]

        # Thirty minutes before the start: the producer is called in and the session is live.
        call_at = session.starts_at - timedelta(minutes=30)
        assert state.next_deadline == call_at
        await skip_to(ts_env, call_at - timedelta(minutes=1))
        assert (await handle.query(AssistBookingWorkflow.status)).status is AssistStatus.CONFIRMED
        await skip_to(ts_env, call_at + timedelta(minutes=1))
        state = await until(handle, AssistBookingWorkflow.status, lambda s: s.status is AssistStatus.LIVE, "live")
        assert state.producer_called_for == session.starts_at
        assert ("producer_start", PRODUCER.email) in [(m.purpose, m.to) for m in state.mails]
        assert [r.status for r in CALLS.of(workflow_id, "save_booking")] == [AssistStatus.LIVE]
        assert state.next_deadline == session.ends_at

        # After the end: Event Center's report and recording, then completed.
        final = await handle.result()

    assert final.status is AssistStatus.COMPLETED
    assert final.completed_at is not None and final.completed_at >= session.ends_at
    assert final.report == EventReport(registrations=250, attendees=180, recording_url=RECORDING)
    assert CALLS.of(workflow_id, "post_event") == [
        PostEventRequest(
            reservation_no=booking.reservation_no, site=SITE, session_key=None, topic="Launch webinar", recording=True
        )
    ]
    assert [(m.purpose, m.to, m.status) for m in final.mails] == [
        ("confirmation", CUSTOMER.email, MailStatus.SENT),
        ("reminder", CUSTOMER.email, MailStatus.SENT),
        ("producer_start", PRODUCER.email, MailStatus.SENT),
        ("report", CUSTOMER.email, MailStatus.SENT),
    ]
    [report] = [m for m in mails(workflow_id) if m.purpose == "report"]
    assert (report.context["registrations"], report.context["attendees"]) == (250, 180)
    assert [r.status for r in CALLS.of(workflow_id, "save_booking")] == [AssistStatus.LIVE, AssistStatus.COMPLETED]


async def test_meeting_center_needs_a_scheduled_session_found_by_host_which_fills_the_event_info(
    ts_env: WorkflowEnvironment,
) -> None:
    booking = await _booking(ts_env, Package.MEETING_CENTER_PREMIUM)
    workflow_id = f"assist-{booking.reservation_no}"
    async with fake_worker(ts_env, [AssistBookingWorkflow], ACTIVITIES) as run:
        handle = await run.start(AssistBookingWorkflow.run, booking, id=workflow_id)
        await handle.execute_update(AssistBookingWorkflow.availability, booking.availability)

        with pytest.raises(WorkflowUpdateFailedError) as caught:
            await handle.execute_update(AssistBookingWorkflow.lookup, MeetingLookup(scheduled="not_yet"))
        assert_refused(
            caught,
            "InvalidStep",
            "Schedule the session on your Webex site first: Meeting Center Premium needs a scheduled session "
            "(only Event Center Premium can be ordered before it is scheduled).",
            field="scheduled",
        )

        with pytest.raises(WorkflowUpdateFailedError) as caught:
            await handle.execute_update(
                AssistBookingWorkflow.lookup,
                MeetingLookup(scheduled="by_me", host_id="nobody", host_email="nobody@yitong.example"),
            )
        assert_refused(caught, "InvalidStep", f"{SITE} has no session of host nobody at that time.", field="host_id")
        assert (await handle.query(AssistBookingWorkflow.status)).step == "lookup"  # still at the lookup

        state = await handle.execute_update(
            AssistBookingWorkflow.lookup,
            MeetingLookup(scheduled="by_me", host_id="host-1", host_email="host@yitong.example"),
        )

        assert (state.step, state.session_key) == ("event_info", "sk-1")
        assert state.event_info == EventInfo(topic="Quarterly all-hands", host_name="host-1")
        assert CALLS.of(workflow_id, "find_scheduled_session")[-1] == SessionLookup(
            site=SITE, host_id="host-1", host_email="host@yitong.example", session=booking.availability.session
        )


async def test_cancelling_three_weeks_ahead_is_free_and_releases_the_producer(ts_env: WorkflowEnvironment) -> None:
    booking = await _booking(ts_env, Package.EVENT_CENTER_PREMIUM)
    workflow_id = f"assist-{booking.reservation_no}"
    async with fake_worker(ts_env, [AssistBookingWorkflow], ACTIVITIES) as run:
        handle = await _confirmed(run, booking)

        with pytest.raises(WorkflowUpdateFailedError) as caught:  # the number with someone else's e-mail
            await handle.execute_update(AssistBookingWorkflow.cancel, CancelBooking(contact_email="eve@evil.example"))
        assert_refused(
            caught,
            "NotFound",
            f"No assist booking matches reservation number {booking.reservation_no} and that e-mail address. "
            "Check both against your confirmation e-mail.",
            field="reservation_no",
        )

        cancelled = await handle.execute_update(
            AssistBookingWorkflow.cancel, CancelBooking(contact_email="MEI@yitong.example")
        )
        assert (cancelled.status, cancelled.cancellation_fee) == (AssistStatus.CANCELLED, Decimal("0.00"))
        final = await handle.result()  # cancelling stops every timer and ends the workflow

    assert final.status is AssistStatus.CANCELLED
    assert CALLS.of(workflow_id, "release_producer") == [booking.reservation_no]
    assert [(r.status, r.cancellation_fee) for r in CALLS.of(workflow_id, "save_booking")] == [
        (AssistStatus.CANCELLED, Decimal("0.00"))
    ]
    assert [(m.purpose, m.to) for m in final.mails] == [
        ("confirmation", CUSTOMER.email),
        ("cancelled", CUSTOMER.email),
    ]
    [mail] = [m for m in mails(workflow_id) if m.purpose == "cancelled"]
    assert mail.context["cancellation_fee"] == "0.00"


async def test_cancelling_three_days_before_the_start_costs_half_the_standard_fee(
    ts_env: WorkflowEnvironment,
) -> None:
    booking = await _booking(ts_env, Package.EVENT_CENTER_PREMIUM)
    workflow_id = f"assist-{booking.reservation_no}"
    starts_at = booking.availability.session.starts_at
    async with fake_worker(ts_env, [AssistBookingWorkflow], ACTIVITIES) as run:
        handle = await _confirmed(run, booking)
        await skip_to(ts_env, starts_at - timedelta(days=3))  # inside the 7 days, before the reminder

        cancelled = await handle.execute_update(
            AssistBookingWorkflow.cancel, CancelBooking(contact_email=CUSTOMER.email)
        )

        assert cancelled.cancellation_fee == Decimal("1200.00")  # 50 % of Event Center Premium's 2,400.00
        final = await handle.result()

    assert (final.status, final.cancellation_fee) == (AssistStatus.CANCELLED, Decimal("1200.00"))
    assert final.reminder_sent_for is None and final.producer_called_for is None
    assert CALLS.of(workflow_id, "release_producer") == [booking.reservation_no]
    assert [m.purpose for m in final.mails] == ["confirmation", "cancelled"]
    [mail] = [m for m in mails(workflow_id) if m.purpose == "cancelled"]
    assert mail.context["cancellation_fee"] == "1,200.00"
