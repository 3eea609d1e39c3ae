"""Seat orders over HTTP (seed 002): start, each portal step, and the sandbox gateway's card tokens.

Each step is an Update of the order's SeatOrderWorkflow; a refusal comes back as the Update's error (409 when the
order is not where the step applies, 422 with the field when the input breaks a rule).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, EmailStr, Field, SecretStr, StringConstraints

from models.refusals import Refusal
from models.seat_order import (
    AcceptQuote,
    ApproveOrder,
    CardOnOrder,
    DeclineQuote,
    OrderNo,
    PaymentDetails,
    PlaceOrder,
    Quote,
    ReviewCart,
    SeatOrderInput,
    SeatOrderPolicy,
    SeatOrderState,
    SetQuantities,
)
from starter.errors import OnrampError
from starter.services import seat_orders
from starter.web.deps import AppSettings, Sessions, Temporal
from starter.web.errors import ERROR_RESPONSES
from store.cards import CardRefused, tokenize

router = APIRouter(tags=["seat orders"], responses=ERROR_RESPONSES)
STEP = "/api/seat-orders/{order_no}"


class StartSeatOrder(BaseModel):
    requested_by: EmailStr
    order_no: OrderNo | None = Field(default=None, description="Made up when absent (SO-<date>-<hex>).")
    policy: SeatOrderPolicy | None = None


class NewCard(BaseModel):
    """A card for the sandbox gateway; only a token, the brand and the last four digits are kept."""

    number: SecretStr
    expiry: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{1,2}/\d{2,4}$")] = Field(
        description="MM/YYYY"
    )


@router.post(
    "/api/accounts/{account_no}/seat-orders",
    status_code=201,
    response_model=SeatOrderState,
    summary="Add seats: start a seat order",
)
async def start(
    account_no: str, body: StartSeatOrder, temporal: Temporal, settings: AppSettings, sessions: Sessions
) -> SeatOrderState:
    order = SeatOrderInput(
        order_no=body.order_no or seat_orders.new_order_no(),
        account_no=account_no,
        requested_by=body.requested_by,
        policy=body.policy or SeatOrderPolicy(),
    )
    return await seat_orders.start(await temporal(), settings, sessions, order)


@router.get(STEP, response_model=SeatOrderState, summary="A seat order's state")
async def read(order_no: str, temporal: Temporal) -> SeatOrderState:
    return await seat_orders.status(await temporal(), order_no)


@router.post(
    "/api/accounts/{account_no}/cards",
    status_code=201,
    response_model=CardOnOrder,
    summary="Keep a card (sandbox gateway)",
)
async def add_card(account_no: str, body: NewCard, sessions: Sessions) -> CardOnOrder:
    try:
        return await tokenize(sessions, account_no, body.number.get_secret_value(), body.expiry, datetime.now(UTC))
    except CardRefused as err:
        error = OnrampError(str(err), type=Refusal.CARD_REFUSED, field="number")
        error.http_status = 422
        raise error from None


# ---------------------------------------------------------------------------------------------- the steps


@router.post(f"{STEP}/quantities", response_model=SeatOrderState, summary="New Seat Qty: the cart's lines")
async def seat_order_set_quantities(order_no: str, body: SetQuantities, temporal: Temporal) -> SeatOrderState:
    return await seat_orders.step(await temporal(), order_no, "set_quantities", body, SeatOrderState)


@router.post(f"{STEP}/review", response_model=Quote, summary="Save cart & review: make the quote.")
async def seat_order_review(order_no: str, body: ReviewCart, temporal: Temporal) -> Quote:
    return await seat_orders.step(await temporal(), order_no, "review", body, Quote)


@router.post(f"{STEP}/accept", response_model=SeatOrderState, summary="Proceed to payment.")
async def seat_order_accept(order_no: str, body: AcceptQuote, temporal: Temporal) -> SeatOrderState:
    return await seat_orders.step(await temporal(), order_no, "accept", body, SeatOrderState)


@router.post(f"{STEP}/decline", response_model=SeatOrderState, summary="Decline the quote (with an optional reason).")
async def seat_order_decline(order_no: str, body: DeclineQuote, temporal: Temporal) -> SeatOrderState:
    return await seat_orders.step(await temporal(), order_no, "decline", body, SeatOrderState)


@router.post(
    f"{STEP}/payment",
    response_model=SeatOrderState,
    summary="Save and continue to the service order. The card is a token from the gateway (never a card number).",
)
async def seat_order_payment(order_no: str, body: PaymentDetails, temporal: Temporal) -> SeatOrderState:
    return await seat_orders.step(await temporal(), order_no, "payment", body, SeatOrderState)


@router.post(f"{STEP}/place", response_model=SeatOrderState, summary="Place the service order.")
async def seat_order_place(order_no: str, body: PlaceOrder, temporal: Temporal) -> SeatOrderState:
    return await seat_orders.step(await temporal(), order_no, "place", body, SeatOrderState)


@router.post(f"{STEP}/approve", response_model=SeatOrderState, summary="Approve an order waiting for a manual review.")
async def seat_order_approve(order_no: str, body: ApproveOrder, temporal: Temporal) -> SeatOrderState:
    return await seat_orders.step(await temporal(), order_no, "approve", body, SeatOrderState)
