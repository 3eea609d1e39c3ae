"""Seat orders over HTTP (seed 002): start, each portal step, and the sandbox gateway's card tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, FastAPI, Request
from pydantic import BaseModel, EmailStr, Field, SecretStr, StringConstraints

from models.refusals import Refusal
from models.seat_order import CardOnOrder, OrderNo, Quote, SeatOrderInput, SeatOrderPolicy, SeatOrderState
from starter.errors import OnrampError
from starter.services import seat_orders
from starter.web.deps import temporal_client
from starter.web.errors import ERROR_RESPONSES
from store import SessionFactory
from store.cards import CardRefused, tokenize


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


def install(app: FastAPI) -> None:
    router = APIRouter(tags=["seat orders"], responses=ERROR_RESPONSES)

    def sessions(request: Request) -> SessionFactory:
        factory: SessionFactory = request.app.state.sessions
        return factory

    async def client(request: Request):  # type: ignore[no-untyped-def]
        return await temporal_client(request)

    @router.post(
        "/api/accounts/{account_no}/seat-orders",
        status_code=201,
        response_model=SeatOrderState,
        summary="Add seats: start a seat order",
    )
    async def start(account_no: str, body: StartSeatOrder, request: Request) -> SeatOrderState:
        order = SeatOrderInput(
            order_no=body.order_no or seat_orders.new_order_no(),
            account_no=account_no,
            requested_by=body.requested_by,
            policy=body.policy or SeatOrderPolicy(),
        )
        return await seat_orders.start(await client(request), request.app.state.settings, sessions(request), order)

    @router.get("/api/seat-orders/{order_no}", response_model=SeatOrderState, summary="A seat order's state")
    async def read(order_no: str, request: Request) -> SeatOrderState:
        return await seat_orders.status(await client(request), order_no)

    @router.post(
        "/api/accounts/{account_no}/cards",
        status_code=201,
        response_model=CardOnOrder,
        summary="Keep a card (sandbox gateway)",
    )
    async def add_card(account_no: str, body: NewCard, request: Request) -> CardOnOrder:
        try:
            return await tokenize(
                sessions(request), account_no, body.number.get_secret_value(), body.expiry, datetime.now(UTC)
            )
        except CardRefused as err:
            error = OnrampError(str(err), type=Refusal.CARD_REFUSED, field="number")
            error.http_status = 422
            raise error from None

    for path, (update, model) in seat_orders.steps().items():
        _step_route(router, path, update, model, client)

    app.include_router(router)


def _step_route(router, path, update, model, client) -> None:  # type: ignore[no-untyped-def]
    result = Quote if update == "review" else SeatOrderState

    async def run_step(order_no: str, body: model, request: Request):  # type: ignore[no-untyped-def, valid-type]
        return await seat_orders.step(await client(request), order_no, update, body, result)

    run_step.__name__ = f"seat_order_{update}"
    run_step.__annotations__ = {"order_no": str, "body": model, "request": Request, "return": result}
    router.add_api_route(
        f"/api/seat-orders/{{order_no}}/{path}",
        run_step,
        methods=["POST"],
        response_model=result,
        summary=model.__doc__.strip().split("\n")[0] if model.__doc__ else path,
    )
