"""The planning call and rehearsals of a Webex Assist booking (seed 004: "scheduled by the customer's needs and the
assist team's availability"), mixed into AssistBookingWorkflow.

1. Confirmed: the booking learns which it has (its package's, and an extra rehearsal when ordered).
2. The customer picks a time for each from its producer's free times before the event (an Update; the pages and
   the API offer the times, store/assist_preparation.py); the producer is held for it and both get a mail.
3. The event moves: a preparation that would no longer be over before the producer's time for the event, or whose
   producer changed, is released and offered again; the others stay, and the move's mail offers to move them.
4. The add-ons change: an extra rehearsal ordered is added, one dropped is released.
Cancelling the booking releases them with the event (store/assist.release).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from temporalio import workflow

from workflows import activity_calls, patches

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from models.assist import AssistBookingState, AssistStatus, Preparation
    from models.assist_preparation import (
        PREPARATION_MINUTES,
        PreparationHold,
        PreparationRelease,
        PreparationWindow,
        SchedulePreparation,
        preparation_session,
        preparation_window,
        preparations_for,
        producer_busy,
        reconciled,
        unknown_preparation,
        window_refusal,
    )
    from models.assist_requests import ContactProof
    from models.assist_time import SessionTime
    from models.common import Recipient
    from models.refusals import Refusal, reason_of, refuse

PREPARATIONS = "preparations"
"""Patch: a confirmed booking has its planning call and rehearsals, scheduled from the producer's free times."""

PREPARATION_MAIL = "preparation"


class AssistPreparationSteps:
    """Mixed into AssistBookingWorkflow, which provides the booking's state, its lock and e-mail."""

    _state: AssistBookingState
    _lock: asyncio.Lock

    # Provided by AssistBookingWorkflow.
    def _changed(self) -> None:
        raise NotImplementedError

    def _customer(self) -> Recipient:
        raise NotImplementedError

    def _queue_mail(self, purpose: str, recipient: Recipient, template: str, **about: Any) -> None:
        raise NotImplementedError

    if TYPE_CHECKING:  # provided by AssistSteps, a sibling base: a stub here would shadow it

        def _require_contact(self, proof: ContactProof) -> None: ...

        def _require_confirmed(self) -> None: ...

    # ------------------------------------------------------------------ 1. confirmed: which ones

    def _prepare(self) -> None:
        """At confirmation: the planning call and rehearsals the package and add-ons include, none scheduled."""
        if not patches.patched(PREPARATIONS):
            return
        availability = self._state.availability
        self._state.preparations = [
            Preparation(kind=kind, minutes=PREPARATION_MINUTES[kind])
            for kind in preparations_for(availability.package, availability.add_ons)
        ]

    # ------------------------------------------------------------------ 2. the customer picks a time

    @workflow.update
    async def schedule_preparation(self, request: SchedulePreparation) -> AssistBookingState:
        async with self._lock:
            preparation, wanted = self._preparation_at(request)
            state = self._state
            assert state.producer is not None  # confirmed
            hold = PreparationHold(
                reservation_no=state.reservation_no,
                kind=preparation.kind,
                producer_id=state.producer.producer_id,
                session=wanted,
            )
            if not await activity_calls.run("hold_preparation", hold, bool, local=patches.at_baseline()):
                raise refuse(Refusal.INVALID_STEP, producer_busy(wanted), "time")
            preparation.session, preparation.released = wanted, None
            preparation.scheduled_at = workflow.now()
            self._mail_preparation(preparation)
            self._changed()
            return state

    @schedule_preparation.validator
    def _validate_schedule_preparation(self, request: SchedulePreparation) -> None:
        self._preparation_at(request)

    def _preparation_at(self, request: SchedulePreparation) -> tuple[Preparation, SessionTime]:
        """The booking's preparation the request names, and its time, when the booking's rules allow it."""
        self._require_contact(request)
        self._require_confirmed()
        state = self._state
        preparation = next((p for p in state.preparations if p.kind is request.kind), None)
        if preparation is None:
            raise refuse(Refusal.INVALID_STEP, unknown_preparation(request.kind), "kind")
        try:
            wanted = preparation_session(state.session, request.kind, request.date, request.time)
        except ValidationError as err:
            raise refuse(Refusal.INVALID_STEP, reason_of(err), "time") from None
        refusal = window_refusal(wanted, self._preparation_window())
        if refusal is not None:
            raise refuse(Refusal.INVALID_STEP, refusal, "date")
        return preparation, wanted

    def _preparation_window(self) -> PreparationWindow:
        state = self._state
        return preparation_window(state.session, state.availability.package, state.policy, workflow.now())

    def _mail_preparation(self, preparation: Preparation) -> None:
        """The time to the customer and to the producer, each their own mail (the outbox keys them by purpose)."""
        purpose, kind = f"{PREPARATION_MAIL}-{preparation.kind.value}", preparation.kind.value
        self._queue_mail(purpose, self._customer(), "assist_preparation", preparation_kind=kind)
        producer = self._state.producer
        if producer is not None:
            to = Recipient(email=producer.email)
            self._queue_mail(f"{purpose}-producer", to, "assist_preparation_producer", preparation_kind=kind)

    # ------------------------------------------------------------------ 3. the event moved

    async def _preparations_moved(self, old_producer: str | None) -> None:
        """After a move: release what no longer fits before the event (or is with another producer)."""
        state = self._state
        window = self._preparation_window()
        for preparation in state.preparations:
            session = preparation.session
            if session is None:
                continue
            same_producer = state.producer is not None and state.producer.producer_id == old_producer
            if same_producer and session.ends_at <= window.latest_end:
                continue
            await self._release(preparation)

    async def _release(self, preparation: Preparation) -> None:
        release = PreparationRelease(reservation_no=self._state.reservation_no, kind=preparation.kind)
        await activity_calls.run("release_preparation", release, bool, local=patches.at_baseline())
        preparation.released, preparation.session = preparation.session, None

    # ------------------------------------------------------------------ 4. the add-ons changed

    async def _preparations_reconciled(self) -> None:
        state = self._state
        if state.status is not AssistStatus.CONFIRMED or not patches.patched(PREPARATIONS):
            return
        kept = reconciled(state.preparations, state.availability.package, state.availability.add_ons)
        for dropped in (p for p in state.preparations if p not in kept):
            if dropped.session is not None:
                await self._release(dropped)
        state.preparations = kept
