"""Seat orders from the client side (API and CLI): start one after checking the account, run its steps."""

from __future__ import annotations

import contextlib
import secrets
from datetime import UTC, datetime
from typing import TypeVar

from pydantic import BaseModel
from temporalio.client import Client

from models.accounts import no_account
from models.refusals import Refusal, because
from models.seat_order import SeatOrderInput, SeatOrderState, seat_order_workflow_id
from models.seat_order_rules import no_seat_order, refusal_for
from models.words import SEAT_ORDER
from starter.errors import NotFound, StepRefused
from starter.services import workflow_calls
from starter.settings import Settings
from store import SessionFactory, accounts
from workflows.seat_order import SeatOrderWorkflow

T = TypeVar("T", bound=BaseModel)


def new_order_no() -> str:
    return f"SO-{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(3).upper()}"


async def start(client: Client, settings: Settings, sessions: SessionFactory, order: SeatOrderInput) -> SeatOrderState:
    """Refuse at once what the seed refuses (not self-service, no card), else start the order, or answer it as it
    is: running, or finished (its number never runs twice)."""
    state, _ = await start_or_find(client, settings, sessions, order)
    return state


async def start_or_find(
    client: Client, settings: Settings, sessions: SessionFactory, order: SeatOrderInput
) -> tuple[SeatOrderState, bool]:
    """``start``, and whether this call started the order (False: it was running, or had finished). The order's
    policy gets onramp's Corporate Account Services, whom its refusals and mails name."""
    policy = order.policy.reaching(settings.account_services())
    async with sessions() as session:
        snapshot = await accounts.snapshot(session, order.account_no)
    if snapshot is None:
        raise NotFound(no_account(order.account_no), type=Refusal.NOT_FOUND)
    reason = refusal_for(snapshot, policy.account_services)
    if reason:
        raise StepRefused(reason, type=Refusal.NOT_ELIGIBLE)
    created = False
    with contextlib.suppress(workflow_calls.WorkflowCompleted):  # a finished order answers as it ended
        _, created = await workflow_calls.start_once(
            client,
            SeatOrderWorkflow.run,
            order.model_copy(update={"account": snapshot, "policy": policy}),
            id=order.workflow_id,
            task_queue=settings.task_queue,
        )
    return await status(client, order.order_no), created


async def status(client: Client, order_no: str) -> SeatOrderState:
    handle = client.get_workflow_handle_for(SeatOrderWorkflow.run, seat_order_workflow_id(order_no))
    return await workflow_calls.current_state(client, handle, SeatOrderState, lambda: _unknown(order_no))


async def step(client: Client, order_no: str, update: str, request: BaseModel, result_type: type[T]) -> T:
    async def ended() -> StepRefused:
        final = await status(client, order_no)
        named = SEAT_ORDER[final.status]
        why = (
            because("The order is %(status)s. %(why)s", status=named, why=final.reason)
            if final.reason
            else because("The order is %(status)s.", status=named)
        )
        return StepRefused(why, type=Refusal.ORDER_STATE_CONFLICT)

    handle = client.get_workflow_handle(seat_order_workflow_id(order_no))
    return await workflow_calls.step(
        client, handle, update, request, result_type, ended=ended, unknown=lambda: _unknown(order_no)
    )


def _unknown(order_no: str) -> NotFound:
    return NotFound(no_seat_order(order_no), type=Refusal.NOT_FOUND)
