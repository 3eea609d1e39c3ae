"""SeatOrderWorkflow's own logic, fast: the real workflow on the time-skipping server with fake activities.

Proves the billing admin's path New Seat Qty → review (a quote prorated to the renewal date, with tax) → accept →
payment → place → completed: the charge's idempotency key is the order number, the seats are added with the quote's
lines and the receipt goes to the billing contact. A declined card fails the order with the gateway's reason (no
seats, the open quote released, a declined mail); a line of a product without seat additions is refused, naming the
line's field. No database, no gateway, no SMTP: every activity is a fake that records its input.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from temporalio import activity
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from models.account_services import AccountServices, reach
from models.accounts import Edition, Product
from models.mail import MailStatus
from models.seat_order import (
    AccountSnapshot,
    CardOnOrder,
    ChargeResult,
    PricedLine,
    SeatOrderInput,
    SeatOrderState,
    SeatOrderStatus,
)
from models.seat_order_activities import (
    APPLY_SEAT_ORDER_ACTIVITY,
    CHARGE_ACTIVITY,
    CHECK_CARD_ACTIVITY,
    CLAIM_OPEN_QUOTE_ACTIVITY,
    RELEASE_OPEN_QUOTE_ACTIVITY,
    SAVE_SEAT_ORDER_ACTIVITY,
    TAX_RATE_ACTIVITY,
    ApplySeatOrder,
    ChargeRequest,
    CheckCard,
    ClaimOpenQuote,
    SeatOrderSnapshot,
)
from models.seat_order_requests import (
    AcceptQuote,
    AdminContact,
    BillingAddress,
    NewSeats,
    PaymentDetails,
    PlaceOrder,
    ReviewCart,
    SetQuantities,
)
from models.tax import TaxLookup, TaxRate
from tests.fast_support import CALLS, FastRun, assert_refused, fake_worker, mails, send_mail, skip_to
from workflows.seat_order import SeatOrderWorkflow

ON_FILE = "card_0000000000004242"
DECLINING = "card_dec1dec1dec10002"
DAYS_TO_RENEWAL = 73  # 73/365 = 0.2 exactly: 3 seats x 120.00 x 0.2 = 72.00


# ---------------------------------------------------------------- fake activities


@activity.defn(name=CLAIM_OPEN_QUOTE_ACTIVITY)
async def claim_open_quote(request: ClaimOpenQuote) -> str:
    CALLS.record(request)
    return ""  # no other order of the account had an open quote


@activity.defn(name=RELEASE_OPEN_QUOTE_ACTIVITY)
async def release_open_quote(request: ClaimOpenQuote) -> None:
    CALLS.record(request)


@activity.defn(name=CHECK_CARD_ACTIVITY)
async def check_card(request: CheckCard) -> CardOnOrder:
    CALLS.record(request)
    reference = request.card or ON_FILE
    return CardOnOrder(reference=reference, brand="Visa", last4=reference[-4:])


@activity.defn(name=CHARGE_ACTIVITY)
async def charge_card(request: ChargeRequest) -> ChargeResult:
    """The gateway's test cards: DECLINING is declined, every other card approved."""
    CALLS.record(request)
    declined = request.card == DECLINING
    return ChargeResult(
        outcome="declined" if declined else "approved",
        reason="insufficient funds" if declined else None,
        reference=f"ch_{request.idempotency_key}",
        amount=request.amount,
        currency=request.currency,
    )


@activity.defn(name=APPLY_SEAT_ORDER_ACTIVITY)
async def apply_seat_order(request: ApplySeatOrder) -> None:
    CALLS.record(request)


@activity.defn(name=SAVE_SEAT_ORDER_ACTIVITY)
async def save_seat_order(snapshot: SeatOrderSnapshot) -> None:
    CALLS.record(snapshot)


@activity.defn(name=TAX_RATE_ACTIVITY)
async def tax_rate_for(lookup: TaxLookup) -> TaxRate:
    """Taiwan's business tax, as the rate table has it."""
    CALLS.record(lookup)
    return TaxRate(country=lookup.country, rate=Decimal("0.05"), name="營業稅")


ACTIVITIES: list[Callable[..., Any]] = [
    tax_rate_for,
    claim_open_quote,
    release_open_quote,
    check_card,
    charge_card,
    apply_seat_order,
    save_seat_order,
    send_mail,
]


# ---------------------------------------------------------------- the order


def _account(today: date) -> AccountSnapshot:
    return AccountSnapshot(
        account_no="ACC-FAST-1",
        customer_name="Yitong Trading",
        self_service=True,
        pays_by_card=True,
        card_last4="4242",
        currency="EUR",
        tax_rate=Decimal("0.22"),
        billing_contact_email="billing@yitong.example",
        billing_contact_name="Mei Lin",
        customer_type="Group",
        lines=[
            PricedLine(
                product=Product.GOTO_MEETING,
                edition=Edition.STANDARD,
                seats=10,
                unit_price=Decimal("120.00"),
                renewal_date=today + timedelta(days=DAYS_TO_RENEWAL),
            )
        ],
    )


