"""The seat portal's steps of a seat order (seed 002, step 2), as Updates on SeatOrderWorkflow:

New Seat Qty → save cart & review (the quote; the account's open quote before it expires at once)
→ proceed to payment, or decline → payment details → save and continue → place the service order;
and an operator's approval of an order above the automatic limit.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from workflows import activity_calls, patches

with workflow.unsafe.imports_passed_through():
    from models.promotions import AppliedPromotion, FindPromotion
    from models.refusals import Reason, Refusal, Word, because, passed_on, reason_of, refuse, word
    from models.seat_documents import nth_quote_number
    from models.seat_order import (
        BEFORE_PLACED,
        FINISHED,
        OPEN_QUOTE,
        AccountSnapshot,
        CardOnOrder,
        Quote,
        SeatOrderInput,
        SeatOrderState,
        SeatOrderStatus,
    )
    from models.seat_order_activities import (
        CHECK_CARD_ACTIVITY,
        CLAIM_OPEN_QUOTE_ACTIVITY,
        FIND_PROMOTION_ACTIVITY,
        RELEASE_OPEN_QUOTE_ACTIVITY,
        TAX_RATE_ACTIVITY,
        CheckCard,
        ClaimOpenQuote,
    )
    from models.seat_order_requests import (
        AcceptQuote,
        ApproveOrder,
        DeclineQuote,
        PaymentUpdate,
        PlaceOrder,
        ReviewCart,
        SetQuantities,
    )
    from models.seat_order_rules import describe, line_refusal, quote_for, taxed
    from models.tax import TaxLookup, TaxRate
    from models.words import SEAT_ORDER

DEADLINE_AT_PLACE = "deadline-at-place"
"""Patch: the placed status goes out with its deadline (NextDeadline in visibility)."""
TAX_BY_BILLING_COUNTRY = "tax-by-billing-country"
"""Patch: the payment's billing address decides the tax; a country other than the quote's re-taxes it."""
CARD_BY_REFERENCE = "card-by-reference"
"""Patch: the card is named by its reference, never its gateway token, in the payment and in the charge. One id for
both places: the SDK keeps the answer of an order's first call, so an order paid by token is charged by token, and
an order paid by reference is charged by reference."""


def conflict(reason: Reason) -> ApplicationError:
    """The order is not where the step applies (HTTP 409)."""
    return refuse(Refusal.ORDER_STATE_CONFLICT, reason)


PROMOTION_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=activity_calls.RETRY_PAUSE,
    non_retryable_error_types=[Refusal.PROMOTION_INVALID.value],
)
"""Looking up a promotion: a code that does not apply is final."""

ALREADY_PLACED = because("This service order has already been placed.")

CHANGE_SEATS = word("seat order step", "change the seats")
REVIEW_CART = word("seat order step", "review the cart")
ACCEPT_QUOTE = word("seat order step", "accept the quote")
DECLINE_QUOTE = word("seat order step", "decline the quote")
SAVE_PAYMENT = word("seat order step", "save the payment details")
PLACE_ORDER = word("seat order step", "place the service order")


class SeatOrderSteps:
    """Mixed into SeatOrderWorkflow, which provides the order, its state and its bookkeeping."""

    _order: SeatOrderInput
    _state: SeatOrderState
    _superseded_by: str | None
    _placing: bool
    _lean: bool
    _quiet_placing: bool

    # Provided by SeatOrderWorkflow.
    def _snapshot(self) -> AccountSnapshot:
        raise NotImplementedError

    async def _set_status(self, status: SeatOrderStatus, text: str, save: bool = True) -> None:
        raise NotImplementedError

    def _set_status_quietly(self, status: SeatOrderStatus, text: str) -> None:
        raise NotImplementedError

    def _start_the_clock(self) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ the portal's steps

    @workflow.update
    async def set_quantities(self, request: SetQuantities) -> SeatOrderState:
        promotion = await self._check_promotion(request) if request.promotion_code else None
        self._state.cart = list(request.lines)
        self._state.promotion = promotion
        if self._state.status in OPEN_QUOTE:  # a changed cart needs a new review
            self._state.quote = None
            await self._release_open_quote()
        said = f"; promotion {promotion.code}" if promotion else ""
        await self._set_status(SeatOrderStatus.CART, "New Seat Qty: " + describe(request.lines) + said)
        return self._state

    async def _check_promotion(self, request: SetQuantities) -> AppliedPromotion:
        """The code names a promotion valid today for a product in the cart, or the step is refused with why."""
        assert request.promotion_code is not None
        wanted = FindPromotion(
            code=request.promotion_code,
            account_no=self._order.account_no,
            products=[line.product for line in request.lines],
            at=workflow.now(),
        )
        try:
            return await activity_calls.run(
                FIND_PROMOTION_ACTIVITY, wanted, AppliedPromotion, retry=PROMOTION_RETRY, local=patches.at_baseline()
            )
        except ActivityError as err:
            if isinstance(err.cause, ApplicationError):
                raise passed_on(err.cause, Refusal.PROMOTION_INVALID) from None
            raise

    @set_quantities.validator
    def _validate_quantities(self, request: SetQuantities) -> None:
        self._require(BEFORE_PLACED, CHANGE_SEATS)
        account = self._snapshot()
        for index, line in enumerate(request.lines):
            refused = line_refusal(account, line, self._order.policy)
            if refused is not None:
                field, message = refused
                raise refuse(Refusal.INVALID_STEP, message, f"lines.{index}.{field}")

    @workflow.update
    async def review(self, request: ReviewCart) -> Quote:
        try:
            quote = quote_for(
                self._snapshot(),
                self._state.cart,
                workflow.now(),
                self._order.policy,
                promotion=self._state.promotion,
                number=nth_quote_number(self._order.order_no, self._state.quotes_made + 1),
            )
        except ValueError as err:
            raise refuse(Refusal.INVALID_STEP, reason_of(err)) from None
        previous = await activity_calls.run(
            CLAIM_OPEN_QUOTE_ACTIVITY,
            ClaimOpenQuote(account_no=self._order.account_no, order_no=self._order.order_no),
            str,
            local=patches.at_baseline(),
        )
        if previous and previous != self._order.order_no:  # one open quote per account: the older one expires now
            await workflow.get_external_workflow_handle(f"seat-order-{previous}").signal(
                "supersede", self._order.order_no
            )
        self._state.quote = quote
        self._state.quotes_made += 1
        await self._set_status(
            SeatOrderStatus.QUOTED, f"quote {quote.total} {quote.currency}, valid until {quote.expires_at:%Y-%m-%d}"
        )
        return quote

    @review.validator
    def _validate_review(self, request: ReviewCart) -> None:
        self._require({SeatOrderStatus.CART}, REVIEW_CART)
        if not self._state.cart:
            raise conflict(because("Enter the New Seat Qty first."))

    @workflow.update
    async def accept(self, request: AcceptQuote) -> SeatOrderState:
        await self._set_status(SeatOrderStatus.PAYMENT, "quote accepted: proceed to payment")
        return self._state

    @accept.validator
    def _validate_accept(self, request: AcceptQuote) -> None:
        self._require({SeatOrderStatus.QUOTED}, ACCEPT_QUOTE)

    @workflow.update
    async def decline(self, request: DeclineQuote) -> SeatOrderState:
        await self._end_quote(
            SeatOrderStatus.DECLINED,
            because("The quote was declined: %(reason)s", reason=request.reason)
            if request.reason
            else because("The quote was declined."),
        )
        return self._state

    @decline.validator
    def _validate_decline(self, request: DeclineQuote) -> None:
        self._require(OPEN_QUOTE, DECLINE_QUOTE)

    @workflow.update
    async def payment(self, request: PaymentUpdate) -> SeatOrderState:
        token = None if patches.patched(CARD_BY_REFERENCE) else request.card_token  # an order paid by token
        try:
            card: CardOnOrder = await activity_calls.run(
                CHECK_CARD_ACTIVITY,
                CheckCard(account_no=self._order.account_no, card=request.card, token=token),
                CardOnOrder,
                retry=activity_calls.GATEWAY_RETRY,
            )
        except ActivityError as err:
            if isinstance(err.cause, ApplicationError):  # the gateway does not know the card: the step's answer
                raise passed_on(err.cause, Refusal.CARD_UNKNOWN) from None
            raise
        country = request.billing_address.country
        quote = self._state.quote
        if quote is not None and quote.tax_country != country and patches.patched(TAX_BY_BILLING_COUNTRY):
            tax = await activity_calls.run(
                TAX_RATE_ACTIVITY,
                TaxLookup(account_no=self._order.account_no, country=country),
                TaxRate,
                local=patches.at_baseline(),
            )
            if (tax.rate, tax.name, tax.country) != (quote.tax_rate, quote.tax_name, quote.tax_country):
                self._state.quote = taxed(quote, tax)
        self._state.card = card
        self._state.admin_contact = request.admin_contact
        self._state.billing_address = request.billing_address
        await self._set_status(
            SeatOrderStatus.SERVICE_ORDER, f"payment details saved ({card.brand} ending {card.last4})"
        )
        return self._state

    @payment.validator
    def _validate_payment(self, request: PaymentUpdate) -> None:
        self._require({SeatOrderStatus.PAYMENT, SeatOrderStatus.SERVICE_ORDER}, SAVE_PAYMENT)

    @workflow.update
    async def place(self, request: PlaceOrder) -> SeatOrderState:
        if self._placing:  # a second click that passed the validator in the same moment
            raise conflict(ALREADY_PLACED)
        self._placing = True
        if self._quiet_placing or patches.patched(DEADLINE_AT_PLACE):  # published with its 24-hour deadline
            self._start_the_clock()
        placed = f"service order placed: processing within {self._order.policy.processing_hours} hours"
        if self._quiet_placing:
            self._set_status_quietly(SeatOrderStatus.PLACED, placed)
        else:
            await self._set_status(SeatOrderStatus.PLACED, placed, save=not self._lean)
        return self._state

    @place.validator
    def _validate_place(self, request: PlaceOrder) -> None:
        if self._placing or self._state.status is SeatOrderStatus.PLACED or self._state.placed_at is not None:
            raise conflict(ALREADY_PLACED)
        self._require({SeatOrderStatus.SERVICE_ORDER}, PLACE_ORDER)

    @workflow.update
    async def approve(self, request: ApproveOrder) -> SeatOrderState:
        self._state.approved_by = request.operator
        await workflow.wait_condition(lambda: self._state.status is not SeatOrderStatus.AWAITING_REVIEW)
        return self._state

    @approve.validator
    def _validate_approve(self, request: ApproveOrder) -> None:
        if self._state.status is not SeatOrderStatus.AWAITING_REVIEW:
            raise conflict(
                because("Nothing to approve: the order is %(status)s.", status=SEAT_ORDER[self._state.status])
            )

    @workflow.signal
    def supersede(self, newer_order_no: str) -> None:
        """A newer order of the same account made a quote: this one's quote expires at once (seed 002)."""
        if self._state.status in BEFORE_PLACED:
            self._superseded_by = newer_order_no

    # ------------------------------------------------------------------ helpers

    async def _end_quote(self, status: SeatOrderStatus, reason: Reason) -> None:
        self._state.reason, self._state.why = reason.english(), reason
        await self._release_open_quote()
        await self._set_status(status, reason.english())

    async def _release_open_quote(self) -> None:
        await activity_calls.run(
            RELEASE_OPEN_QUOTE_ACTIVITY,
            ClaimOpenQuote(account_no=self._order.account_no, order_no=self._order.order_no),
            local=patches.at_baseline(),
        )

    def _require(self, allowed: frozenset[SeatOrderStatus] | set[SeatOrderStatus], action: Word) -> None:
        status = self._state.status
        if self._superseded_by is not None and status in BEFORE_PLACED:
            raise conflict(
                because(
                    "Cannot %(action)s: a newer order (%(order_no)s) replaced this quote.",
                    action=action,
                    order_no=self._superseded_by,
                )
            )
        if status in allowed:
            return
        why = self._state.reason or ""
        if why and status in FINISHED:
            raise conflict(
                because(
                    "Cannot %(action)s: the order is %(status)s. %(why)s",
                    action=action,
                    status=SEAT_ORDER[status],
                    why=why,
                )
            )
        raise conflict(because("Cannot %(action)s: the order is %(status)s.", action=action, status=SEAT_ORDER[status]))
