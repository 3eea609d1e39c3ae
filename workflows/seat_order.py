"""SeatOrderWorkflow: a billing admin adds seats to a subscription (seed 002).

The process, as the seed tells it:
1. The account must be able to serve itself and pay automatically (credit or debit card).
2. New Seat Qty per product → save cart & review (a quote; it replaces the account's open quote at once)
   → proceed to payment (admin contact, payment method, billing address) → save and continue to the service order
   → place the service order. A quote can be declined; an untouched quote expires.
3. Within 24 hours: charge, add the seats, create or update the admin with a seat of each product, record the
   order in the account's history, and e-mail the receipt to the billing contact. Past the 24 hours, Corporate
   Account Services is alerted and the work goes on.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import workflow

from workflows import activity_calls, patches
from workflows.outbox import Outbox
from workflows.seat_order_steps import CARD_BY_REFERENCE, SeatOrderSteps, conflict
from workflows.visibility import Visibility

with workflow.unsafe.imports_passed_through():
    from models.common import Recipient
    from models.refusals import Reason, because
    from models.seat_documents import receipt_number
    from models.seat_order import (
        FINISHED,
        OPEN_QUOTE,
        AccountSnapshot,
        ChargeResult,
        Quote,
        SeatOrderInput,
        SeatOrderState,
        SeatOrderStatus,
        StatusChange,
    )
    from models.seat_order_activities import (
        APPLY_SEAT_ORDER_ACTIVITY,
        CHARGE_ACTIVITY,
        LOAD_ACCOUNT_ACTIVITY,
        SAVE_SEAT_ORDER_ACTIVITY,
        ApplySeatOrder,
        ChargeRequest,
        SeatOrderSnapshot,
    )
    from models.seat_order_rules import refusal_for
    from models.words import gateway_reason

KIND = "seat_order"

# Patches (workflow.patched): changes to logic that running workflows may already have passed through.
LEAN_PROCESSING = (
    "lean-processing"  # placing answers without a database round trip; the seats' transaction records completion
)
# Decided when the order starts, so placing records no patch marker of its own. A search-attribute write costs the
# Temporal server about as much CPU as an activity, and most orders are processed within a second of placing: so
# the placed status (with its deadline) reaches visibility only when processing is still going after
# PLACED_SHOWN_AFTER, and the completed status together with the close (after the receipt).
QUIET_PLACING = "quiet-placing"
DELAY_NOTICE = "delay-notice"  # past the hours, the billing contact is told too, with how to reach Account Services
NO_CARD = because("No card on the order.")
PLACED_SHOWN_AFTER = timedelta(minutes=1)


@workflow.defn
class SeatOrderWorkflow(SeatOrderSteps):
    @workflow.init
    def __init__(self, order: SeatOrderInput) -> None:
        self._baseline = patches.begin()  # first: every patch the baseline covers, without a marker each
        self._order = order
        self._state = SeatOrderState(
            order_no=order.order_no,
            account_no=order.account_no,
            status=SeatOrderStatus.CART,
            requested_by=order.requested_by,
        )
        self._account: AccountSnapshot | None = order.account
        self._outbox = Outbox(self._state.mails, note=self._note)
        self._visibility = Visibility(KIND, dedupe=False)
        self._superseded_by: str | None = None
        self._placing = False
        self._lean = False
        self._quiet_placing = False
        self._unpublished = False

    # ------------------------------------------------------------------ the process

    @workflow.run
    async def run(self, order: SeatOrderInput) -> SeatOrderState:
        self._lean = patches.patched(LEAN_PROCESSING)
        self._quiet_placing = patches.patched(QUIET_PLACING)
        if self._account is None:
            self._account = await self._load_account()
        if not await self._refuse_if_not_eligible():
            await self._wait_for_the_service_order()
            if self._state.status is SeatOrderStatus.PLACED:
                await self._process_within_deadline()
        await self._finish()
        return self._state

    async def _refuse_if_not_eligible(self) -> bool:
        """Step 1: self-service and an automatic payment method, or a clear refusal."""
        reason = refusal_for(self._snapshot(), self._order.policy.account_services)
        if reason is None:
            self._publish()
            await self._save()
            return False
        self._state.reason, self._state.why = reason.english(), reason
        await self._set_status(SeatOrderStatus.REFUSED, reason.english())
        return True

    async def _wait_for_the_service_order(self) -> None:
        """Step 2 happens in the Updates below; here the quote's expiry and a newer order's quote are watched."""
        while self._state.status not in FINISHED and self._state.status is not SeatOrderStatus.PLACED:
            if self._superseded_by is not None:
                await self._end_quote(
                    SeatOrderStatus.SUPERSEDED,
                    because("A newer order (%(order)s) replaced this quote.", order=self._superseded_by),
                )
                return
            seen = (self._state.status, self._state.quote)
            quote = self._state.quote
            timeout = None
            if self._state.status in OPEN_QUOTE and quote is not None:
                timeout = max(quote.expires_at - workflow.now(), timedelta(0))
            try:
                await workflow.wait_condition(
                    lambda seen=seen: (
                        (self._state.status, self._state.quote) != seen  # type: ignore[misc]
                        or self._superseded_by is not None
                    ),
                    timeout=timeout,
                )
            except TimeoutError:
                if self._state.status in OPEN_QUOTE and self._superseded_by is None:
                    await self._end_quote(SeatOrderStatus.EXPIRED, because("The quote expired without being accepted."))

    async def _process_within_deadline(self) -> None:
        """Step 3, with the 24-hour promise watched beside it."""
        if self._state.process_by is None:  # placed before the deadline-at-place patch
            self._start_the_clock()
        placed_at, process_by = self._state.placed_at or workflow.now(), self._state.process_by
        assert process_by is not None
        work = asyncio.create_task(self._process())
        if self._quiet_placing:
            await self._show_placed_if_still_going(work)
            if work.done():
                await work
                return
            placed_at = workflow.now()
        done, _ = await workflow.wait([work], timeout=(process_by - placed_at).total_seconds())
        if not done:
            await self._escalate()
        await work

    async def _show_placed_if_still_going(self, work: asyncio.Task[None]) -> None:
        """Operators looking for late orders see one still being processed a minute after placing, with its deadline."""
        done, _ = await workflow.wait([work], timeout=PLACED_SHOWN_AFTER.total_seconds())
        if not done and self._unpublished:
            self._publish()

    def _start_the_clock(self) -> None:
        """Placed now: processed within the policy's hours (seed 002: 24)."""
        self._state.placed_at = workflow.now()
        self._state.process_by = self._state.placed_at + timedelta(hours=self._order.policy.processing_hours)

    async def _process(self) -> None:
        quote, account = self._quote(), self._snapshot()
        if quote.total > self._order.policy.manual_review_over and self._state.approved_by is None:
            await self._set_status(
                SeatOrderStatus.AWAITING_REVIEW, f"total {quote.total} {quote.currency} needs a review"
            )
            await workflow.wait_condition(lambda: self._state.approved_by is not None)
            await self._set_status(SeatOrderStatus.PLACED, f"approved by {self._state.approved_by}")
        charge = await self._charge(quote)
        self._state.charge = charge
        if charge.outcome == "declined":
            await self._fail(because("The card was declined: %(reason)s", reason=gateway_reason(charge.reason or "")))
            return
        self._state.completed_at = workflow.now()
        done = f"charged {charge.amount} {charge.currency}, seats added"
        await self._add_seats(quote, account, done)
        self._mail("receipt", account.billing_contact, "seat_order_receipt")
        if self._quiet_placing:  # the seats' transaction marked the row completed; visibility hears it at the close
            self._set_status_quietly(SeatOrderStatus.COMPLETED, done)
        else:
            await self._set_status(SeatOrderStatus.COMPLETED, done, save=not self._lean)

    async def _charge(self, quote: Quote) -> ChargeResult:
        card = self._state.card
        if card is None:
            raise conflict(NO_CARD)
        token = None if patches.patched(CARD_BY_REFERENCE) else card.token  # paid by token: in its history already
        if card.reference is None and token is None:
            raise conflict(NO_CARD)
        charge = ChargeRequest(
            idempotency_key=self._order.order_no,  # a retried charge returns the first result
            account_no=self._order.account_no,
            card=card.reference,
            card_token=token,
            amount=quote.total,
            currency=quote.currency,
        )
        return await activity_calls.run(CHARGE_ACTIVITY, charge, ChargeResult, retry=activity_calls.GATEWAY_RETRY)

    async def _add_seats(self, quote: Quote, account: AccountSnapshot, done: str) -> None:
        admin, address = self._state.admin_contact, self._state.billing_address
        if admin is None or address is None:
            raise conflict(because("The payment details are missing."))
        completed = None
        if self._lean and not self._quiet_placing:  # the same transaction records the order as completed
            completed = self._state.model_copy(update={"status": SeatOrderStatus.COMPLETED})
        seats = ApplySeatOrder(
            order_no=self._order.order_no,
            account_no=self._order.account_no,
            lines=quote.lines,
            admin_contact=admin,
            billing_address=address,
            payment_type="Credit card",
            customer_type=account.customer_type,
            promotion=quote.promotion.code if quote.promotion else None,
            completed=completed,
            mark_completed=self._quiet_placing,
            placed_at=self._state.placed_at,  # the activity's input only, no new command: old histories replay
        )
        await activity_calls.run(APPLY_SEAT_ORDER_ACTIVITY, seats, local=patches.at_baseline())

    async def _escalate(self) -> None:
        self._state.escalated = True
        self._note(
            f"not processed within {self._order.policy.processing_hours} hours: Corporate Account Services alerted"
        )
        self._mail(
            "escalation", Recipient(email=self._order.policy.corporate_account_services_email), "seat_order_escalation"
        )
        if patches.patched(DELAY_NOTICE):
            self._mail("delayed", self._snapshot().billing_contact, "seat_order_delayed")
        self._publish()
        await self._save()

    async def _fail(self, reason: Reason) -> None:
        self._state.reason, self._state.why = reason.english(), reason
        await self._release_open_quote()
        self._mail("declined", self._snapshot().billing_contact, "seat_order_declined")
        await self._set_status(SeatOrderStatus.FAILED, reason.english())

    async def _finish(self) -> None:
        await self._outbox.all_delivered()
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._unpublished:  # in the same workflow task as the close
            self._publish()

    @workflow.query
    def status(self) -> SeatOrderState:
        return self._state

    # ------------------------------------------------------------------ helpers

    def _snapshot(self) -> AccountSnapshot:
        if self._account is None:
            raise conflict(because("The account is still being read; try again in a moment."))
        return self._account

    def _quote(self) -> Quote:
        if self._state.quote is None:
            raise conflict(because("There is no quote."))
        return self._state.quote

    async def _load_account(self) -> AccountSnapshot:
        return await activity_calls.run(
            LOAD_ACCOUNT_ACTIVITY,
            self._order.account_no,
            AccountSnapshot,
            retry=activity_calls.ACCOUNT_RETRY,
            local=patches.at_baseline(),
        )

    async def _set_status(self, status: SeatOrderStatus, text: str, save: bool = True) -> None:
        self._change_status(status, text)
        self._publish()
        if save:
            await self._save()

    def _set_status_quietly(self, status: SeatOrderStatus, text: str) -> None:
        """The status changes now (queries see it); visibility gets it later (QUIET_PLACING says when)."""
        self._change_status(status, text)
        self._unpublished = True

    def _change_status(self, status: SeatOrderStatus, text: str) -> None:
        self._state.status = status
        self._state.history.append(StatusChange(at=workflow.now(), status=status))
        self._note(f"{status.value}: {text}")

    def _note(self, text: str) -> None:
        self._state.timeline.append((workflow.now(), text))

    def _publish(self) -> None:
        state = self._state
        deadline = state.process_by if state.status not in FINISHED else None
        if deadline is None and state.status in OPEN_QUOTE and state.quote:
            deadline = state.quote.expires_at
        self._visibility.publish(
            status=state.status.value, business_id=state.order_no, escalated=state.escalated, next_deadline=deadline
        )
        self._unpublished = False

    async def _save(self) -> None:
        await activity_calls.run(
            SAVE_SEAT_ORDER_ACTIVITY, SeatOrderSnapshot(state=self._state), local=patches.at_baseline()
        )

    def _mail(self, purpose: str, recipient: Recipient, template: str) -> None:
        self._outbox.queue(purpose, recipient, template, self._mail_context())

    def _mail_context(self) -> dict[str, Any]:
        account, quote, state = self._account, self._state.quote, self._state
        return {
            "order_id": state.order_no,
            "order_no": state.order_no,
            "account_no": state.account_no,
            "customer_name": account.customer_name if account else "",
            "billing_contact_name": account.billing_contact_name if account else "",
            "quote": quote.model_dump(mode="json") if quote else None,
            "charge": state.charge.model_dump(mode="json") if state.charge else None,
            "reason": state.reason,
            "admin_contact": state.admin_contact.model_dump(mode="json") if state.admin_contact else None,
            "processing_hours": self._order.policy.processing_hours,
            "placed_at": state.placed_at.isoformat() if state.placed_at else None,
            "account_services": self._order.policy.account_services.model_dump(mode="json"),
            # what the receipt PDF attached to the receipt mail shows beyond the quote and the charge
            "receipt_number": receipt_number(state.order_no),
            "completed_at": state.completed_at.isoformat() if state.completed_at else None,
            "billing_address": state.billing_address.model_dump(mode="json") if state.billing_address else None,
            "card": {"brand": state.card.brand, "last4": state.card.last4} if state.card else None,
        }
