"""N concurrent seat orders from "place" to "completed", next to N bare workflows doing the same number of no-op
activities after an Update (same dev server, same worker process, same client, same run): orders per second, and the
ratio. Target: ratio >= 0.7.

What each side measures, from the same starting point (started, cached on its worker, waiting for one Update):
- ours: N seat orders, each already at its service order (account, card, quantities, quote, accept and payment done
  through the HTTP API beforehand, not timed). Timed: `starter.services.seat_orders.step(client, order, "place", ...)` - the
  same Temporal client call the API and the CLI make (an Update: validator, handler, answer) - then waiting for the
  workflow's result, which must be `completed`. Between them the workflow runs three activities one after the other:
  the charge through the sandbox gateway (a database row per idempotency key), the seats (seats, order history, the
  admin's seats, the billing address and the order's row, in one transaction) and the receipt e-mail (outbox row,
  template, SMTP to the sink).
- reference: N `WaitingNoopActivitiesWorkflow`s (bench/reference_workflow.py), started beforehand. Timed: the `go`
  Update through the same client, then waiting for the workflow's result; in between it runs three no-op activities
  one after the other.

The N Updates of a side are sent at once; a side's time runs from the first Update sent to the last result received.
Rounds alternate which side goes first; each side's own warm-up (a few of each, untimed) comes before. The SMTP sink
runs in a process of its own (as a real relay would), so its CPU is not counted against the worker. "cpu ms" is this
process's CPU time (worker, client, API) per workflow during the timed window: unlike seconds, it hardly moves when
other work shares the machine. "server ms" is the Temporal dev server's CPU time per workflow in the same window:
on 2 cores the server takes as much as the worker, so what a workflow asks of it (search-attribute writes, events) is
throughput too. The ratio is ours / reference in throughput, per round and of the rounds' medians.

Run: `uv run python -m bench.seat_orders [orders] [--rounds R]` (defaults: 50 orders, 3 rounds).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import time
import uuid
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from temporalio.client import WorkflowHandle

from bench.reference_workflow import WaitingNoopActivitiesWorkflow
from bench.stack import Bench, bench_stack
from models.seat_order import SeatOrderState, SeatOrderStatus, seat_order_workflow_id
from models.seat_order_requests import PlaceOrder
from starter.services import seat_orders
from tests.seat_support import add_card, new_account, start, up_to_service_order

ACTIVITIES_PER_ORDER = 3
WARMUP = 5
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PREPARING_AT_ONCE = 8


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu_seconds: float
    server_cpu_seconds: float
    count: int

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    @property
    def cpu_ms_each(self) -> float:
        return 1000 * self.cpu_seconds / self.count

    @property
    def server_ms_each(self) -> float:
        return 1000 * self.server_cpu_seconds / self.count


async def main(count: int, rounds: int) -> None:
    needed = WARMUP + count * rounds
    async with bench_stack() as bench:
        orders = await _ready_orders(bench, needed)
        references = await _waiting_references(bench, needed)
        await _place_all(bench, orders[:WARMUP])
        await _go_all(references[:WARMUP])
        results: list[tuple[Measured, Measured]] = []
        for round_no in range(rounds):
            batch = slice(WARMUP + round_no * count, WARMUP + (round_no + 1) * count)
            if round_no % 2 == 0:
                reference = await _measure(_go_all(references[batch]), count)
                ours = await _measure(_place_all(bench, orders[batch]), count)
            else:
                ours = await _measure(_place_all(bench, orders[batch]), count)
                reference = await _measure(_go_all(references[batch]), count)
            results.append((ours, reference))
        receipts = [mail for mail in bench.sink.mails if mail.message["X-Onramp-Purpose"] == "receipt"]
        assert len(receipts) == needed, f"{len(receipts)} receipts for {needed} orders"
    _print(count, results)


def _print(count: int, results: Sequence[tuple[Measured, Measured]]) -> None:
    print(f"\nseat orders, place → completed  ({count} at once, {len(results)} rounds, same dev server, same run)")
    print(f"{'':<10}{'seat orders':<39}   {f'reference ({ACTIVITIES_PER_ORDER} no-op activities)':<39}")
    header = f"{'seconds':>10}{'per second':>11}{'cpu ms':>9}{'server ms':>10}"
    print(f"{'':<10}{header}   {header}{'ratio':>9}")

    def row(label: str, ours: Measured, ref: Measured) -> str:
        return f"{label:<10}{_columns(ours)}   {_columns(ref)}{ours.per_second / ref.per_second:>9.2f}"

    for round_no, (ours, ref) in enumerate(results, 1):
        print(row(f"round {round_no}", ours, ref))
    medians = [_median([pair[side] for pair in results]) for side in (0, 1)]
    print(row("median", *medians))
    print(
        f"\nratio (ours / reference, throughput, medians): {medians[0].per_second / medians[1].per_second:.2f}"
        "   target >= 0.7"
    )
    print("cpu ms: this process (worker, API, client) per workflow; server ms: the Temporal dev server's, per workflow")


def _columns(measured: Measured) -> str:
    return (
        f"{measured.seconds:>10.2f}{measured.per_second:>11.1f}{measured.cpu_ms_each:>9.1f}"
        f"{measured.server_ms_each:>10.1f}"
    )


def _median(measured: Sequence[Measured]) -> Measured:
    return Measured(
        statistics.median(m.seconds for m in measured),
        statistics.median(m.cpu_seconds for m in measured),
        statistics.median(m.server_cpu_seconds for m in measured),
        measured[0].count,
    )


async def _measure(run: Awaitable[None], count: int) -> Measured:
    cpu, server, began = _cpu_seconds(), _server_cpu_seconds(), time.perf_counter()
    await run
    return Measured(time.perf_counter() - began, _cpu_seconds() - cpu, _server_cpu_seconds() - server, count)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _server_cpu_seconds() -> float:
    """CPU time of the Temporal dev server, a child of this process (Linux: read from /proc; elsewhere 0)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, fields = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        values = fields.split()
        if int(values[1]) == os.getpid() and name.endswith("(temporal"):
            total += (int(values[11]) + int(values[12])) / CLOCK_TICKS
    return total


