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
from decimal import Decimal
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeUpdate
from temporalio.exceptions import ApplicationError

from workflows.mail import send_mail

with workflow.unsafe.imports_passed_through():
    from models import search_attributes as sa
    from models.accounts import SEAT_ADDITION_PRODUCTS
    from models.common import Recipient
    from models.mail import MailRequest
    from models.seat_order import (
        APPLY_SEAT_ORDER_ACTIVITY,
        BEFORE_PLACED,
        CHARGE_ACTIVITY,
        CHECK_CARD_ACTIVITY,
        CLAIM_OPEN_QUOTE_ACTIVITY,
        FINISHED,
        LOAD_ACCOUNT_ACTIVITY,
        OPEN_QUOTE,
        RELEASE_OPEN_QUOTE_ACTIVITY,
        SAVE_SEAT_ORDER_ACTIVITY,
        AcceptQuote,
        AccountSnapshot,
        ApplySeatOrder,
        ApproveOrder,
        CardOnOrder,
        ChargeRequest,
        ChargeResult,
        CheckCard,
        ClaimOpenQuote,
        DeclineQuote,
        PaymentDetails,
        PlaceOrder,
        Quote,
        QuoteLine,
        ReviewCart,
        SeatOrderInput,
        SeatOrderSnapshot,
        SeatOrderState,
        SeatOrderStatus,
        SetQuantities,
        money,
        refusal_for,
    )

KIND = "seat_order"

# Patches (workflow.patched): changes to logic that running workflows may already have passed through.
LEAN_PROCESSING = (
    "lean-processing"  # placing answers without a database round trip; the seats' transaction records completion
)
DEADLINE_AT_PLACE = "deadline-at-place"  # the placed status goes out with its deadline (NextDeadline in visibility)
# Decided when the order starts, so placing records no patch marker of its own. A search-attribute write costs the
# Temporal server about as much CPU as an activity (issue 4's benchmark), and most orders are processed within a
# second of placing: so the placed status (with its deadline) reaches visibility only when processing is still going
# after PLACED_SHOWN_AFTER, and the completed status together with the close (after the receipt).
QUIET_PLACING = "quiet-placing"
PLACED_SHOWN_AFTER = timedelta(minutes=1)
WRONG_STEP = "OrderStateConflict"
INVALID = "InvalidStep"

DB_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
GATEWAY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(minutes=5),
    non_retryable_error_types=["CardUnknown"],
)


def refuse(message: str, kind: str = WRONG_STEP, field: str | None = None) -> ApplicationError:
    return ApplicationError(message, *([field] if field else []), type=kind, non_retryable=True)


