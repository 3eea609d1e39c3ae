"""What the customer's steps of a Webex Assist booking (seed 004) share, mixed into AssistBookingWorkflow under
its steps (workflows/assist_ordering.py, workflows/assist_steps.py): the patches they are behind, the price, and the
producer calendar's hold."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows import activity_calls, patches

with workflow.unsafe.imports_passed_through():
    from models.assist import AssistBookingInput, AssistBookingState, AssistStatus
    from models.assist_activities import (
        BookingRecord,
        HoldRequest,
        HoldResult,
    )
    from models.assist_packages import Package
    from models.assist_rules import (
        hold_lead_minutes,
        price_lines,
        total,
    )
    from models.assist_time import SessionTime
    from models.common import Recipient
    from models.refusals import Reason, Refusal, refuse

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


class AssistStepRules:
    """The booking's state and what AssistBookingWorkflow provides, the price and the producer's hold."""

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

    # ------------------------------------------------------------------ the price

    def _price(self) -> None:
        """The price lines and their total, from the package, the session's duration and the add-ons."""
        state = self._state
        lines = price_lines(state.availability.package, state.session, state.availability.add_ons)
        state.price_lines, state.total_fee = lines, total(lines)

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
        if patches.patched(PRODUCTION_HOLD):
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
        result: HoldResult = await activity_calls.run("hold_producer", request, HoldResult, local=patches.at_baseline())
        return result
