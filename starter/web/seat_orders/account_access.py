"""Who may call the seat-order API: an enterprise admin's session, bound to the admin's own account. A session of
account A never reads or acts on account B: B's orders and cards answer 404, as if they did not exist. Operators
read any order with a token holding orders:read, and approve with orders:act (api.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from models.accounts import no_account
from models.refusals import Refusal
from models.seat_order import SeatOrderState
from starter.errors import NotFound
from starter.services import admin_auth, callers, seat_orders
from starter.services.callers import Caller, Scope
from starter.web import params
from starter.web.access import Access, AdminSession, PortalAdmin, Rule, bearer_caller, declares
from starter.web.deps import Temporal
from starter.web.seat_orders.flow import own_order

OWN_ACCOUNT = "the account's own admin"


@declares(Rule(Access.ADMIN, OWN_ACCOUNT))
async def own_account(account_no: params.AccountNo, admin: PortalAdmin) -> admin_auth.Admin:
    if admin.account_no != account_no:
        raise NotFound(no_account(account_no[:40]), type=Refusal.ACCOUNT_UNKNOWN)
    return admin


@declares(Rule(Access.ADMIN, OWN_ACCOUNT))
async def own_seat_order(order_no: params.OrderNo, admin: PortalAdmin, temporal: Temporal) -> SeatOrderState:
    return await own_order(temporal, admin, order_no)


@declares(Rule(Access.ADMIN, f"{OWN_ACCOUNT}, or a token with {Scope.READ.value}"))
async def readable_seat_order(
    order_no: params.OrderNo,
    admin: AdminSession,
    caller: Annotated[Caller | None, Depends(bearer_caller)],
    temporal: Temporal,
) -> SeatOrderState:
    if caller is not None and Scope.READ.value in caller.scopes:
        return await seat_orders.status(await temporal(), order_no)
    if admin is not None and not admin.must_change_password:
        return await own_order(temporal, admin, order_no)
    if caller is not None:
        raise callers.missing_scope(Scope.READ.value)
    raise admin_auth.NotLoggedIn() if admin is None else admin_auth.PasswordChangeRequired()


OwnAccount = Annotated[admin_auth.Admin, Depends(own_account)]
OwnSeatOrder = Annotated[SeatOrderState, Depends(own_seat_order)]
ReadableSeatOrder = Annotated[SeatOrderState, Depends(readable_seat_order)]
