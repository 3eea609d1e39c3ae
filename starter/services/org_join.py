"""An existing customer organization's administrator answers a request to join it (workflows/org_join.py): the
link in their e-mail shows the request, and confirming or refusing is the order's Update."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio.client import Client

from models.partner_order import PartnerOrderState, PartnerOrderStatus
from models.refusals import Refusal, because
from models.wizard import JoinAnswer, JoinDecision
from starter.errors import NotFound
from starter.services import partner_orders, workflow_calls
from store import SessionFactory, activation_tokens

PURPOSE = "org_join"


class JoinLinkInvalid(NotFound):
    def __init__(self) -> None:
        super().__init__(
            because("This link no longer works: the request was answered already, or the order has moved on."),
            type=Refusal.LINK_INVALID,
        )


async def _order_of(sessions: SessionFactory, token: str) -> str:
    async with sessions() as session:
        found = await activation_tokens.find_valid(session, token, datetime.now(UTC), purpose=PURPOSE)
    if found is None:
        raise JoinLinkInvalid()
    return found.workflow_id.removeprefix("partner-order-")


async def request_of(client: Client, sessions: SessionFactory, token: str) -> PartnerOrderState:
    """The order that asks, while it still waits for this answer."""
    order_id = await _order_of(sessions, token)
    state = await workflow_calls.current_state(
        client, partner_orders.handle(client, order_id), PartnerOrderState, JoinLinkInvalid
    )
    if state.status is not PartnerOrderStatus.AWAITING_ORG_CONFIRMATION or state.wizard.join is None:
        raise JoinLinkInvalid()
    return state


async def decide(client: Client, sessions: SessionFactory, token: str, decision: JoinDecision) -> JoinAnswer:
    """The administrator's answer; the link is spent with it."""
    order_id = await _order_of(sessions, token)
    h = partner_orders.handle(client, order_id)
    try:
        answer = await workflow_calls.update(client, h, "decide_join", decision, JoinAnswer)
    except (workflow_calls.WorkflowCompleted, NotFound):
        raise JoinLinkInvalid() from None
    async with sessions.begin() as session:
        await activation_tokens.use_all(session, h.id, datetime.now(UTC))
    return answer
