"""A confirmed Webex Assist booking's changes (seed 004), as Updates on AssistBookingWorkflow: the update of date
and time only, the add-ons until 14 days before, and cancelling at any time. Each needs the booking's contact e-mail
and takes the booking's lock."""

from __future__ import annotations

from datetime import date, time

from temporalio import workflow

from workflows import activity_calls, patches
from workflows.assist_step_rules import CHARGE_LINES, HOLD_SAVES_BOOKING, AssistStepRules, wrong_state

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from models.assist import AssistBookingState, AssistStatus, BookingAnswer, Move
    from models.assist_activities import (
        MoveSiteSession,
    )
    from models.assist_requests import (
        CancelBooking,
        ChangeAddOns,
        ContactProof,
        Reschedule,
    )
    from models.assist_rules import (
        add_on_refusal,
        add_ons_change_refusal,
        cancellation_charge,
        cancellation_fee,
        change_refusal,
        ended_refusal,
        move_notice,
        move_refusal,
        no_producer_message,
        not_found_message,
    )
    from models.assist_time import SessionTime
    from models.refusals import Refusal, reason_of, refuse

RESCHEDULED, CANCELLED = "rescheduled", "cancelled"


class AssistSteps(AssistStepRules):
    """The changes a confirmed booking takes: reschedule, add-ons, cancel."""

    # ------------------------------------------------------------------ update: date and time only

    @workflow.update
    async def reschedule(self, request: Reschedule) -> BookingAnswer:
        async with self._lock:
            self._require_contact(request)
            self._require_confirmed()
            state = self._state
            old, old_producer = state.session, state.producer.producer_id if state.producer else None
            new = self._moved(old, request.date, request.time)
            saves = patches.patched(HOLD_SAVES_BOOKING)
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
                await activity_calls.run("release_producer", state.reservation_no, bool, local=patches.at_baseline())
            if state.cancellation_fee and patches.patched(CHARGE_LINES):
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

    def _require_add_ons_change(self, request: ChangeAddOns) -> None:
        state = self._state
        refusal = add_ons_change_refusal(state.session, workflow.now(), state.policy.lead_days) or add_on_refusal(
            state.availability.package, request.add_ons
        )
        if refusal is not None:
            raise refuse(Refusal.INVALID_STEP, refusal, "add_ons")

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