ADMIN = AdminContact(first_name="Mei", last_name="Lin", email="mei@yitong.example")
ADDRESS = BillingAddress(company="Yitong Trading", street="Xinyi Rd 5", city="Taipei", postal_code="110", country="tw")


def _payment(card: str | None) -> PaymentDetails:
    """Save and continue: the admin, the card's reference (None: the card on file) and the billing address."""
    return PaymentDetails(admin_contact=ADMIN, card=card, billing_address=ADDRESS)


async def _at_ten_utc(env: WorkflowEnvironment) -> datetime:
    """Skip to 10:00 UTC: the quote counts days from the workflow's date, which must not change during the test."""
    now = await env.get_current_time()
    ten = now.replace(hour=10, minute=0, second=0, microsecond=0)
    if ten <= now:
        ten += timedelta(days=1)
    await skip_to(env, ten)
    return ten


def _order(today: date) -> SeatOrderInput:
    """As the portal starts it: with the account as read at the start (its prices quote)."""
    return SeatOrderInput(
        order_no=f"SO-FAST-{uuid.uuid4().hex[:8].upper()}",
        account_no="ACC-FAST-1",
        requested_by="mei@yitong.example",
        account=_account(today),
    )


async def _up_to_service_order(
    run: FastRun, o: SeatOrderInput, card: str | None
) -> WorkflowHandle[SeatOrderWorkflow, SeatOrderState]:
    """New Seat Qty (3 x GoTo Meeting Standard) → review → accept → payment: ready to place."""
    handle = await run.start(SeatOrderWorkflow.run, o, id=o.workflow_id)
    three = NewSeats(product=Product.GOTO_MEETING, edition=Edition.STANDARD, new_seats=3)
    await handle.execute_update(SeatOrderWorkflow.set_quantities, SetQuantities(lines=[three]))
    await handle.execute_update(SeatOrderWorkflow.review, ReviewCart())
    await handle.execute_update(SeatOrderWorkflow.accept, AcceptQuote())
    await handle.execute_update(SeatOrderWorkflow.payment, _payment(card))
    return handle


# ---------------------------------------------------------------- the tests


async def test_a_placed_order_is_charged_once_by_order_number_gets_its_seats_and_a_receipt(
    ts_env: WorkflowEnvironment,
) -> None:
    today = (await _at_ten_utc(ts_env)).date()
    o = _order(today)
    async with fake_worker(ts_env, [SeatOrderWorkflow], ACTIVITIES) as run:
        handle = await run.start(SeatOrderWorkflow.run, o, id=o.workflow_id)
        assert (await handle.query(SeatOrderWorkflow.status)).status is SeatOrderStatus.CART

        three = NewSeats(product=Product.GOTO_MEETING, edition=Edition.STANDARD, new_seats=3)
        cart = await handle.execute_update(SeatOrderWorkflow.set_quantities, SetQuantities(lines=[three]))
        assert (cart.status, cart.cart) == (SeatOrderStatus.CART, [three])

        quote = await handle.execute_update(SeatOrderWorkflow.review, ReviewCart())
        [line] = quote.lines
        assert (line.new_seats, line.unit_price, line.days_to_renewal) == (3, Decimal("120.00"), DAYS_TO_RENEWAL)
        assert line.amount == Decimal("72.00")  # prorated: 3 x 120.00 x 73 / 365
        assert (quote.subtotal, quote.tax, quote.total, quote.currency) == (
            Decimal("72.00"),
            Decimal("15.84"),
            Decimal("87.84"),
            "EUR",
        )
        assert quote.expires_at - quote.quoted_at == timedelta(days=7)
        assert CALLS.of(o.workflow_id, CLAIM_OPEN_QUOTE_ACTIVITY) == [
            ClaimOpenQuote(account_no=o.account_no, order_no=o.order_no)
        ]

        accepted = await handle.execute_update(SeatOrderWorkflow.accept, AcceptQuote())
        assert accepted.status is SeatOrderStatus.PAYMENT
        paid = await handle.execute_update(SeatOrderWorkflow.payment, _payment(None))
        assert paid.status is SeatOrderStatus.SERVICE_ORDER
        assert paid.quote is not None  # the billing address is in Taiwan: its 5% business tax replaces the 22%
        assert (paid.quote.tax_name, paid.quote.tax_rate, paid.quote.tax, paid.quote.total) == (
            "營業稅",
            Decimal("0.05"),
            Decimal("3.60"),
            Decimal("75.60"),
        )
        assert CALLS.of(o.workflow_id, TAX_RATE_ACTIVITY) == [TaxLookup(account_no=o.account_no, country="TW")]
        assert paid.card == CardOnOrder(reference=ON_FILE, brand="Visa", last4="4242")
        assert CALLS.of(o.workflow_id, CHECK_CARD_ACTIVITY) == [CheckCard(account_no=o.account_no, card=None)]

        placed = await handle.execute_update(SeatOrderWorkflow.place, PlaceOrder())
        assert placed.status is SeatOrderStatus.PLACED
        assert placed.process_by is not None and placed.placed_at is not None
        assert placed.process_by - placed.placed_at == timedelta(hours=24)
        final = await handle.result()

    assert final.status is SeatOrderStatus.COMPLETED
    assert not final.escalated
    [charge] = CALLS.of(o.workflow_id, CHARGE_ACTIVITY)
    assert charge == ChargeRequest(
        idempotency_key=o.order_no, account_no=o.account_no, card=ON_FILE, amount=Decimal("75.60"), currency="EUR"
    )
    assert final.charge is not None and (final.charge.outcome, final.charge.amount) == ("approved", Decimal("75.60"))
    [seats] = CALLS.of(o.workflow_id, APPLY_SEAT_ORDER_ACTIVITY)
    assert seats.lines == quote.lines and seats.promotion is None
    assert (seats.admin_contact, seats.payment_type, seats.customer_type) == (
        ADMIN,
        "Credit card",
        "Group",
    )
    assert seats.billing_address.country == "TW"
    [receipt] = mails(o.workflow_id)
    assert (receipt.purpose, receipt.template, receipt.recipient.email) == (
        "receipt",
        "seat_order_receipt",
        "billing@yitong.example",
    )
    assert receipt.context["charge"]["amount"] == "75.60"
    assert [(m.purpose, m.to, m.status) for m in final.mails] == [
        ("receipt", "billing@yitong.example", MailStatus.SENT)
    ]
    texts = [text for _, text in final.timeline]
    assert texts[-2:] == [
        "completed: charged 75.60 EUR, seats added",
        "E-mail 'seat_order_receipt #1' sent to billing@yitong.example",
    ]


