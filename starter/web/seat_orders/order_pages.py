"""The seat order's last steps (seed 002): the service order to check and place, then the order's own page, which
refreshes itself while the order is processed and then says how it ended (completed, failed, declined, …)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from models.seat_order import SeatOrderStatus
from models.seat_order_requests import PlaceOrder
from starter.services import seat_portal as seats
from starter.web import params
from starter.web.access import PageAdmin
from starter.web.account_services import account_services
from starter.web.deps import Sessions, Temporal
from starter.web.guard import guarded
from starter.web.portals import ADMIN
from starter.web.reading import gettext
from starter.web.rendering import redirect
from starter.web.seat_orders.flow import (
    MENU,
    order_path,
    own_order,
    result_page,
    step_or_moved_on,
    step_path,
)

router = APIRouter(include_in_schema=False)


@router.get("/admin/seat-orders/{order_no}/service-order", response_class=HTMLResponse)
@guarded(ADMIN)
async def service_order_page(
    order_no: params.OrderNo, request: Request, admin: PageAdmin, sessions: Sessions, temporal: Temporal
) -> Response:
    state = await own_order(temporal, admin, order_no)
    if state.status is not SeatOrderStatus.SERVICE_ORDER or state.billing_address is None:
        return redirect(step_path(state))
    account = await seats.billing_account(sessions, admin.account_no, account_services())
    a = state.billing_address
    return ADMIN.render(
        "seat_orders/service_order.html",
        title=gettext("Service order"),
        admin=admin,
        menu=MENU,
        wide=True,
        order=state,
        address=f"{a.company}, {a.street}, {a.postal_code} {a.city}, {a.country}",
        billing_contact=account.billing_contact_email,
    )


@router.post("/admin/seat-orders/{order_no}/place", response_class=HTMLResponse)
@guarded(ADMIN)
async def place(
    order_no: params.OrderNo, request: Request, admin: PageAdmin, sessions: Sessions, temporal: Temporal
) -> Response:
    await own_order(temporal, admin, order_no)
    moved = await step_or_moved_on(temporal, sessions, admin, order_no, "place", PlaceOrder())
    return moved or redirect(order_path(order_no))


@router.get("/admin/seat-orders/{order_no}", response_class=HTMLResponse)
@guarded(ADMIN)
async def order_page(
    order_no: params.OrderNo, request: Request, admin: PageAdmin, sessions: Sessions, temporal: Temporal
) -> Response:
    state = await own_order(temporal, admin, order_no)
    if seats.still_open(state):
        return redirect(step_path(state))
    return await result_page(sessions, admin, state)
