"""N concurrent seat orders from "place" to "completed", next to N bare workflows with the same number of no-op
activities (same dev server, same run): orders per second, and the ratio. Target (issue 4): ratio >= 0.7.

A seat order from "place" runs three activities: the charge, the seats (with the order history, the admin's seats
and the order's row, in one transaction) and the receipt e-mail. The orders are brought to the service order first (not timed), then all placed at once.

Run: `uv run python -m bench.seat_orders [orders]`.
"""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from datetime import UTC, datetime

from bench.reference_workflow import NoopActivitiesWorkflow
from bench.stack import Bench, bench_stack
from models.seat_order import SeatOrderState
from tests.seat_support import add_card, new_account, start, up_to_service_order

ACTIVITIES_PER_ORDER = 3


async def main(count: int) -> None:
    async with bench_stack() as bench:
        orders = await _ready_orders(bench, count)
        ours = await _place_all(bench, orders)
        reference = await _reference(bench, count)
    print(f"\nseat orders, place → completed  ({count} at once, same dev server, same run)")
    print(f"{'':<52}{'seconds':>10}{'per second':>12}")
    print(f"{'seat orders (3 activities each + the place Update)':<52}{ours:>10.2f}{count / ours:>12.1f}")
    print(
        f"{f'bare workflows with {ACTIVITIES_PER_ORDER} no-op activities':<52}{reference:>10.2f}{count / reference:>12.1f}"
    )
    print(f"{'ratio (ours / reference, throughput)':<52}{'':>10}{(count / ours) / (count / reference):>12.2f}")


async def _ready_orders(bench: Bench, count: int) -> list[str]:
    today = datetime.now(UTC).date()
    orders = []
    for _ in range(count):
        account_no = await new_account(bench.http, today)
        card = await add_card(bench.http, account_no)
        order_no = (await start(bench.http, account_no))["order_no"]
        await up_to_service_order(bench.http, order_no, card)
        orders.append(order_no)
    return orders


async def _place_all(bench: Bench, orders: list[str]) -> float:
    began = time.perf_counter()

    async def one(order_no: str) -> None:
        response = await bench.http.post(f"/api/seat-orders/{order_no}/place", json={})
        assert response.status_code == 200, response.text
        final = await bench.client.get_workflow_handle(f"seat-order-{order_no}", result_type=SeatOrderState).result()
        assert final.status.value == "completed", final

    await asyncio.gather(*(one(order_no) for order_no in orders))
    return time.perf_counter() - began


async def _reference(bench: Bench, count: int) -> float:
    began = time.perf_counter()

    async def one() -> None:
        await bench.client.execute_workflow(
            NoopActivitiesWorkflow.run,
            ACTIVITIES_PER_ORDER,
            id=f"noop-{uuid.uuid4().hex}",
            task_queue=bench.reference_queue,
        )

    await asyncio.gather(*(one() for _ in range(count)))
    return time.perf_counter() - began


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50))
