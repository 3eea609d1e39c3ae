"""The seat portal's way in (seed 002): Subscriptions (products, seats, renewal dates, seat orders), then Add seats,
where New Seat Qty per product is the cart; Save cart & review starts the order on its first save and makes the
quote. An account that cannot add seats itself is told why before it types anything."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from models.accounts import PaymentMethod
from models.refusals import Refusal, because
from models.seat_order import SeatOrderInput
from models.seat_order_requests import NewSeats, ReviewCart, SetQuantities
from starter.errors import NotFound, OnrampError, StepRefused
from starter.services import admin_auth as auth
from starter.services import seat_orders, seat_quotes
from starter.services import seat_portal as seats
from starter.web import params
from starter.web.access import PageAdmin
from starter.web.account_services import account_services
from starter.web.deps import AppSettings, Sessions, Temporal
from starter.web.forms import FormSpec, form_of, refusal_errors
from starter.web.guard import guarded
from starter.web.portals import ADMIN
from starter.web.reading import gettext
from starter.web.rendering import redirect
from starter.web.said import said
from starter.web.seat_orders import words
from starter.web.seat_orders.flow import (
    MENU,
    SUBSCRIPTIONS,
    find_order,
    moved_on,
    order_path,
    own_order,
    result_page,
    run_step,
    step_path,
)
from store import SessionFactory
from store.cards import cards_of

router = APIRouter(include_in_schema=False)


def cart_form(keys: list[str]) -> FormSpec:
    """The New Seat Qty form: one field per product of the account. The workflow names a refused line by its place
    in the cart (``lines.<i>.<field>``); ``keys`` are the cart's lines' fields, in that order."""
    lines = {f"lines.{index}.{name}": key for index, key in enumerate(keys) for name in NewSeats.model_fields}
    return FormSpec(fields=(*keys, PROMOTION_CODE), aliases=lines)


PROMOTION_CODE = "promotion_code"


@router.get("/admin/subscriptions", response_class=HTMLResponse)
@guarded(ADMIN)
async def subscriptions_page(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    account = await seats.billing_account(sessions, admin.account_no, account_services())
    return ADMIN.render(
        "seat_orders/subscriptions.html",
        title=gettext("Subscriptions"),
        admin=admin,
        menu=MENU,
        wide=True,
        account=account,
        rows=await seats.subscriptions(sessions, admin.account_no),
        orders=await seats.seat_orders(sessions, admin.account_no),
        automatic=await _pays_automatically(sessions, admin.account_no),
    )


async def _pays_automatically(sessions: SessionFactory, account_no: str) -> str | None:
    """The card the account pays by automatically ('Visa ending 4242'), or None when it pays by invoice."""
    method, on_file, _ = await cards_of(sessions, account_no)
    return words.card(on_file.brand, on_file.last4) if method == PaymentMethod.CARD.value and on_file else None


@router.get("/admin/seat-orders/new", response_class=HTMLResponse)
@guarded(ADMIN)
async def new_order_page(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    """A new order number each time: the order starts only when its cart is first saved."""
    return await _cart_page(sessions, admin, seat_orders.new_order_no())


@router.get("/admin/seat-orders/{order_no}/seats", response_class=HTMLResponse)
@guarded(ADMIN)
async def cart_page(
    order_no: params.OrderNo, request: Request, admin: PageAdmin, sessions: Sessions, temporal: Temporal
) -> Response:
    state = await own_order(temporal, admin, order_no)
    if not seats.still_open(state):
        return redirect(step_path(state))
    rows = await seats.subscriptions(sessions, admin.account_no)
    chosen = {(line.product, line.edition): str(line.new_seats) for line in state.cart}
    values = {row.key: chosen[(row.product, row.edition)] for row in rows if (row.product, row.edition) in chosen}
    if state.promotion is not None:
        values[PROMOTION_CODE] = state.promotion.code
    return await _cart_page(sessions, admin, order_no, values)


@router.post("/admin/seat-orders/{order_no}/seats", response_class=HTMLResponse)
@guarded(ADMIN)
async def save_cart(
    order_no: params.OrderNo,
    request: Request,
    admin: PageAdmin,
    sessions: Sessions,
    settings: AppSettings,
    temporal: Temporal,
) -> Response:
    existing = await find_order(temporal, admin, order_no)
    rows = await seats.subscriptions(sessions, admin.account_no)
    form = await form_of(request)
    values = {row.key: form.get(row.key, "") for row in rows if row.supported}
    code = form.get(PROMOTION_CODE, "").strip()
    lines, keys, errors = seats.quantities(rows, values)
    values[PROMOTION_CODE] = code
    errors = {key: str(words.WHOLE_NUMBER) for key in errors}  # the one thing quantities() says
    if errors or not lines:
        nothing = None if errors else str(words.NOTHING_ADDED)
        return await _cart_page(sessions, admin, order_no, values, errors, nothing, 422)
    if existing is None:
        order = SeatOrderInput(order_no=order_no, account_no=admin.account_no, requested_by=admin.email)
        try:
            await seat_orders.start(await temporal(), settings, sessions, order)
        except NotFound:
            raise
        except OnrampError as err:  # not self-service, or no automatic payment method
            return await _cart_page(sessions, admin, order_no, values, error=said(err), status=err.http_status)
    elif not seats.still_open(existing):
        return await result_page(sessions, admin, existing, 409, words.refused_step(existing))
    try:
        quantities = cart_step(lines, code)
        await run_step(temporal, order_no, "set_quantities", quantities)
        await run_step(temporal, order_no, "review", ReviewCart())
    except NotFound:
        raise
    except OnrampError as err:
        errors, top = refusal_errors(err, cart_form(keys))
        if errors:
            return await _cart_page(sessions, admin, order_no, values, errors, status=err.http_status)
        if err.http_status == 409:
            return await moved_on(temporal, sessions, admin, order_no)
        return await _cart_page(sessions, admin, order_no, values, error=top, status=err.http_status)
    return redirect(order_path(order_no, "quote"))


def cart_step(lines: list[NewSeats], code: str) -> SetQuantities:
    """The cart as the Update takes it; a code that cannot be one is refused here, next to its field."""
    try:
        return SetQuantities(lines=lines, promotion_code=code or None)
    except ValidationError as err:
        raise StepRefused(
            because("Enter the promotion code as it was given to you: 3 to 32 letters, digits, - or _."),
            field=PROMOTION_CODE,
            type=Refusal.PROMOTION_INVALID,
        ) from err


async def _cart_page(
    sessions: SessionFactory,
    admin: auth.Admin,
    order_no: params.OrderNo,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    account = await seats.billing_account(sessions, admin.account_no, account_services())
    rows = await seats.subscriptions(sessions, admin.account_no)
    if account.refusal:
        return ADMIN.message(
            gettext("Seats cannot be added"), said(account.refusal), 409, link=SUBSCRIPTIONS, admin=admin, menu=MENU
        )
    return ADMIN.render(
        "seat_orders/cart.html",
        status,
        title=gettext("Add seats"),
        admin=admin,
        menu=MENU,
        wide=True,
        account=account,
        rows=rows,
        order_no=order_no,
        values=values or {},
        errors=errors or {},
        error=error,
        superseded=await seat_quotes.open_quote(sessions, admin.account_no, account.open_quote),
    )
