"""AssistBookingWorkflow: a Webex Assist producer for a meeting, training session or event (seed 004).

The process:
1. Availability (an Update, also the first step after the start): customer, company, site, package, start, zone
   and duration, at least 14 days ahead; the producer calendar says whether a producer is free, and when none is,
   offers the three nearest free starts.
2. Meeting lookup (an Update): unless Event Center Premium, the session must be scheduled on the Webex site;
   "scheduled by me" fetches it by host id and e-mail and fills the event info.
3. Event info (an Update): topic and the rest, comments, a language other than English.
4. Submit (an Update): a producer is held (no double booking), the booking is confirmed with its reservation
   number and standard fee, and the customer gets the confirmation e-mail.
Then, with nobody watching: a reminder to the customer 2 days before, the producer called in 30 minutes before the
start, and after the end the post-event step (Event Center: the registration and attendance report, the recording
posted), then `completed`. Reschedule (date and time only) moves every timer; cancel stops them and releases the
producer, with the policy's fee. An order that stops before the submit is abandoned after a while.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date, datetime, time, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeUpdate
from temporalio.exceptions import ActivityError, ApplicationError

from workflows.mail import send_mail

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from models import search_attributes as sa
    from models.assist import (
        FINAL_STATUSES,
        KIND,
        AssistBookingInput,
        AssistBookingState,
        AssistStatus,
        Availability,
        BookingAnswer,
        BookingRecord,
        CancelBooking,
        ContactProof,
        EventInfo,
        EventReport,
        HoldRequest,
        HoldResult,
        LookupResult,
        MeetingLookup,
        Move,
        MoveSiteSession,
        PostEventRequest,
        Reschedule,
        SessionLookup,
        SessionTime,
        SlotCheck,
        SubmitBooking,
        cancellation_fee,
        lead_time_refusal,
        lookup_refusal,
        move_refusal,
        no_producer_message,
        not_found_message,
    )
    from models.assist_packages import PACKAGES
    from models.common import Recipient, add_local_days
    from models.mail import MailRequest
    from models.partner_order import MailRecord, MailStatus

CONFIRMATION, RESCHEDULED, CANCELLED = "confirmation", "rescheduled", "cancelled"
REMINDER, PRODUCER_START, REPORT = "reminder", "producer_start", "report"

HOLD_SAVES_BOOKING = "hold-saves-booking"
"""Patch: the producer hold saves the booking's row in its own transaction (submit and reschedule: one activity
instead of two). Histories from before it replay the separate save_booking activity."""

DB_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
DB_TIMEOUT = timedelta(seconds=30)


def refuse(message: str, field: str | None = None, kind: str = "WrongState") -> ApplicationError:
    """A refusal the API maps to 4xx with the field named; never retried."""
    return ApplicationError(message, *([field] if field else []), type=kind, non_retryable=True)


@workflow.defn
class AssistBookingWorkflow:
    @workflow.init
    def __init__(self, request: AssistBookingInput) -> None:
        self._input = request
        self._state = AssistBookingState(
            reservation_no=request.reservation_no,
            status=AssistStatus.DRAFT,
            step="availability",
            availability=request.availability,
            policy=request.policy,
            standard_fee=PACKAGES[request.availability.package].standard_fee,
            created_at=workflow.now(),
        )
        self._lock = asyncio.Lock()  # one step at a time: a double click waits for the first to finish
        self._changes = 0
        self._touched = workflow.now()
        self._mail_tasks: list[asyncio.Task[None]] = []
        self._published: list[Any] | None = None

    # ------------------------------------------------------------------ the process

    @workflow.run
    async def run(self, request: AssistBookingInput) -> AssistBookingState:
        await self._ordering()
        while self._state.status not in FINAL_STATUSES:
            await self._next_timer()
        await self._finish()
        return self._state

    async def _ordering(self) -> None:
        """Steps 1-4 come as Updates; an order left idle before the submit is abandoned (nothing was reserved)."""
        while self._state.status is AssistStatus.DRAFT:
            idle_until = self._touched + timedelta(minutes=self._state.policy.draft_idle_minutes)
            self._set_deadline(idle_until)
            seen = self._changes
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: self._changes != seen,  # noqa: B023 (awaited within this iteration)
                    timeout=max(idle_until - workflow.now(), timedelta(seconds=1)),
                )
            if self._changes == seen and not self._lock.locked() and self._state.status is AssistStatus.DRAFT:
                self._state.status = AssistStatus.ABANDONED
                self._changed()

    async def _next_timer(self) -> None:
        """Sleep until the next timer (reminder, producer, end) or a change (reschedule, cancel) moves it."""
        due_at, fire = self._next_due()
        self._set_deadline(due_at)
        seen = self._changes
        wait = due_at - workflow.now()
        if wait > timedelta(0):
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: self._changes != seen, timeout=wait)
        if self._changes != seen:
            return
        async with self._lock:
            if self._changes == seen:
                await fire()

    def _next_due(self) -> tuple[datetime, Any]:
        state, session = self._state, self._state.session
        starts_at = session.starts_at
        if state.reminder_sent_for != starts_at and state.status is AssistStatus.CONFIRMED:
            remind_at = add_local_days(starts_at, -state.policy.reminder_days_before, session.time_zone)
            if workflow.now() < self._producer_call_at():
                return remind_at, self._remind
        if state.producer_called_for != starts_at:
            return self._producer_call_at(), self._call_producer
        return session.ends_at, self._after_the_session

    def _producer_call_at(self) -> datetime:
        return self._state.session.starts_at - timedelta(minutes=self._state.policy.producer_lead_minutes)

    async def _remind(self) -> None:
        self._state.reminder_sent_for = self._state.session.starts_at
        self._queue_mail(REMINDER, self._customer(), "assist_reminder")
        self._changed()

    async def _call_producer(self) -> None:
        state = self._state
        state.producer_called_for = state.session.starts_at
        state.status = AssistStatus.LIVE
        if state.producer is not None:
            self._queue_mail(PRODUCER_START, Recipient(email=state.producer.email), "assist_producer_start")
        await self._save()
        self._changed()

    async def _after_the_session(self) -> None:
        """The post-event step: Event Center's report and recording; then the booking is complete."""
        state = self._state
        package = PACKAGES[state.availability.package]
        if package.post_event_report or package.recording_posted:
            state.report = await workflow.execute_activity(
                "post_event",
                PostEventRequest(
                    reservation_no=state.reservation_no,
                    site=state.availability.site,
                    session_key=state.session_key,
                    topic=state.event_info.topic if state.event_info else "",
                    recording=package.recording_posted,
                ),
                result_type=EventReport,
                start_to_close_timeout=DB_TIMEOUT,
                retry_policy=DB_RETRY,
            )
            if package.post_event_report:
                self._queue_mail(REPORT, self._customer(), "assist_report")
        state.status = AssistStatus.COMPLETED
        state.completed_at = workflow.now()
        await self._save()
        self._changed()

    async def _finish(self) -> None:
        await workflow.wait_condition(lambda: all(task.done() for task in self._mail_tasks))
        await workflow.wait_condition(workflow.all_handlers_finished)
        self._set_deadline(None)

    # ------------------------------------------------------------------ reads

    @workflow.query
    def status(self) -> AssistBookingState:
        return self._state

    # ------------------------------------------------------------------ ordering, step 1: availability

    @workflow.update
    async def availability(self, request: Availability) -> SlotCheck:
        async with self._lock:
            self._require_draft()
            check: SlotCheck = await workflow.execute_activity(
                "check_producers",
                self._hold_request(request.session),
                result_type=SlotCheck,
                start_to_close_timeout=DB_TIMEOUT,
                retry_policy=DB_RETRY,
            )
            state = self._state
            state.availability = request
            state.standard_fee = PACKAGES[request.package].standard_fee
            state.lookup, state.session_key, state.event_info = None, None, None
            state.step = "lookup" if check.available else "availability"
            self._touch()
            return check

    @availability.validator
    def _validate_availability(self, request: Availability) -> None:
        self._require_draft()
        self._require_lead_time(request.session)

    # ------------------------------------------------------------------ step 2: meeting lookup

    @workflow.update
    async def lookup(self, request: MeetingLookup) -> AssistBookingState:
        async with self._lock:
            self._require_step("lookup", "event_info", "submit")
            state = self._state
            found = None
            if request.scheduled == "by_me":
                result = await workflow.execute_activity(
                    "find_scheduled_session",
                    SessionLookup(
                        site=state.availability.site,
                        host_id=request.host_id or "",
                        host_email=str(request.host_email or ""),
                        session=state.session,
                    ),
                    result_type=LookupResult,
                    start_to_close_timeout=DB_TIMEOUT,
                    retry_policy=DB_RETRY,
                )
                if result.found is None:
                    raise refuse(result.message or "The session was not found on the site.", "host_id", "InvalidStep")
                found = result.found
            state.lookup = request
            state.session_key = found.session_key if found else None
            if found is not None:
                state.event_info = EventInfo(topic=found.topic, host_name=found.host_id)
            state.step = "event_info"
            self._touch()
            return state

    @lookup.validator
    def _validate_lookup(self, request: MeetingLookup) -> None:
        self._require_step("lookup", "event_info", "submit")
        refusal = lookup_refusal(self._state.availability.package, request)
        if refusal is not None:
            field, message = refusal
            raise refuse(message, field, "InvalidStep")

    # ------------------------------------------------------------------ step 3: event info

    @workflow.update
    async def event_info(self, request: EventInfo) -> AssistBookingState:
        async with self._lock:
            self._require_step("event_info", "submit")
            self._state.event_info = request
            self._state.step = "submit"
            self._touch()
            return self._state

    @event_info.validator
    def _validate_event_info(self, request: EventInfo) -> None:
        self._require_step("event_info", "submit")

    # ------------------------------------------------------------------ step 4: submit → confirmation

    @workflow.update
    async def submit(self, request: SubmitBooking) -> BookingAnswer:
        async with self._lock:
            self._require_step("submit")
            state = self._state
            saves = workflow.patched(HOLD_SAVES_BOOKING)
            held = await self._hold(state.session, self._record(AssistStatus.CONFIRMED) if saves else None)
            if held.producer is None:
                state.step = "availability"
                self._touch()
                return BookingAnswer(
                    confirmed=False,
                    alternatives=held.alternatives,
                    message=no_producer_message(state.session),
                    state=state,
                )
            state.producer = held.producer
            state.status = AssistStatus.CONFIRMED
            state.step = "done"
            state.confirmed_at = workflow.now()
            if not saves:
                await self._save()
            self._queue_mail(CONFIRMATION, self._customer(), "assist_confirmation")
            self._changed()
            return BookingAnswer(confirmed=True, state=state)

    @submit.validator
    def _validate_submit(self, request: SubmitBooking) -> None:
        self._require_step("submit")
        self._require_lead_time(self._state.session)

    # ------------------------------------------------------------------ update: date and time only

    @workflow.update
    async def reschedule(self, request: Reschedule) -> BookingAnswer:
        async with self._lock:
            self._require_contact(request)
            self._require_confirmed("move")
            state = self._state
            old = state.session
            new = self._moved(old, request.date, request.time)
            saves = workflow.patched(HOLD_SAVES_BOOKING)
            held = await self._hold(new, self._record(state.status, new) if saves else None)
            if held.producer is None:
                return BookingAnswer(
                    confirmed=False, alternatives=held.alternatives, message=no_producer_message(new), state=state
                )
            state.producer = held.producer
            state.availability = state.availability.model_copy(update={"session": new})
            state.moves.append(Move(at=workflow.now(), old=old, new=new, site_schedule=request.site_schedule))
            if request.site_schedule == "update_for_me" and state.session_key is not None:
                await workflow.execute_activity(
                    "move_site_session",
                    MoveSiteSession(session_key=state.session_key, session=new),
                    result_type=bool,
                    start_to_close_timeout=DB_TIMEOUT,
                    retry_policy=DB_RETRY,
                )
            if not saves:
                await self._save()
            self._queue_mail(RESCHEDULED, self._customer(), "assist_rescheduled")
            self._changed()
            return BookingAnswer(confirmed=True, state=state)

    @reschedule.validator
    def _validate_reschedule(self, request: Reschedule) -> None:
        self._require_contact(request)
        self._require_confirmed("move")
        new = self._moved(self._state.session, request.date, request.time)
        refusal = move_refusal(self._state.session, new, workflow.now(), self._state.policy.lead_days)
        if refusal is not None:
            field, message = refusal
            raise refuse(message, field, "InvalidStep")

    # ------------------------------------------------------------------ cancel, at any time

    @workflow.update
    async def cancel(self, request: CancelBooking) -> AssistBookingState:
        async with self._lock:
            self._require_contact(request)
            self._require_cancellable()
            state = self._state
            now = workflow.now()
            was_draft = state.status is AssistStatus.DRAFT
            state.cancellation_fee = (
                None if was_draft else cancellation_fee(state.policy, state.standard_fee, state.session.starts_at, now)
            )
            if not was_draft:
                await workflow.execute_activity(
                    "release_producer",
                    state.reservation_no,
                    result_type=bool,
                    start_to_close_timeout=DB_TIMEOUT,
                    retry_policy=DB_RETRY,
                )
            state.status = AssistStatus.CANCELLED
            state.cancelled_at = now
            if not was_draft:
                await self._save()
                self._queue_mail(CANCELLED, self._customer(), "assist_cancelled")
            self._changed()
            return state

    @cancel.validator
    def _validate_cancel(self, request: CancelBooking) -> None:
        self._require_contact(request)
        self._require_cancellable()

    # ------------------------------------------------------------------ rules

    def _require_draft(self) -> None:
        if self._state.status is not AssistStatus.DRAFT:
            raise refuse(
                f"This order is {self._state.status.value}; its ordering steps are closed. "
                f"Use reservation number {self._state.reservation_no} to update or cancel it."
            )

    def _require_step(self, *steps: str) -> None:
        self._require_draft()
        if self._state.step not in steps:
            names = {"availability": "availability", "lookup": "meeting lookup", "event_info": "event info"}
            raise refuse(f"Finish the {names.get(self._state.step, self._state.step)} step first.", "step")

    def _require_lead_time(self, session: SessionTime, field: str = "session") -> None:
        refusal = lead_time_refusal(session, workflow.now(), self._state.policy.lead_days)
        if refusal is not None:
            raise refuse(refusal, field, "InvalidStep")

    def _require_contact(self, proof: ContactProof) -> None:
        """A wrong e-mail reads exactly like an unknown reservation number: nothing leaks about the booking."""
        if str(proof.contact_email).lower() != str(self._state.availability.customer.email).lower():
            raise refuse(not_found_message(self._state.reservation_no), "reservation_no", "NotFound")

    def _require_confirmed(self, action: str) -> None:
        status = self._state.status
        if status is AssistStatus.CONFIRMED:
            return
        self._refuse_final()
        reasons = {
            AssistStatus.DRAFT: "it has not been submitted yet",
            AssistStatus.LIVE: "the producer has started the session",
        }
        raise refuse(f"The booking cannot {action}: {reasons[status]}.")

    def _require_cancellable(self) -> None:
        self._refuse_final()

    def _refuse_final(self) -> None:
        """The same words as for a booking whose workflow has ended (starter.services.assist): one answer, whatever the timing."""
        if self._state.status in FINAL_STATUSES:
            raise refuse(f"The booking is {self._state.status.value}: it can no longer be changed.")

    @staticmethod
    def _moved(session: SessionTime, day: date, at: time) -> SessionTime:
        try:
            return session.moved_to(day, at)
        except ValidationError as err:
            message = err.errors()[0]["msg"].removeprefix("Value error, ")
            raise refuse(message[0].upper() + message[1:] + ".", "time", "InvalidStep") from None

    # ------------------------------------------------------------------ activities

    def _hold_request(self, session: SessionTime, record: BookingRecord | None = None) -> HoldRequest:
        return HoldRequest(
            reservation_no=self._state.reservation_no,
            session=session,
            lead_minutes=self._state.policy.producer_lead_minutes,
            not_before=workflow.now() + timedelta(days=self._state.policy.lead_days),
            record=record,
        )

    async def _hold(self, session: SessionTime, record: BookingRecord | None = None) -> HoldResult:
        """Hold a producer; with ``record``, the booking's row is saved in the same transaction (one activity)."""
        result: HoldResult = await workflow.execute_activity(
            "hold_producer",
            self._hold_request(session, record),
            result_type=HoldResult,
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=DB_RETRY,
        )
        return result

    def _record(self, status: AssistStatus | None = None, session: SessionTime | None = None) -> BookingRecord:
        """The booking's row: the state as it is, or as it will be once a hold succeeds."""
        state = self._state
        return BookingRecord(
            reservation_no=state.reservation_no,
            status=status or state.status,
            site=state.availability.site,
            package=state.availability.package,
            session=session or state.session,
            contact_email=str(state.availability.customer.email).lower(),
            company=state.availability.customer.company,
            producer_id=state.producer.producer_id if state.producer else None,
            standard_fee=state.standard_fee,
            cancellation_fee=state.cancellation_fee,
        )

    async def _save(self) -> None:
        await workflow.execute_activity(
            "save_booking", self._record(), start_to_close_timeout=DB_TIMEOUT, retry_policy=DB_RETRY
        )

    # ------------------------------------------------------------------ e-mail

    def _customer(self) -> Recipient:
        return Recipient(email=self._state.availability.customer.email, language=self._input.language)

    def _queue_mail(self, purpose: str, recipient: Recipient, template: str) -> None:
        """Hand a mail to a background task: an SMTP outage delays the mail, never the steps or the timers."""
        state = self._state
        sequence = 1 + sum(1 for mail in state.mails if mail.purpose == purpose)
        record = MailRecord(purpose=purpose, sequence=sequence, to=recipient.email, queued_at=workflow.now())
        state.mails.append(record)
        request = MailRequest(
            workflow_id=workflow.info().workflow_id,
            purpose=purpose,
            sequence=sequence,
            recipient=recipient,
            template=template,
            context=self._mail_context(),
        )
        self._mail_tasks.append(asyncio.create_task(self._deliver(request, record)))

    async def _deliver(self, request: MailRequest, record: MailRecord) -> None:
        try:
            receipt = await send_mail(request)
        except ActivityError as err:
            record.status, record.error = MailStatus.FAILED, str(err.cause or err)
            return
        record.status, record.sent_at = MailStatus.SENT, receipt.sent_at

    def _mail_context(self) -> dict[str, Any]:
        state = self._state
        package = PACKAGES[state.availability.package]
        customer = state.availability.customer
        free_until = state.session.starts_at - timedelta(days=state.policy.free_cancellation_days)
        report = state.report
        return {
            "reservation_no": state.reservation_no,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "company": customer.company,
            "contact_email": str(customer.email),
            "site": state.availability.site,
            "package": package.name,
            "topic": state.event_info.topic if state.event_info else "",
            "language": state.event_info.language if state.event_info else None,
            "session": state.session.label(),
            "old_session": state.moves[-1].old.label() if state.moves else None,
            "standard_fee": f"{state.standard_fee:,.2f}",
            "currency": state.currency,
            "free_cancellation_until": f"{free_until:%Y-%m-%d %H:%M} ({state.session.time_zone})",
            "cancellation_fee_percent": state.policy.cancellation_fee_percent,
            "cancellation_fee": None if state.cancellation_fee is None else f"{state.cancellation_fee:,.2f}",
            "producer_name": state.producer.name if state.producer else None,
            "producer_email": str(state.producer.email) if state.producer else None,
            "producer_lead_minutes": state.policy.producer_lead_minutes,
            "registrations": report.registrations if report else None,
            "attendees": report.attendees if report else None,
            "recording_url": report.recording_url if report else None,
        }

    # ------------------------------------------------------------------ state, search attributes

    def _touch(self) -> None:
        self._touched = workflow.now()
        self._changed()

    def _changed(self) -> None:
        self._changes += 1
        self._publish()

    def _set_deadline(self, deadline: datetime | None) -> None:
        self._state.next_deadline = deadline
        self._publish()

    def _publish(self) -> None:
        """Kind, status, the reservation number, the next deadline: no personal data (not encrypted)."""
        state = self._state
        updates: list[SearchAttributeUpdate[Any]] = [
            sa.KIND.value_set(KIND),
            sa.STATUS.value_set(state.status.value),
            sa.BUSINESS_ID.value_set(state.reservation_no),
            sa.ESCALATED.value_set(False),
            sa.NEXT_DEADLINE.value_unset()
            if state.next_deadline is None
            else sa.NEXT_DEADLINE.value_set(state.next_deadline),
        ]
        values = [(update.key.name, update.value) for update in updates]
        if values == self._published:
            return
        self._published = values
        workflow.upsert_search_attributes(updates)


__all__ = ["AssistBookingWorkflow"]
