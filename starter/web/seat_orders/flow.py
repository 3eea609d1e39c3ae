"""Where a seat order is, for the seat portal's pages: the admin's own order (another account's does not exist),
its steps as Updates of its workflow, the page of the step it is at, and the result page for an order that has
moved on. The pages ask the order where it is rather than trusting the URL: an old tab may be a step behind."""

from __future__ import annotations

import re

from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from models.refusals import Refusal
from models.seat_order import STEP_OF_UPDATE, SeatOrderState, SeatOrderStatus
from models.seat_order_rules import no_seat_order
from starter.errors import NotFound, OnrampError
from starter.services import admin_auth as auth
from starter.services import seat_orders
from starter.services import seat_portal as seats
from starter.web.account_services import account_services
from starter.web.deps import TemporalConnection
from starter.web.portals import ADMIN
from starter.web.reading import lazy_gettext
from starter.web.rendering import redirect
from starter.web.seat_orders import words
from store import SessionFactory

ORDER_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{2,39}$")
MENU = "subscriptions"
REFRESH_SECONDS = 3
SUBSCRIPTIONS = ("/admin/subscriptions", lazy_gettext("Back to Subscriptions"))
STEP_PAGES = {
    SeatOrderStatus.CART: "seats",
    SeatOrderStatus.QUOTED: "quote",
    SeatOrderStatus.PAYMENT: "payment",
    SeatOrderStatus.SERVICE_ORDER: "service-order",
}


def order_path(order_no: str, page: str | None = None) -> str:
    return f"/admin/seat-orders/{order_no}" + (f"/{page}" if page else "")


def step_path(state: SeatOrderState) -> str:
    """The page of the order's current step, or its result page."""
    return order_path(state.order_no, STEP_PAGES.get(state.status))


async def find_order(temporal: TemporalConnection, admin: auth.Admin, order_no: str) -> SeatOrderState | None:
    """The admin's own order, or None when it was never started; another account's order does not exist. A number
    that cannot be an order's is refused before Temporal is asked."""
    if not ORDER_NO.match(order_no):
        raise NotFound(no_seat_order(order_no[:40]), type=Refusal.NOT_FOUND)
    try:
        state = await seat_orders.status(await temporal(), order_no)
    except NotFound:
        return None
    if state.account_no != admin.account_no:
        raise NotFound(no_seat_order(order_no), type=Refusal.NOT_FOUND)
    return state


async def own_order(temporal: TemporalConnection, admin: auth.Admin, order_no: str) -> SeatOrderState:
    state = await find_order(temporal, admin, order_no)
    if state is None:
        raise NotFound(no_seat_order(order_no), type=Refusal.NOT_FOUND)
    return state


async def run_step(temporal: TemporalConnection, order_no: str, update: str, body: BaseModel) -> None:
    """One step of the order (its workflow's Update); a refusal is raised, and the page then says why."""
    await seat_orders.step(await temporal(), order_no, update, body, STEP_OF_UPDATE[update].result)


async def result_page(
    sessions: SessionFactory, admin: auth.Admin, state: SeatOrderState, status: int = 200, error: str | None = None
) -> HTMLResponse:
    account = await seats.billing_account(sessions, admin.account_no, account_services())
    found = words.outcome(state, account.billing_contact_email)
    return ADMIN.render(
        "seat_orders/order.html",
        status,
        title=found.title,
        admin=admin,
        menu=MENU,
        wide=True,
        order=state,
        outcome=found,
        refresh_seconds=REFRESH_SECONDS,
        error=error,
    )


async def moved_on(
    temporal: TemporalConnection, sessions: SessionFactory, admin: auth.Admin, order_no: str
) -> Response:
    """A step the order no longer allows (a 409): where it is now, or a sentence saying why not."""
    state = await own_order(temporal, admin, order_no)
    if seats.still_open(state):
        return redirect(step_path(state))
    return await result_page(sessions, admin, state, 409, words.refused_step(state))


async def step_or_moved_on(
    temporal: TemporalConnection,
    sessions: SessionFactory,
    admin: auth.Admin,
    order_no: str,
    update: str,
    body: BaseModel,
) -> Response | None:
    """Run a step that takes no answer from the page (accept, decline, place): None when it ran; when the order has
    moved on meanwhile (declined, expired, replaced, a second click), the page that says where it is now."""
    try:
        await run_step(temporal, order_no, update, body)
    except NotFound:
        raise
    except OnrampError:
        return await moved_on(temporal, sessions, admin, order_no)
    return None