@workflow.defn
class SeatOrderWorkflow:
    @workflow.init
    def __init__(self, order: SeatOrderInput) -> None:
        self._order = order
        self._state = SeatOrderState(
            order_no=order.order_no,
            account_no=order.account_no,
            status=SeatOrderStatus.CART,
            requested_by=order.requested_by,
        )
        self._account: AccountSnapshot | None = order.account
        self._mail_tasks: list[asyncio.Task[None]] = []
        self._mail_counts: dict[str, int] = {}
        self._superseded_by: str | None = None
        self._placing = False
        self._lean = False
        self._quiet_placing = False
        self._unpublished = False

    # ------------------------------------------------------------------ the process

    @workflow.run
    async def run(self, order: SeatOrderInput) -> SeatOrderState:
        self._lean = workflow.patched(LEAN_PROCESSING)
        self._quiet_placing = workflow.patched(QUIET_PLACING)
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
        reason = refusal_for(self._snapshot())
        if reason is None:
            self._publish()
            await self._save()
            return False
        self._state.reason = reason
        await self._set_status(SeatOrderStatus.REFUSED, reason)
        return True

    async def _wait_for_the_service_order(self) -> None:
        """Step 2 happens in the Updates below; here the quote's expiry and a newer order's quote are watched."""
        while self._state.status not in FINISHED and self._state.status is not SeatOrderStatus.PLACED:
            if self._superseded_by is not None:
                await self._end_quote(
                    SeatOrderStatus.SUPERSEDED, f"A newer order ({self._superseded_by}) replaced this quote."
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
                    await self._end_quote(SeatOrderStatus.EXPIRED, "The quote expired without being accepted.")

    async def _process_within_deadline(self) -> None:
        """Step 3, with the 24-hour promise watched beside it."""
        if self._state.process_by is None:  # placed before DEADLINE_AT_PLACE
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
            await self._fail(f"The card was declined: {charge.reason}")
            return
        self._state.completed_at = workflow.now()
        done = f"charged {charge.amount} {charge.currency}, seats added"
        await self._add_seats(quote, account, done)
        self._queue_mail("receipt", Recipient(email=account.billing_contact_email), "seat_order_receipt")
        if self._quiet_placing:  # the seats' transaction marked the row completed; visibility hears it at the close
            self._set_status_quietly(SeatOrderStatus.COMPLETED, done)
        else:
            await self._set_status(SeatOrderStatus.COMPLETED, done, save=not self._lean)

    async def _charge(self, quote: Quote) -> ChargeResult:
        card = self._state.card
        if card is None:
            raise refuse("No card on the order.")
        result: ChargeResult = await workflow.execute_activity(
            CHARGE_ACTIVITY,
            ChargeRequest(
                idempotency_key=self._order.order_no,  # a retried charge returns the first result
                account_no=self._order.account_no,
                card_token=card.token,
                amount=quote.total,
                currency=quote.currency,
            ),
            result_type=ChargeResult,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=GATEWAY_RETRY,
        )
        return result

    async def _add_seats(self, quote: Quote, account: AccountSnapshot, done: str) -> None:
        admin, address = self._state.admin_contact, self._state.billing_address
        if admin is None or address is None:
            raise refuse("The payment details are missing.")
        completed = None
        if self._lean and not self._quiet_placing:  # the same transaction records the order as completed
            completed = self._state.model_copy(update={"status": SeatOrderStatus.COMPLETED})
        await workflow.execute_activity(
            APPLY_SEAT_ORDER_ACTIVITY,
            ApplySeatOrder(
                order_no=self._order.order_no,
                account_no=self._order.account_no,
                lines=quote.lines,
                admin_contact=admin,
                billing_address=address,
                payment_type="Credit card",
                customer_type=account.customer_type,
                completed=completed,
                mark_completed=self._quiet_placing,
            ),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=DB_RETRY,
        )

    async def _escalate(self) -> None:
        self._state.escalated = True
        self._note(
            f"not processed within {self._order.policy.processing_hours} hours: Corporate Account Services alerted"
        )
        self._queue_mail(
            "escalation", Recipient(email=self._order.policy.corporate_account_services_email), "seat_order_escalation"
        )
        self._publish()
        await self._save()

    async def _fail(self, reason: str) -> None:
        self._state.reason = reason
        await self._release_open_quote()
        self._queue_mail("declined", Recipient(email=self._snapshot().billing_contact_email), "seat_order_declined")
        await self._set_status(SeatOrderStatus.FAILED, reason)

    async def _finish(self) -> None:
        await workflow.wait_condition(lambda: all(task.done() for task in self._mail_tasks))
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._unpublished:  # in the same workflow task as the close
            self._publish()

    # ------------------------------------------------------------------ step 2: the portal's steps

    @workflow.query
    def status(self) -> SeatOrderState:
        return self._state

    @workflow.update
    async def set_quantities(self, request: SetQuantities) -> SeatOrderState:
        self._state.cart = list(request.lines)
        if self._state.status in OPEN_QUOTE:  # a changed cart needs a new review
            self._state.quote = None
            await self._release_open_quote()
        await self._set_status(SeatOrderStatus.CART, "New Seat Qty: " + _describe(request))
        return self._state

    @set_quantities.validator
    def _validate_quantities(self, request: SetQuantities) -> None:
        self._require(BEFORE_PLACED, "change the seats")
        account = self._snapshot()
        for index, line in enumerate(request.lines):
            field = f"lines.{index}.product"
            if line.product not in SEAT_ADDITION_PRODUCTS:
                raise refuse(
                    f"{line.product.value} does not support seat additions here (only GoTo Meeting, GoTo Webinar, "
                    "GoTo Training, GoToAssist v4 and GoToAssist v5 do). Please contact Corporate Account Services.",
                    INVALID,
                    field,
                )
            if account.line(line.product, line.edition) is None:
                raise refuse(
                    f"The account has no {line.product.value} {line.edition.value} subscription.", INVALID, field
                )
            if line.new_seats > self._order.policy.max_new_seats:
                raise refuse(
                    f"At most {self._order.policy.max_new_seats} seats can be added at once; for more, contact "
                    "Corporate Account Services.",
                    INVALID,
                    f"lines.{index}.new_seats",
                )

    @workflow.update
    async def review(self, request: ReviewCart) -> Quote:
        quote = self._make_quote()
        previous = await workflow.execute_activity(
            CLAIM_OPEN_QUOTE_ACTIVITY,
            ClaimOpenQuote(account_no=self._order.account_no, order_no=self._order.order_no),
            result_type=str,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=DB_RETRY,
        )
        if previous and previous != self._order.order_no:  # one open quote per account: the older one expires now
            await workflow.get_external_workflow_handle(f"seat-order-{previous}").signal(
                "supersede", self._order.order_no
            )
        self._state.quote = quote
        await self._set_status(
            SeatOrderStatus.QUOTED, f"quote {quote.total} {quote.currency}, valid until {quote.expires_at:%Y-%m-%d}"
        )
        return quote

    @review.validator
    def _validate_review(self, request: ReviewCart) -> None:
        self._require({SeatOrderStatus.CART}, "review the cart")
        if not self._state.cart:
            raise refuse("Enter the New Seat Qty first.")

    @workflow.update
    async def accept(self, request: AcceptQuote) -> SeatOrderState:
        await self._set_status(SeatOrderStatus.PAYMENT, "quote accepted: proceed to payment")
        return self._state

    @accept.validator
    def _validate_accept(self, request: AcceptQuote) -> None:
        self._require({SeatOrderStatus.QUOTED}, "accept the quote")

    @workflow.update
    async def decline(self, request: DeclineQuote) -> SeatOrderState:
        await self._end_quote(
            SeatOrderStatus.DECLINED, "The quote was declined" + (f": {request.reason}" if request.reason else ".")
        )
        return self._state

    @decline.validator
    def _validate_decline(self, request: DeclineQuote) -> None:
        self._require(OPEN_QUOTE, "decline the quote")

    @workflow.update
    async def payment(self, request: PaymentDetails) -> SeatOrderState:
        card: CardOnOrder = await workflow.execute_activity(
            CHECK_CARD_ACTIVITY,
            CheckCard(account_no=self._order.account_no, token=request.card_token),
            result_type=CardOnOrder,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=GATEWAY_RETRY,
        )
        self._state.card = card
        self._state.admin_contact = request.admin_contact
        self._state.billing_address = request.billing_address
        await self._set_status(
            SeatOrderStatus.SERVICE_ORDER, f"payment details saved ({card.brand} ending {card.last4})"
        )
        return self._state

    @payment.validator
    def _validate_payment(self, request: PaymentDetails) -> None:
        self._require({SeatOrderStatus.PAYMENT, SeatOrderStatus.SERVICE_ORDER}, "save the payment details")

    @workflow.update
    async def place(self, request: PlaceOrder) -> SeatOrderState:
        if self._placing:  # a second click that passed the validator in the same moment
            raise refuse("This service order has already been placed.")
        self._placing = True
        if self._quiet_placing or workflow.patched(DEADLINE_AT_PLACE):  # published with its 24-hour deadline
            self._start_the_clock()
        placed = "service order placed: processing within 24 hours"
        if self._quiet_placing:
            self._set_status_quietly(SeatOrderStatus.PLACED, placed)
        else:
            await self._set_status(SeatOrderStatus.PLACED, placed, save=not self._lean)
        return self._state

    @place.validator
    def _validate_place(self, request: PlaceOrder) -> None:
        if self._placing or self._state.status is SeatOrderStatus.PLACED or self._state.placed_at is not None:
            raise refuse("This service order has already been placed.")
        self._require({SeatOrderStatus.SERVICE_ORDER}, "place the service order")

    @workflow.update
    async def approve(self, request: ApproveOrder) -> SeatOrderState:
        self._state.approved_by = request.operator
        await workflow.wait_condition(lambda: self._state.status is not SeatOrderStatus.AWAITING_REVIEW)
        return self._state

    @approve.validator
    def _validate_approve(self, request: ApproveOrder) -> None:
        if self._state.status is not SeatOrderStatus.AWAITING_REVIEW:
            raise refuse(f"Nothing to approve: the order is {self._state.status.value.replace('_', ' ')}.")

    @workflow.signal
    def supersede(self, newer_order_no: str) -> None:
        """A newer order of the same account made a quote: this one's quote expires at once (seed 002)."""
        if self._state.status in BEFORE_PLACED:
            self._superseded_by = newer_order_no

    # ------------------------------------------------------------------ helpers

    def _make_quote(self) -> Quote:
        account, now = self._snapshot(), workflow.now()
        today = now.date()
        lines = []
        for item in self._state.cart:
            line = account.line(item.product, item.edition)
            if line is None:
                raise refuse(f"The account has no {item.product.value} {item.edition.value} subscription.", INVALID)
            days = max((line.renewal_date - today).days, 1)
            amount = money(line.unit_price * item.new_seats * Decimal(days) / Decimal(365))
            lines.append(
                QuoteLine(
                    product=item.product,
                    edition=item.edition,
                    new_seats=item.new_seats,
                    unit_price=line.unit_price,
                    days_to_renewal=days,
                    amount=amount,
                )
            )
        subtotal = money(sum((line.amount for line in lines), Decimal(0)))
        tax = money(subtotal * account.tax_rate)
        return Quote(
            lines=lines,
            currency=account.currency,
            subtotal=subtotal,
            tax_rate=account.tax_rate,
            tax=tax,
            total=subtotal + tax,
            quoted_at=now,
            expires_at=now + timedelta(days=self._order.policy.quote_valid_days),
        )

    async def _end_quote(self, status: SeatOrderStatus, reason: str) -> None:
        self._state.reason = reason
        await self._release_open_quote()
        await self._set_status(status, reason)

    async def _release_open_quote(self) -> None:
        await workflow.execute_activity(
            RELEASE_OPEN_QUOTE_ACTIVITY,
            ClaimOpenQuote(account_no=self._order.account_no, order_no=self._order.order_no),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=DB_RETRY,
        )

    def _require(self, allowed: frozenset[SeatOrderStatus] | set[SeatOrderStatus], action: str) -> None:
        status = self._state.status
        if self._superseded_by is not None and status in BEFORE_PLACED:
            raise refuse(f"Cannot {action}: a newer order ({self._superseded_by}) replaced this quote.")
        if status in allowed:
            return
        why = self._state.reason or ""
        raise refuse(
            f"Cannot {action}: the order is {status.value.replace('_', ' ')}."
            + (f" {why}" if why and status in FINISHED else "")
        )

    def _snapshot(self) -> AccountSnapshot:
        if self._account is None:
            raise refuse("The account is still being read; try again in a moment.")
        return self._account

    def _quote(self) -> Quote:
        if self._state.quote is None:
            raise refuse("There is no quote.")
        return self._state.quote

    async def _load_account(self) -> AccountSnapshot:
        snapshot: AccountSnapshot = await workflow.execute_activity(
            LOAD_ACCOUNT_ACTIVITY,
            self._order.account_no,
            result_type=AccountSnapshot,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=1),
                maximum_interval=timedelta(minutes=1),
                non_retryable_error_types=["AccountUnknown"],
            ),
        )
        return snapshot

    async def _set_status(self, status: SeatOrderStatus, text: str, save: bool = True) -> None:
        self._state.status = status
        self._note(f"{status.value}: {text}")
        self._publish()
        if save:
            await self._save()

    def _set_status_quietly(self, status: SeatOrderStatus, text: str) -> None:
        """The status changes now (queries see it); visibility gets it later (QUIET_PLACING says when)."""
        self._state.status = status
        self._note(f"{status.value}: {text}")
        self._unpublished = True

    def _note(self, text: str) -> None:
        self._state.timeline.append((workflow.now(), text))

    def _publish(self) -> None:
        updates: list[SearchAttributeUpdate[Any]] = [
            sa.KIND.value_set(KIND),
            sa.STATUS.value_set(self._state.status.value),
            sa.BUSINESS_ID.value_set(self._order.order_no),
            sa.ESCALATED.value_set(self._state.escalated),
        ]
        deadline = self._state.process_by if self._state.status not in FINISHED else None
        if deadline is None and self._state.status in OPEN_QUOTE and self._state.quote:
            deadline = self._state.quote.expires_at
        updates.append(sa.NEXT_DEADLINE.value_set(deadline) if deadline else sa.NEXT_DEADLINE.value_unset())
        workflow.upsert_search_attributes(updates)
        self._unpublished = False

    async def _save(self) -> None:
        await workflow.execute_activity(
            SAVE_SEAT_ORDER_ACTIVITY,
            SeatOrderSnapshot(state=self._state),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=DB_RETRY,
        )

    def _queue_mail(self, purpose: str, recipient: Recipient, template: str) -> None:
        self._mail_counts[purpose] = self._mail_counts.get(purpose, 0) + 1
        request = MailRequest(
            workflow_id=workflow.info().workflow_id,
            purpose=purpose,
            sequence=self._mail_counts[purpose],
            recipient=recipient,
            template=template,
            context=self._mail_context(),
        )
        self._mail_tasks.append(asyncio.create_task(self._deliver(request)))

    async def _deliver(self, request: MailRequest) -> None:
        await send_mail(request)
        self._note(f"e-mail '{request.purpose}' sent to {request.recipient.email}")

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
        }


def _describe(request: SetQuantities) -> str:
    return ", ".join(f"{line.new_seats} x {line.product.value} {line.edition.value}" for line in request.lines)
