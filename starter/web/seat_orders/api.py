"""Seat orders over HTTP (seed 002): start, each portal step, and the sandbox gateway's cards (by reference).

Each step is an Update of the order's SeatOrderWorkflow; a refusal comes back as the Update's error (409 when the
order is not where the step applies, 422 with the field when the input breaks a rule).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import EmailStr, Field, SecretStr, StringConstraints

from models.accounts import PaymentMethod
from models.common import Contract
from models.refusals import Refusal
from models.seat_order import (
    SEAT_ORDER_STEPS,
    CardOnOrder,
    OrderNo,
    SeatOrderInput,
    SeatOrderPolicy,
    SeatOrderState,
    SeatOrderStep,
)
from models.seat_order_requests import CardReference
from starter.errors import OnrampError
from starter.services import seat_documents, seat_orders, seat_quotes
from starter.services.callers import as_operator
from starter.web import params
from starter.web.access import Operator
from starter.web.deps import AppSettings, Sessions, Temporal
from starter.web.errors import ERROR_RESPONSES
from starter.web.seat_orders.account_access import OwnAccount, OwnSeatOrder, ReadableSeatOrder
from starter.web.seat_orders.document_pages import pdf_download
from store.cards import CardRefused, cards_of, pay_automatically, pay_by_invoice, tokenize

router = APIRouter(tags=["seat orders"], responses=ERROR_RESPONSES)
STEP = "/api/seat-orders/{order_no}"
OPERATOR_STEPS = frozenset({"approve"})
"""Steps an operator takes (a token with orders:act); every other step is the account's own admin's."""


class StartSeatOrder(Contract):
    """The admin's start; the order's timers and limits (the review threshold among them) are onramp's own."""

    requested_by: EmailStr
    order_no: OrderNo | None = Field(default=None, description="Made up when absent (SO-<date>-<hex>).")


class NewCard(Contract):
    """A card for the sandbox gateway; only a token, the brand and the last four digits are kept, and the card is
    answered by its reference."""

    number: SecretStr = Field(max_length=40)
    expiry: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=7, pattern=r"^(0?[1-9]|1[0-2])/(\d{2}|\d{4})$")
    ] = Field(description="MM/YYYY (or MM/YY)")


@router.post(
    "/api/accounts/{account_no}/seat-orders",
    status_code=201,
    response_model=SeatOrderState,
    summary="Add seats: start a seat order",
)
async def start(
    account_no: params.AccountNo,
    body: StartSeatOrder,
    admin: OwnAccount,
    temporal: Temporal,
    settings: AppSettings,
    sessions: Sessions,
    response: Response,
) -> SeatOrderState:
    """201 with the new order; 200 with the order as it is when its number has been started before (running or
    finished: a number never runs twice)."""
    order = SeatOrderInput(
        order_no=body.order_no or seat_orders.new_order_no(),
        account_no=account_no,
        requested_by=body.requested_by,
        policy=SeatOrderPolicy(),
    )
    state, created = await seat_orders.start_or_find(await temporal(), settings, sessions, order)
    if not created:
        response.status_code = 200
    return state


@router.get(STEP, response_model=SeatOrderState, summary="A seat order's state")
async def read(order: ReadableSeatOrder) -> SeatOrderState:
    return order


@router.get(
    "/api/accounts/{account_no}/quotes",
    response_model=list[seat_quotes.QuoteRow],
    summary="The Quotes area: the account's quotes",
)
async def quotes(account_no: params.AccountNo, admin: OwnAccount, sessions: Sessions) -> list[seat_quotes.QuoteRow]:
    """Newest first, with their state (open, accepted, declined, expired, superseded), number, total and expiry;
    accept or decline an open one with its order's ``accept`` and ``decline`` steps."""
    return await seat_quotes.quotes(sessions, account_no)


@router.post(
    "/api/accounts/{account_no}/cards",
    status_code=201,
    response_model=CardOnOrder,
    summary="Keep a card (sandbox gateway)",
)
async def add_card(account_no: params.AccountNo, body: NewCard, admin: OwnAccount, sessions: Sessions) -> CardOnOrder:
    """201 with the card's reference (the payment step's ``card``), brand and last four digits. The gateway's token
    stays in its database: it is never answered, and the payment step does not take one."""
    try:
        return await tokenize(sessions, account_no, body.number.get_secret_value(), body.expiry, datetime.now(UTC))
    except CardRefused as err:
        error = OnrampError(err.reason, type=Refusal.CARD_REFUSED, field="number")
        error.http_status = 422
        raise error from None


