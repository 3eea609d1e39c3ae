"""The seat order's quote (seed 002): the prorated lines, tax and total, valid until its expiry; Proceed to payment
accepts it, Decline quote ends the order (with an optional reason). An old tab's click on a quote that has moved on
gets the order's current page, or a sentence saying why it cannot."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from models.seat_order import OPEN_QUOTE, SeatOrderState, SeatOrderStatus
from models.seat_order_requests import AcceptQuote, DeclineQuote
from starter.services import admin_auth as auth
from starter.web import params
from starter.web.access import PageAdmin
from starter.web.deps import Sessions, Temporal
from starter.web.forms import FormSpec, field_errors, form_of
from starter.web.guard import guarded
from starter.web.portals import ADMIN
from starter.web.reading import gettext, lazy_gettext
from starter.web.rendering import redirect
from starter.web.seat_orders.flow import MENU, order_path, own_order, step_or_moved_on, step_path

router = APIRouter(include_in_schema=False)
QUOTES_AREA = "/admin/quotes"

DECLINE_FORM = FormSpec(
    fields=("reason",), hints={"reason": lazy_gettext("Keep the reason to 300 characters or fewer.")}
)


@router.get("/admin/seat-orders/{order_no}/quote", response_class=HTMLResponse)
@guarded(ADMIN)
async def show_quote(order_no: params.OrderNo, request: Request, admin: PageAdmin, temporal: Temporal) -> Response:
    return _quote_page(admin, await own_order(temporal, admin, order_no))


@router.post("/admin/seat-orders/{order_no}/accept", response_class=HTMLResponse)
@guarded(ADMIN)
async def accept(
    order_no: params.OrderNo, request: Request, admin: PageAdmin, sessions: Sessions, temporal: Temporal
) -> Response:
    await own_order(temporal, admin, order_no)
    moved = await step_or_moved_on(temporal, sessions, admin, order_no, "accept", AcceptQuote())
    return moved or redirect(order_path(order_no, "payment"))


@router.post("/admin/seat-orders/{order_no}/decline", response_class=HTMLResponse)
@guarded(ADMIN)
async def decline(
    order_no: params.OrderNo, request: Request, admin: PageAdmin, sessions: Sessions, temporal: Temporal
) -> Response:
    state = await own_order(temporal, admin, order_no)
    form = await form_of(request)
    reason = form.get("reason", "").strip()
    try:
        body = DeclineQuote(reason=reason or None)
    except ValidationError as err:
        errors, _ = field_errors(err, DECLINE_FORM)
        return _quote_page(admin, state, {"reason": reason}, errors, 422)
    moved = await step_or_moved_on(temporal, sessions, admin, order_no, "decline", body)
    back = QUOTES_AREA if form.get("back") == "quotes" else order_path(order_no)  # declined in the Quotes area
    return moved or redirect(back)


def _quote_page(
    admin: auth.Admin,
    state: SeatOrderState,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """An accepted quote is shown without its button (the payment page is next); no open quote, no page."""
    if state.status not in OPEN_QUOTE or state.quote is None:
        return redirect(step_path(state))
    return ADMIN.render(
        "seat_orders/quote.html",
        status,
        title=gettext("Your quote"),
        admin=admin,
        menu=MENU,
        wide=True,
        order=state,
        quote=state.quote,
        accepted=state.status is not SeatOrderStatus.QUOTED,
        values=values or {},
        errors=errors or {},
    )
