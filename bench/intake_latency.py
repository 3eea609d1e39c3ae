"""How long Cisco Commerce Workspace waits for `POST /api/partner-orders`, next to a bare workflow start.

Ours: the HTTP intake (validation, start with USE_EXISTING, the first `status` Query) through the ASGI app.
Reference: `client.start_workflow` of a workflow that does nothing, on the same dev server, in the same run.
Also: an operator Update (`resend`) next to a no-op Update on the reference workflow.

Run: `uv run python -m bench.intake_latency [runs]`.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from datetime import UTC, datetime, timedelta

from bench.reference_workflow import ReferenceWorkflow
from bench.stack import Bench, bench_stack, report, timed
from models.seed_rules import MAX_SET_UP_NOW_MAILS
from starter.services import partner_orders
from tests.support import eventually, order


async def main(runs: int) -> None:
    async with bench_stack() as bench:
        await _intake(bench, runs)
        await _operator_update(bench, runs)


async def _intake(bench: Bench, runs: int) -> None:
    start = (datetime.now(UTC) + timedelta(days=30)).date()

    async def post(_: int) -> None:
        response = await bench.http.post("/api/partner-orders", json=order(start).model_dump(mode="json"))
        assert response.status_code == 201, response.text

    async def bare(_: int) -> None:
        await bench.client.start_workflow(
            ReferenceWorkflow.run, id=f"ref-{uuid.uuid4().hex}", task_queue=bench.reference_queue
        )

    ours = await timed(post, runs)
    reference = await timed(bare, runs)
    report("order intake", ("POST /api/partner-orders", ours), ("start_workflow of a no-op workflow", reference))


WARMUP = 5  # bench.stack.timed's untimed calls


async def _operator_update(bench: Bench, runs: int) -> None:
    """Resends spread over orders: an order sends at most MAX_SET_UP_NOW_MAILS Set Up Now mails."""
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date()
    per_order = MAX_SET_UP_NOW_MAILS - 1
    orders = [order(yesterday, time_zone="UTC") for _ in range((runs + WARMUP) // per_order + 1)]
    for o in orders:
        await partner_orders.start(bench.client, bench.settings, o)

    async def mails_sent() -> bool:
        states = [await partner_orders.status(bench.client, o.order_id) for o in orders]
        return all(state.set_up_now_sent_at is not None for state in states)

    await eventually(mails_sent, what="the Set Up Now mails")
    reference = await bench.client.start_workflow(
        ReferenceWorkflow.run, id=f"ref-{uuid.uuid4().hex}", task_queue=bench.reference_queue
    )

    async def resend(i: int) -> None:
        o = orders[(i + WARMUP) % len(orders)]
        response = await bench.http.post(f"/api/partner-orders/{o.order_id}/resend", json={})
        assert response.status_code == 200, response.text

    async def noop(_: int) -> None:
        await reference.execute_update(ReferenceWorkflow.noop, "x")

    ours = await timed(resend, runs)
    ref = await timed(noop, runs)
    report("operator Update", ("POST …/resend (Update + outbox mail)", ours), ("no-op Update, minimal workflow", ref))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
