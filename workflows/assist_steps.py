"""The customer's steps of a Webex Assist booking (seed 004), as Updates on AssistBookingWorkflow: ordering in the
seed's four steps (availability, meeting lookup, event info, submit), then the update of date and time only, and
cancelling at any time. Each step takes the booking's lock: a double click waits for the first to finish."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows import activity_calls
from workflows import assist_site_terms as site_terms

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from models.assist import AssistBookingInput, AssistBookingState, AssistStatus, BookingAnswer, Move
    from models.assist_activities import (
        BookingRecord,
        HoldRequest,
        HoldResult,
        LookupResult,
        MoveSiteSession,
        SessionLookup,
    )
    from models.assist_packages import PACKAGES, Package
    from models.assist_requests import (
        Availability,
        CancelBooking,
        ChangeAddOns,
        ContactProof,
        EventInfo,
        MeetingLookup,
        Reschedule,
        SubmitBooking,
    )
    from models.assist_rules import (
        add_on_refusal,
        add_ons_change_refusal,
        cancellation_charge,
        cancellation_fee,
        change_refusal,
        ended_refusal,
        hold_lead_minutes,
        lead_time_refusal,
        lookup_refusal,
        move_notice,
        move_refusal,
        no_producer_message,
        not_found_message,
        price_lines,
        total,
    )
    from models.assist_time import SessionTime, SlotCheck
    from models.common import Recipient
    from models.refusals import Reason, Refusal, because, reason_of, refuse, verbatim, word
    from models.words import ASSIST_BOOKING

CONFIRMATION, RESCHEDULED, CANCELLED = "confirmation", "rescheduled", "cancelled"

HOLD_SAVES_BOOKING = "hold-saves-booking"
"""Patch: the producer hold saves the booking's row in its own transaction (submit and reschedule: one activity
instead of two). Histories from before it replay the separate save_booking activity."""

PRODUCTION_HOLD = "production-hold"
"""Patch: the producer is held for the package's production time (Event Center Premium: 6.5 hours for a 1-hour
event, ending with it), not only the 30-minute lead-in and the session."""

CHARGE_LINES = "charge-lines"
"""Patch: a cancellation inside the fee window records a charge line (amount, currency, reason)."""


def wrong_state(reason: Reason, field: str | None = None) -> ApplicationError:
    """The booking is not where the step applies (HTTP 409)."""
    return refuse(Refusal.WRONG_STATE, reason, field)


STEP_NAMES = {
    "availability": word("assist ordering step", "availability"),
    "lookup": word("assist ordering step", "meeting lookup"),
    "event_info": word("assist ordering step", "event info"),
    "submit": word("assist ordering step", "submit"),
}


def _not_found_on_site(result: LookupResult) -> Reason:
    """The site's answer when it has no such session: its reason (an older activity's: its English words)."""
    if result.reason is not None:
        return result.reason
    return verbatim(result.message) if result.message else because("The session was not found on the site.")


class AssistSteps:
    """Mixed into AssistBookingWorkflow, which provides the booking's state, its timers' bookkeeping and e-mail."""

    _input: AssistBookingInput
    _state: AssistBookingState
    _lock: asyncio.Lock

    # Provided by AssistBookingWorkflow.
    def _touch(self) -> None:
        raise NotImplementedError

    def _changed(self) -> None:
        raise NotImplementedError

    async def _save(self) -> None:
        raise NotImplementedError

    def _record(self, status: AssistStatus | None = None, session: SessionTime | None = None) -> BookingRecord:
        raise NotImplementedError

    def _customer(self) -> Recipient:
        raise NotImplementedError

    def _queue_mail(self, purpose: str, recipient: Recipient, template: str) -> None:
        raise NotImplementedError

    if TYPE_CHECKING:  # provided by AssistPreparationSteps, a sibling base: a stub here would shadow it

        def _prepare(self) -> None: ...

        async def _preparations_moved(self, old_producer: str | None) -> None: ...

        async def _preparations_reconciled(self) -> None: ...

    # ------------------------------------------------------------------ ordering, step 1: availability

    @workflow.update
    async def availability(self, request: Availability) -> SlotCheck:
        async with self._lock:
            self._require_draft()
            terms = await site_terms.offered(request)  # refuses a package the site's contract does not include
            check: SlotCheck = await activity_calls.run(
                "check_producers", self._hold_request(request.session, package=request.package), SlotCheck
            )
            state = self._state
            state.availability = request
            state.coordinator = terms.coordinator if terms else None
            state.standard_fee = PACKAGES[request.package].standard_fee
            self._price()
            state.lookup, state.session_key, state.event_info = None, None, None
            state.step = "lookup" if check.available else "availability"
            self._touch()
            return check

    @availability.validator
    def _validate_availability(self, request: Availability) -> None:
        self._require_draft()
        self._require_lead_time(request.session)
        self._require_add_ons(request)

    # ------------------------------------------------------------------ step 2: meeting lookup

    @workflow.update
    async def lookup(self, request: MeetingLookup) -> AssistBookingState:
        async with self._lock:
            self._require_step("lookup", "event_info", "submit")
            state = self._state
            found = None
            if request.scheduled == "by_me":
                lookup = SessionLookup(
                    site=state.availability.site,
                    host_id=request.host_id or "",
                    host_email=str(request.host_email or ""),
                    session=state.session,
                )
                result = await activity_calls.run("find_scheduled_session", lookup, LookupResult)
                if result.found is None:
                    raise refuse(Refusal.INVALID_STEP, _not_found_on_site(result), "host_id")
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
            raise refuse(Refusal.INVALID_STEP, message, field)

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
                    message=no_producer_message(state.session).english(),
                    state=state,
                )
            state.producer = held.producer
            state.status = AssistStatus.CONFIRMED
            state.step = "done"
            state.confirmed_at = workflow.now()
            self._prepare()
            if not saves:
                await self._save()
            self._queue_mail(CONFIRMATION, self._customer(), "assist_confirmation")
            coordinator = site_terms.coordinator_to_tell(state)
            if coordinator is not None:
                self._queue_mail(site_terms.COORDINATOR, coordinator, "assist_coordinator")
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
            self._require_confirmed()
            state = self._state
            old, old_producer = state.session, state.producer.producer_id if state.producer else None
            new = self._moved(old, request.date, request.time)
            saves = workflow.patched(HOLD_SAVES_BOOKING)
            not_before = workflow.now() + move_notice(state.policy)
            held = await self._hold(new, self._record(state.status, new) if saves else None, not_before)
            if held.producer is None:
                return BookingAnswer(
                    confirmed=False,
                    alternatives=held.alternatives,
                    message=no_producer_message(new).english(),
                    state=state,
                )
            state.producer = held.producer
            state.availability = state.availability.model_copy(update={"session": new})
            state.moves.append(Move(at=workflow.now(), old=old, new=new, site_schedule=request.site_schedule))
            if request.site_schedule == "update_for_me" and state.session_key is not None:
                await activity_calls.run(
                    "move_site_session", MoveSiteSession(session_key=state.session_key, session=new), bool
                )
            await self._preparations_moved(old_producer)
            if not saves:
                await self._save()
            self._queue_mail(RESCHEDULED, self._customer(), "assist_rescheduled")
            self._changed()
            return BookingAnswer(confirmed=True, state=state)

    @reschedule.validator
    def _validate_reschedule(self, request: Reschedule) -> None:
        self._require_contact(request)
        self._require_confirmed()
        new = self._moved(self._state.session, request.date, request.time)
        refusal = move_refusal(self._state.session, new, workflow.now(), self._state.policy)
        if refusal is not None:
            field, message = refusal
            raise refuse(Refusal.INVALID_STEP, message, field)

    # ------------------------------------------------------------------ update: the add-ons, until 14 days before

    @workflow.update
    async def add_ons(self, request: ChangeAddOns) -> AssistBookingState:
        async with self._lock:
            self._require_contact(request)
            self._require_confirmed()
            self._require_add_ons_change(request)
            state = self._state
            state.availability = state.availability.model_copy(update={"add_ons": list(request.add_ons)})
            self._price()
            await self._preparations_reconciled()
            await self._save()
            self._changed()
            return state

    @add_ons.validator
    def _validate_add_ons(self, request: ChangeAddOns) -> None:
        self._require_contact(request)
        self._require_confirmed()
        self._require_add_ons_change(request)

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
                await activity_calls.run("release_producer", state.reservation_no, bool)
            if state.cancellation_fee and workflow.patched(CHARGE_LINES):
                charge = cancellation_charge(
                    state.policy, state.standard_fee, state.currency, state.cancellation_fee, now
                )
                if charge is not None:
                    state.charges.append(charge)
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
            raise wrong_state(
                because(
                    "This order is %(status)s; its ordering steps are closed. "
                    "Use reservation number %(reservation_no)s to update or cancel it.",
                    status=ASSIST_BOOKING[self._state.status],
                    reservation_no=self._state.reservation_no,
                )
            )

    def _require_step(self, *steps: str) -> None:
        self._require_draft()
        if self._state.step not in steps:
            step = STEP_NAMES.get(self._state.step) or self._state.step
            raise wrong_state(because("Finish the %(step)s step first.", step=step), "step")

    def _require_lead_time(self, session: SessionTime, field: str = "session") -> None:
        refusal = lead_time_refusal(session, workflow.now(), self._state.policy.lead_days)
        if refusal is not None:
            raise refuse(Refusal.INVALID_STEP, refusal, field)

    def _require_add_ons(self, availability: Availability) -> None:
        refusal = add_on_refusal(availability.package, availability.add_ons)
        if refusal is not None:
            raise refuse(Refusal.INVALID_STEP, refusal, "add_ons")

    def _require_add_ons_change(self, request: ChangeAddOns) -> None:
        state = self._state
        refusal = add_ons_change_refusal(state.session, workflow.now(), state.policy.lead_days) or add_on_refusal(
            state.availability.package, request.add_ons
        )
        if refusal is not None:
            raise refuse(Refusal.INVALID_STEP, refusal, "add_ons")

    def _price(self) -> None:
        """The price lines and their total, from the package, the session's duration and the add-ons."""
        state = self._state
        lines = price_lines(state.availability.package, state.session, state.availability.add_ons)
        state.price_lines, state.total_fee = lines, total(lines)

    def _require_contact(self, proof: ContactProof) -> None:
        """A wrong e-mail reads exactly like an unknown reservation number: nothing leaks about the booking."""
        if str(proof.contact_email).lower() != str(self._state.availability.customer.email).lower():
            raise refuse(Refusal.NOT_FOUND, not_found_message(self._state.reservation_no), "reservation_no")

    def _require_confirmed(self) -> None:
        refusal = change_refusal(self._state.status)
        if refusal is not None:
            raise wrong_state(refusal)

    def _require_cancellable(self) -> None:
        refusal = ended_refusal(self._state.status)
        if refusal is not None:
            raise wrong_state(refusal)

    @staticmethod
    def _moved(session: SessionTime, day: date, at: time) -> SessionTime:
        try:
            return session.moved_to(day, at)
        except ValidationError as err:
            raise refuse(Refusal.INVALID_STEP, reason_of(err), "time") from None

    # ------------------------------------------------------------------ the producer calendar

    def _hold_request(
        self,
        session: SessionTime,
        record: BookingRecord | None = None,
        not_before: datetime | None = None,
        package: Package | None = None,
    ) -> HoldRequest:
        """The producer's time for ``session`` of ``package`` (default: the booking's); alternatives start no
        earlier than ``not_before`` (default: the ordering lead time from now; a move: its notice)."""
        policy = self._state.policy
        lead = policy.producer_lead_minutes
        if workflow.patched(PRODUCTION_HOLD):
            lead = hold_lead_minutes(policy, package or self._state.availability.package)
        return HoldRequest(
            reservation_no=self._state.reservation_no,
            session=session,
            lead_minutes=lead,
            not_before=not_before or workflow.now() + timedelta(days=policy.lead_days),
            record=record,
        )

    async def _hold(
        self, session: SessionTime, record: BookingRecord | None = None, not_before: datetime | None = None
    ) -> HoldResult:
        """Hold a producer; with ``record``, the booking's row is saved in the same transaction (one activity)."""
        request = self._hold_request(session, record, not_before)
        result: HoldResult = await activity_calls.run("hold_producer", request, HoldResult)
        return result
