"""Intake answers a new order with its first state without asking the workflow (the state is built from the order and
the moment of receipt, which the start carries): that answer must be the state the workflow then holds. On the dev
server, whose clock is the API's (the time-skipping server's skips ahead, and a workflow then counts from its own)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from starter.services import partner_orders
from store import SessionFactory
from tests.console_support import Console, partner_order
from tests.support import bearer, eventually, operator_key

ORDERS = "/api/partner-orders"
FIRST_STATE = ("status", "received_at", "starts_at", "escalates_at", "closes_at", "timeline", "mails", "escalated")


@pytest.fixture
async def api(console: Console, sessions: SessionFactory) -> AsyncIterator[httpx.AsyncClient]:
    key = await operator_key(sessions, "intake")
    transport = httpx.ASGITransport(app=console.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=bearer(key)) as http:
        yield http


async def test_a_new_order_is_answered_with_the_state_its_workflow_holds(
    api: httpx.AsyncClient, console: Console
) -> None:
    o = partner_order(days_ahead=12)
    before = datetime.now(UTC)
    response = await api.post(ORDERS, json=o.model_dump(mode="json"))
    assert response.status_code == 201, response.text
    answered = response.json()["state"]

    held = (await partner_orders.status(console.client, o.order_id)).model_dump(mode="json")
    assert {k: answered[k] for k in FIRST_STATE} == {k: held[k] for k in FIRST_STATE}
    received = datetime.fromisoformat(answered["received_at"])
    assert before <= received <= datetime.now(UTC)
    assert answered["timeline"][0]["text"].startswith("awaiting_start_date: order received")
    assert datetime.fromisoformat(answered["escalates_at"]) - datetime.fromisoformat(answered["starts_at"]) == (
        timedelta(days=1)
    )


async def test_a_second_post_answers_the_order_as_it_now_is(api: httpx.AsyncClient, console: Console) -> None:
    o = partner_order(escalate_after_days=0)  # escalated at once: the first answer is out of date by the second
    first = await api.post(ORDERS, json=o.model_dump(mode="json"))
    assert first.status_code == 201, first.text
    assert first.json()["state"]["escalated"] is False

    async def escalated() -> bool | None:
        return (await partner_orders.status(console.client, o.order_id)).escalated or None

    await eventually(escalated, what="the escalation")
    again = await api.post(ORDERS, json=o.model_dump(mode="json"))
    assert again.status_code == 200, again.text
    assert again.json()["created"] is False
    assert again.json()["state"]["escalated"] is True
    assert again.json()["state"]["received_at"] == first.json()["state"]["received_at"]