class PaymentMethodState(Contract):
    """How the account pays: ``card`` (automatic: the card on file is charged, and seats can be added here) or
    ``invoice``; and the cards it keeps, by reference."""

    method: PaymentMethod
    card: CardOnOrder | None = Field(default=None, description="The card on file: the one automatic payment uses.")
    cards: list[CardOnOrder]


class ChangePaymentMethod(Contract):
    method: PaymentMethod
    card: CardReference | None = Field(
        default=None,
        description="For ``card``: one of the account's cards (POST /api/accounts/{no}/cards adds one); empty: the "
        "card on file.",
    )


@router.get(
    "/api/accounts/{account_no}/payment-method",
    response_model=PaymentMethodState,
    summary="How the account pays (automatic by card, or invoice)",
)
async def payment_method(account_no: params.AccountNo, admin: OwnAccount, sessions: Sessions) -> PaymentMethodState:
    method, on_file, cards = await cards_of(sessions, account_no)
    return PaymentMethodState(method=PaymentMethod(method), card=on_file, cards=cards)


@router.put(
    "/api/accounts/{account_no}/payment-method",
    response_model=PaymentMethodState,
    summary="Switch to automatic payment by card, or back to invoices",
)
async def change_payment_method(
    account_no: params.AccountNo, body: ChangePaymentMethod, admin: OwnAccount, sessions: Sessions
) -> PaymentMethodState:
    """Seed 002: adding seats needs an automatic payment method. ``card`` makes the account self-service-eligible
    (422 naming ``card`` when it has no such card); ``invoice`` switches back, the card staying on file."""
    try:
        if body.method is PaymentMethod.CARD:
            await pay_automatically(sessions, account_no, body.card)
        else:
            await pay_by_invoice(sessions, account_no)
    except CardRefused as err:
        error = OnrampError(err.reason, type=Refusal.CARD_REFUSED, field="card")
        error.http_status = 422
        raise error from None
    return await payment_method(account_no, admin, sessions)


# ---------------------------------------------------------------------------------------------- the steps


def _step_endpoint(step: SeatOrderStep) -> Callable[..., Awaitable[Any]]:
    """POST /api/seat-orders/{order_no}/<path>: the step's input in the body, its Update from the step table."""

    async def run_step(order_no: params.OrderNo, body: Any, order: OwnSeatOrder, temporal: Temporal) -> Any:
        return await seat_orders.step(await temporal(), order_no, step.update, body, step.result)

    async def run_operator_step(order_no: params.OrderNo, body: Any, caller: Operator, temporal: Temporal) -> Any:
        return await seat_orders.step(await temporal(), order_no, step.update, as_operator(body, caller), step.result)

    if step.update in OPERATOR_STEPS:
        run_step = run_operator_step

    run_step.__name__ = f"seat_order_{step.update}"
    run_step.__annotations__ = {**run_step.__annotations__, "body": step.model, "return": step.result}
    return run_step


for _step in SEAT_ORDER_STEPS:
    router.add_api_route(
        f"{STEP}/{_step.path}",
        _step_endpoint(_step),
        methods=["POST"],
        response_model=_step.result,
        summary=_step.summary,
    )


# ---------------------------------------------------------------------------------------------- the documents

PDF_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        "description": "The PDF, as an attachment named after the document's number.",
    }
}


@router.get(
    f"{STEP}/quote.pdf",
    response_class=Response,
    responses=PDF_ANSWER,
    summary="The order's quote as a PDF (Q-<order no>-<n>)",
)
async def quote_pdf(order: ReadableSeatOrder, sessions: Sessions) -> Response:
    """In the billing contact's language; 409 while the order has no quote."""
    return pdf_download(await seat_documents.quote(sessions, order))


@router.get(
    f"{STEP}/receipt.pdf",
    response_class=Response,
    responses=PDF_ANSWER,
    summary="The completed order's receipt as a PDF (R-<order no>)",
)
async def receipt_pdf(order: ReadableSeatOrder, sessions: Sessions) -> Response:
    """The receipt the billing contact was mailed: the quote's lines and totals, the amount charged, the card and
    the gateway's reference. 409 until the order is completed."""
    return pdf_download(await seat_documents.receipt(sessions, order))