async def test_a_declined_card_fails_the_order_with_the_gateways_reason(ts_env: WorkflowEnvironment) -> None:
    today = (await _at_ten_utc(ts_env)).date()
    o = _order(today)
    async with fake_worker(ts_env, [SeatOrderWorkflow], ACTIVITIES) as run:
        handle = await _up_to_service_order(run, o, DECLINING)
        await handle.execute_update(SeatOrderWorkflow.place, PlaceOrder())
        final = await handle.result()

    assert final.status is SeatOrderStatus.FAILED
    assert final.reason == "The card was declined: insufficient funds"
    assert final.charge is not None and final.charge.outcome == "declined"
    [charge] = CALLS.of(o.workflow_id, CHARGE_ACTIVITY)
    assert (charge.idempotency_key, charge.card, charge.card_token) == (o.order_no, DECLINING, None)
    assert CALLS.of(o.workflow_id, APPLY_SEAT_ORDER_ACTIVITY) == []  # no seats without the money
    assert CALLS.of(o.workflow_id, RELEASE_OPEN_QUOTE_ACTIVITY) == [
        ClaimOpenQuote(account_no=o.account_no, order_no=o.order_no)
    ]
    assert [(m.purpose, m.template, m.recipient.email) for m in mails(o.workflow_id)] == [
        ("declined", "seat_order_declined", "billing@yitong.example")
    ]
    assert "failed: The card was declined: insufficient funds" in [text for _, text in final.timeline]


async def test_a_line_of_a_product_without_seat_additions_is_refused_naming_the_line(
    ts_env: WorkflowEnvironment,
) -> None:
    o = _order((await ts_env.get_current_time()).date())
    async with fake_worker(ts_env, [SeatOrderWorkflow], ACTIVITIES) as run:
        handle = await run.start(SeatOrderWorkflow.run, o, id=o.workflow_id)

        with pytest.raises(WorkflowUpdateFailedError) as caught:
            await handle.execute_update(
                SeatOrderWorkflow.set_quantities,
                SetQuantities(lines=[NewSeats(product=Product.GOTO_CONNECT, edition=Edition.STANDARD, new_seats=2)]),
            )
        assert_refused(
            caught,
            "InvalidStep",
            "GoTo Connect does not support seat additions here (only GoTo Meeting, GoTo Webinar, GoTo Training, "
            "GoToAssist v4 and GoToAssist v5 do). Please contact Corporate Account Services. "
            + reach(AccountServices()).english(),  # the policy's Corporate Account Services
            field="lines.0.product",
        )

        # The field names the offending line: here the second one, an edition the account does not have.
        with pytest.raises(WorkflowUpdateFailedError) as caught:
            await handle.execute_update(
                SeatOrderWorkflow.set_quantities,
                SetQuantities(
                    lines=[
                        NewSeats(product=Product.GOTO_MEETING, edition=Edition.STANDARD, new_seats=1),
                        NewSeats(product=Product.GOTO_MEETING, edition=Edition.ENTERPRISE, new_seats=1),
                    ]
                ),
            )
        assert_refused(
            caught,
            "InvalidStep",
            "The account has no GoTo Meeting Enterprise subscription.",
            field="lines.1.product",
        )

        state = await handle.query(SeatOrderWorkflow.status)
        assert (state.status, state.cart, state.quote) == (SeatOrderStatus.CART, [], None)
