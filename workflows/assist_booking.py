"""AssistBookingWorkflow: a Webex Assist producer for a meeting, training session or event (seed 004).

The process:
1. Availability (an Update, also the first step after the start): customer, company, site, package (one the
   site's contract includes), start, zone and duration, at least 14 days ahead; the producer calendar says whether
   a producer is free, and when none is, offers the three nearest free starts.
2. Meeting lookup (an Update): unless Event Center Premium, the session must be scheduled on the Webex site;
   "scheduled by me" fetches it by host id and e-mail and fills the event info.
3. Event info (an Update): topic and the rest, comments, a language other than English.
4. Submit (an Update): a producer is held (no double booking), the booking is confirmed with its reservation
   number and standard fee, and the customer gets the confirmation e-mail; the site's scheduling coordinator gets
   the order's comments or language request (workflows/assist_site_terms.py).
5. The planning call and rehearsals (Updates): the customer picks a time for each from the producer's free times
   before the event (workflows/assist_preparation.py).
Then, with nobody watching: a reminder to the customer 2 days before, the producer called in 30 minutes before the
start, and after the end the post-event step (Event Center: the registration and attendance report, the recording
posted), then `completed`. Reschedule (date and time only) moves every timer; cancel stops them and releases the
producer, with the policy's fee. An order that stops before the submit is abandoned after a while.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate

from workflows import activity_calls, patches
from workflows.assist_ordering import AssistOrdering
from workflows.assist_preparation import AssistPreparationSteps
from workflows.assist_steps import AssistSteps
from workflows.outbox import Outbox
from workflows.visibility import Visibility, console_queues

with workflow.unsafe.imports_passed_through():
    from models import search_attributes as sa
    from models.assist import FINAL_STATUSES, KIND, AssistBookingInput, AssistBookingState, AssistStatus, EventReport
    from models.assist_activities import (
        BookingRecord,
        PostEventRequest,
    )
    from models.assist_packages import PACKAGES
    from models.assist_time import SessionTime
    from models.common import Recipient, add_local_days

REMINDER, PRODUCER_START, REPORT = "reminder", "producer_start", "report"


@workflow.defn
class AssistBookingWorkflow(AssistOrdering, AssistSteps, AssistPreparationSteps):
    @workflow.init
    def __init__(self, request: AssistBookingInput) -> None:
        self._baseline = patches.begin()  # first: every patch the baseline covers, without a marker each
        self._input = request
        self._state = AssistBookingState(
            reservation_no=request.reservation_no,
            status=AssistStatus.DRAFT,
            step="availability",
            availability=request.availability,
            policy=request.policy,
            standard_fee=PACKAGES[request.availability.package].standard_fee,
            language=request.language,
            created_at=workflow.now(),
        )
        self._price()
        self._lock = asyncio.Lock()  # one step at a time: a double click waits for the first to finish
        self._changes = 0
        self._touched = workflow.now()
        self._outbox = Outbox(self._state.mails)
        self._visibility = Visibility(KIND)

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
            report = PostEventRequest(
                reservation_no=state.reservation_no,
                site=state.availability.site,
                session_key=state.session_key,
                topic=state.event_info.topic if state.event_info else "",
                recording=package.recording_posted,
            )
            state.report = await activity_calls.run("post_event", report, EventReport)
            if package.post_event_report:
                self._queue_mail(REPORT, self._customer(), "assist_report")
        state.status = AssistStatus.COMPLETED
        state.completed_at = workflow.now()
        await self._save()
        self._changed()

    async def _finish(self) -> None:
        await self._outbox.all_delivered()
        await workflow.wait_condition(workflow.all_handlers_finished)
        self._set_deadline(None)

    # ------------------------------------------------------------------ reads

    @workflow.query
    def status(self) -> AssistBookingState:
        return self._state

    # ------------------------------------------------------------------ activities

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
            add_ons=list(state.availability.add_ons),
            total_fee=state.total_fee,
            charges=list(state.charges),
        )

    async def _save(self) -> None:
        await activity_calls.run("save_booking", self._record(), local=patches.at_baseline())

    # ------------------------------------------------------------------ e-mail

    def _customer(self) -> Recipient:
        return Recipient(email=self._state.availability.customer.email, language=self._input.language)

    def _queue_mail(self, purpose: str, recipient: Recipient, template: str, **about: Any) -> None:
        """Queue the mail with the booking's context, and ``about`` what this one is about (a preparation)."""
        self._outbox.queue(purpose, recipient, template, {**self._mail_context(), **about})

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
            "price_lines": [
                {
                    "add_on": line.add_on and line.add_on.value,
                    "quantity": line.quantity,
                    "amount": f"{line.amount:,.2f}",
                }
                for line in state.price_lines
            ],
            "total_fee": f"{state.total_fee:,.2f}" if state.total_fee is not None else None,
            "currency": state.currency,
            "free_cancellation_until": f"{free_until:%Y-%m-%d %H:%M} ({state.session.time_zone})",
            "cancellation_fee_percent": state.policy.cancellation_fee_percent,
            "cancellation_fee": None if state.cancellation_fee is None else f"{state.cancellation_fee:,.2f}",
            "producer_name": state.producer.name if state.producer else None,
            "producer_email": str(state.producer.email) if state.producer else None,
            "producer_lead_minutes": state.policy.producer_lead_minutes,
            # the site's scheduling coordinator (workflows/assist_site_terms.py), and what their mail is about
            "coordinator_name": state.coordinator.name if state.coordinator else None,
            "coordinator_email": str(state.coordinator.email) if state.coordinator else None,
            "coordinator_phone": state.coordinator.phone if state.coordinator else None,
            "phone": customer.phone,
            "comments": state.event_info.comments if state.event_info else None,
            "registrations": report.registrations if report else None,
            "attendees": report.attendees if report else None,
            "recording_url": report.recording_url if report else None,
            # the calendar entry (activities/calendar_entries.py): the session, its SEQUENCE (the moves so far), DTSTAMP
            "calendar_session": state.session.model_dump(mode="json"),
            "calendar_sequence": len(state.moves),
            "calendar_stamp": workflow.now().isoformat(),
            "preparations": [
                {
                    "kind": preparation.kind.value,
                    "session": preparation.session.label() if preparation.session else None,
                    "released": preparation.released.label() if preparation.released else None,
                }
                for preparation in state.preparations
            ],
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
        more: list[SearchAttributeUpdate[Any]] = []
        if console_queues():  # the console's queues: sessions soon, and bookings still without a producer
            waiting = state.producer is None and state.status in (AssistStatus.DRAFT, AssistStatus.CONFIRMED)
            more = [sa.SESSION_START.value_set(state.session.starts_at), sa.NO_PRODUCER.value_set(waiting)]
        self._visibility.publish(
            status=state.status.value, business_id=state.reservation_no, next_deadline=state.next_deadline, more=more
        )


__all__ = ["AssistBookingWorkflow"]