async def _ready_orders(bench: Bench, count: int) -> list[str]:
    """Seat orders waiting at their service order, each on an account of its own (not timed)."""
    today = datetime.now(UTC).date()
    at_once = asyncio.Semaphore(PREPARING_AT_ONCE)

    async def one() -> str:
        async with at_once, bench.own_http() as http:  # each logs in as its account's admin
            account_no = await new_account(http, today)
            card = await add_card(http, account_no)
            order_no = str((await start(http, account_no))["order_no"])
            await up_to_service_order(http, order_no, card)
            return order_no

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def _waiting_references(bench: Bench, count: int) -> list[WorkflowHandle[WaitingNoopActivitiesWorkflow, int]]:
    handles = [
        await bench.client.start_workflow(
            WaitingNoopActivitiesWorkflow.run,
            ACTIVITIES_PER_ORDER,
            id=f"noop-{uuid.uuid4().hex}",
            task_queue=bench.reference_queue,
        )
        for _ in range(count)
    ]
    for handle in handles:  # each has run its first workflow task: cached on the worker, waiting for `go`
        await handle.query("__stack_trace")
    return handles


async def _place_all(bench: Bench, orders: Sequence[str]) -> None:
    async def one(order_no: str) -> None:
        placed = await seat_orders.step(bench.client, order_no, "place", PlaceOrder(), SeatOrderState)
        assert placed.status is SeatOrderStatus.PLACED, placed
        handle = bench.client.get_workflow_handle(seat_order_workflow_id(order_no), result_type=SeatOrderState)
        final = await handle.result()
        assert final.status is SeatOrderStatus.COMPLETED, final

    await asyncio.gather(*(one(order_no) for order_no in orders))


async def _go_all(references: Sequence[WorkflowHandle[WaitingNoopActivitiesWorkflow, int]]) -> None:
    async def one(handle: WorkflowHandle[WaitingNoopActivitiesWorkflow, int]) -> None:
        assert await handle.execute_update(WaitingNoopActivitiesWorkflow.go) == "ok"
        assert await handle.result() == ACTIVITIES_PER_ORDER

    await asyncio.gather(*(one(handle) for handle in references))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("orders", nargs="?", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.orders, arguments.rounds))
