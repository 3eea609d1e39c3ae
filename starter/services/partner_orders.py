"""Operator actions on partner orders, shared by the HTTP API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from temporalio.client import Client, WorkflowHandle

from models.mail import MailQueued
from models.partner_order import (
    RECEIVED_AT_MEMO,
    ChangeProvisioningContact,
    ContactChanged,
    PartnerOrderInput,
    PartnerOrderState,
    ResendSetUpMail,
    SendSetUpMailNow,
    initial_state,
)
from models.refusals import Refusal, Word, because
from models.words import CHANGE_CONTACT, PARTNER_ORDER, RESEND, SEND_NOW
from starter.errors import NotFound, StepRefused
from starter.services import workflow_calls
from starter.settings import Settings
from workflows.partner_order import PartnerOrderWorkflow

T = TypeVar("T")


@dataclass(frozen=True)
class Started:
    workflow_id: str
    run_id: str
    created: bool
    state: PartnerOrderState
    handle: WorkflowHandle[PartnerOrderWorkflow, PartnerOrderState]


async def start(client: Client, settings: Settings, order: PartnerOrderInput) -> Started:
    """Start the order's workflow; a second start for the same order id answers the order as it is, running or
    finished (``created`` False), and never starts it again.

    A new order's answer is its first state, which the workflow builds from the order and the moment of receipt
    alone (``initial_state``, the moment passed in the start's memo): the intake answers as fast as the start,
    without a Query that would wait for the workflow's first task. A known order's answer is asked of it."""
    if "wizard_idle_minutes" not in order.policy.model_fields_set:  # the operator's setting, unless the order says
        order = order.model_copy(
            update={"policy": order.policy.model_copy(update={"wizard_idle_minutes": settings.wizard_idle_minutes})}
        )
    received_at = datetime.now(UTC)
    try:
        h, created = await workflow_calls.start_once(
            client,
            PartnerOrderWorkflow.run,
            order,
            id=order.workflow_id,
            task_queue=settings.task_queue,
            memo={RECEIVED_AT_MEMO: received_at},
        )
    except workflow_calls.WorkflowCompleted:
        closed = handle(client, order.order_id)
        return Started(closed.id, "", False, await status(client, order.order_id), closed)
    state = initial_state(order, received_at) if created else await status(client, order.order_id)
    return Started(h.id, h.result_run_id or "", created, state, h)


def handle(client: Client, order_id: str) -> WorkflowHandle[PartnerOrderWorkflow, PartnerOrderState]:
    return client.get_workflow_handle_for(PartnerOrderWorkflow.run, f"partner-order-{order_id}")


async def status(client: Client, order_id: str) -> PartnerOrderState:
    """The order's state: from the running workflow, or the result of a finished one."""
    return await workflow_calls.current_state(
        client, handle(client, order_id), PartnerOrderState, lambda: _unknown(order_id)
    )


async def resend(client: Client, order_id: str, request: ResendSetUpMail) -> MailQueued:
    return await _update(client, order_id, "resend", request, MailQueued, RESEND)


async def send_now(client: Client, order_id: str, request: SendSetUpMailNow) -> MailQueued:
    return await _update(client, order_id, "send_now", request, MailQueued, SEND_NOW)


async def change_contact(client: Client, order_id: str, request: ChangeProvisioningContact) -> ContactChanged:
    return await _update(client, order_id, "change_contact", request, ContactChanged, CHANGE_CONTACT)


async def _update(client: Client, order_id: str, name: str, request: object, result_type: type[T], action: Word) -> T:
    async def ended() -> StepRefused:
        final = await status(client, order_id)
        return StepRefused(
            because(
                "Cannot %(action)s: the order is %(status)s and its process has ended.",
                action=action,
                status=PARTNER_ORDER[final.status],
            ),
            type=Refusal.ORDER_STATE_CONFLICT,
        )

    return await workflow_calls.step(
        client, handle(client, order_id), name, request, result_type, ended=ended, unknown=lambda: _unknown(order_id)
    )


def _unknown(order_id: str) -> NotFound:
    return NotFound(because("No partner order %(order_id)s.", order_id=order_id), type=Refusal.NOT_FOUND)
