"""Scale: N open partner orders on one dev server, next to N bare sleeping workflows in the same run.

Every process is its own, as an operator runs them (bench/scale_stack.py): Temporal's dev server (in memory), the
SMTP sink, `onramp worker` (one, or ``--workers W``) and the reference worker (`python -m bench.scale_reference`,
the same sandbox, data converter, cache size and slots, as many as ours). This process is only the client. Rows:

1. start rate: N partner orders (tests.support.order, requested start date 30 days ahead: they sit on their timer)
   through `starter.services.partner_orders.start`, 50 at once, against N `SleepingReference`s (a 30-day timer)
   started 50 at once. Orders per second, from the first start sent to the last answered; then each side waits
   until its workers are idle (every first task done), and the table gives that "settled" time too.
2. memory: each worker's VmRSS before the starts and once settled; RSS per cached workflow is the growth divided
   by the workflows the cache holds (min(N, cache size x workers)). The dev server's RSS after each side, and its
   growth per started workflow.
3. cold-cache Query: the `status` Query, one at a time, on the first orders started (out of the cache since the
   cache holds the last 1,000): p50/p99 and the workers' CPU per replay (utime+stime from /proc), against a trivial
   Query on the first references started.
4. escalation burst: B (2,000) orders whose escalation falls due at one moment, until every escalation mail is in
   the sink's folder (p50 and last, from that moment), the workers' and the dev server's CPU per escalation, against
   B `BurstReference`s whose timer fires at one moment and which then run one no-op activity (until each is closed,
   by its close time in visibility).
   The dev server's clock cannot be moved, so the moment is real. ``--burst-mode auto`` (the default) takes the IANA
   zone whose next local midnight is nearest (at least 3 minutes ahead, and time enough to start the B orders
   first): when that is within ``--midnight-within`` minutes (10) and the wait leaves the rest of the run inside
   ``--budget`` (14 minutes), the orders get that midnight as requested start
   date with ``escalate_after_days=0`` (escalation = max(start midnight, receipt) + 0 days = that midnight, see
   models/partner_order.py initial_state). Otherwise a worker outage: onramp's workers are stopped, the B orders
   started with a start date already past and ``escalate_after_days=0`` (escalation due at receipt), the workers
   started again; the moment is the first new worker's "worker started" line. The reference is done the same way
   (its worker stopped, B workflows already due, its worker started). The time-skipping test server was not
   chosen: it is another server (Java), with another cost per event, and moves time only for a client that waits
   on a result, which would make the burst's latency mean nothing on the dev server the other rows measure.
   Either way an order's escalation comes with its Set Up Now mail: at the start midnight the order sends Set Up
   Now, saves, escalates, saves (after an outage its first save too); escalation at the start midnight cannot be
   had without Set Up Now at that moment. So the burst is 2 mails and 2 saves (3) per order, against 1 no-op
   activity.
5. events and bytes per lifecycle: `onramp api` is started, and bench/chaos_lifecycles.py's walks take one partner order
   (whole wizard, provisioned), one seat order (completed), one Assist booking (confirmed, then moved) and one
   organizer account (active) over HTTP; then every workflow they started has its history fetched: events, bytes of
   history.to_json() and of the History proto, against the targets (partner order <= 100, seat order <= 60).
6. ``--workers 2``: two `onramp worker` processes on the task queue (and two reference workers); rows 1 and 4 print
   each process's CPU seconds during the phase, which says what limits it.

Run: `uv run python -m bench.scale [--orders N] [--workers W] [--burst B] [--burst-mode auto|midnight|outage]
[--cache C] [--skip lifecycles,burst,...]` (defaults: 10,000 orders, 1 worker, a burst of 2,000, cache 1,000).
Progress goes to stderr, the tables to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from temporalio.api.history.v1 import History
from temporalio.client import Client

from bench import chaos_lifecycles as lifecycles
from bench.scale_reference import BurstReference, SleepingReference
from bench.scale_stack import OURS_QUEUE, REFERENCE_QUEUE, Process, ScaleStack, self_cpu_seconds
from models.assist import Producer
from models.common import local_midnight
from models.partner_order import PartnerOrderInput
from starter.client import data_converter
from starter.services import partner_orders
from starter.settings import Settings
from store import assist as assist_store
from store import make_engine, make_session_factory, upgrade
from tests.support import TEST_PAYLOAD_KEY, operator_key, order
from workflows.partner_order import PartnerOrderWorkflow

AT_ONCE = 50
COLD_QUERIES = 200
TARGETS = {"PartnerOrderWorkflow": 100, "SeatOrderWorkflow": 60}
RUN = uuid.uuid4().hex[:6]
BEGAN = time.monotonic()


def progress(text: str) -> None:
    print(f"[{time.monotonic() - BEGAN:7.1f} s] {text}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------- measuring


@dataclass
class Cpu:
    """CPU seconds of every process over a window: start() then stop()."""

    stack: ScaleStack
    began: dict[str, float] = field(default_factory=dict)
    spent: dict[str, float] = field(default_factory=dict)

    def _now(self) -> dict[str, float]:
        now = {name: p.cpu() for name, p in self.stack.processes.items() if p.popen.poll() is None}
        now["bench (client)"] = self_cpu_seconds()
        return now

    def start(self) -> Cpu:
        self.began = self._now()
        return self

    def stop(self) -> Cpu:
        self.spent = {name: value - self.began.get(name, 0.0) for name, value in self._now().items()}
        return self

    def of(self, prefix: str) -> float:
        return sum(value for name, value in self.spent.items() if name.startswith(prefix))


def workers(stack: ScaleStack, reference: bool) -> list[Process]:
    prefix = "reference-" if reference else "worker-"
    return [p for name, p in stack.processes.items() if name.startswith(prefix)]


async def settle(stack: ScaleStack, reference: bool, quiet: float = 0.03, longest: float = 300) -> float:
    """Wait until the side's workers are idle (their CPU over 0.5 s below ``quiet`` s, twice): its tasks done."""
    began = time.monotonic()
    calm = 0
    while calm < 2 and time.monotonic() - began < longest:
        before = sum(p.cpu() for p in workers(stack, reference))
        await asyncio.sleep(0.5)
        calm = calm + 1 if sum(p.cpu() for p in workers(stack, reference)) - before < quiet else 0
    return max(0.0, time.monotonic() - began - 1.0)  # less the two quiet windows that told


async def bounded(count: int, one: Callable[[int], Awaitable[object]], at_once: int = AT_ONCE) -> float:
    """Run one(0..count-1), ``at_once`` at a time; the seconds from the first to the last answer."""
    began = time.perf_counter()
    counter = iter(range(count))
    done = 0

    async def lane() -> None:
        nonlocal done
        for i in counter:
            await one(i)
            done += 1
            if done % 2000 == 0:
                progress(f"  {done}/{count}")

    await asyncio.gather(*(lane() for _ in range(min(at_once, count))))
    return time.perf_counter() - began


def percentile(samples: Sequence[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))] if ordered else float("nan")


# --------------------------------------------------------------------------------------------- the rows


@dataclass
class Row:
    name: str
    ours: float
    reference: float
    unit: str
    lower_is_better: bool = True

    def ratio(self) -> float:
        return self.ours / self.reference if self.reference else float("nan")


@dataclass
class Report:
    rows: list[tuple[str, list[Row]]] = field(default_factory=list)
    cpu: list[tuple[str, Cpu, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lifecycles: list[tuple[str, str, int, int, int]] = field(default_factory=list)

    def section(self, title: str, rows: list[Row]) -> None:
        self.rows.append((title, rows))
        print_section(title, rows)


def print_section(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    print(f"  {'':<46}{'ours':>12}{'reference':>12}{'':<10}{'ours/ref':>8}")
    for row in rows:
        print(f"  {row.name:<46}{row.ours:>12,.2f}{row.reference:>12,.2f}  {row.unit:<8}{row.ratio():>8.2f}")
    sys.stdout.flush()


def print_cpu(title: str, cpu: Cpu, seconds: float) -> None:
    print(f"\n  CPU seconds per process during {title} ({seconds:.1f} s wall; 2 cores = {2 * seconds:.1f} CPU s):")
    for name, value in sorted(cpu.spent.items()):
        print(f"    {name:<20}{value:>8.2f}  ({100 * value / seconds if seconds else 0:5.1f}% of one core)")
    sys.stdout.flush()


# --------------------------------------------------------------------------------------------- phases


@dataclass
class Run:
    stack: ScaleStack
    client: Client
    settings: Settings
    arguments: argparse.Namespace
    report: Report
    orders: list[str] = field(default_factory=list)  # order ids in start order
    references: list[str] = field(default_factory=list)
    start_rate: float = 0.0
    settled_rate: list[float] = field(default_factory=lambda: [30.0, 30.0])  # started and idle again, per second


def new_order(start: date, time_zone: str, escalate_after_days: int | None = None) -> PartnerOrderInput:
    extra: dict[str, Any] = {}
    if escalate_after_days is not None:
        extra["policy"] = {"escalate_after_days": escalate_after_days}
    return order(start, time_zone=time_zone, order_id=f"S{RUN}-{uuid.uuid4().hex[:12]}", **extra)


async def start_orders(run: Run, orders: Sequence[PartnerOrderInput]) -> float:
    async def one(i: int) -> None:
        started = await partner_orders.start(run.client, run.settings, orders[i])
        assert started.created, started

    return await bounded(len(orders), one)


async def start_references(run: Run, ids: Sequence[str], fire_at: datetime | None = None) -> float:
    async def one(i: int) -> None:
        if fire_at is None:
            await run.client.start_workflow(SleepingReference.run, id=ids[i], task_queue=REFERENCE_QUEUE)
        else:
            await run.client.start_workflow(BurstReference.run, fire_at, id=ids[i], task_queue=REFERENCE_QUEUE)

    return await bounded(len(ids), one)


async def phase_starts(run: Run) -> None:
    stack, n = run.stack, run.arguments.orders
    temporal = stack.processes["temporal"]
    await settle(stack, False)
    await settle(stack, True)
    rss_before = {p.name: p.rss_mb() for p in [*workers(stack, False), *workers(stack, True)]}
    server_before = temporal.rss_mb()
    start_date = datetime.now(UTC).date() + timedelta(days=30)
    prepared = [new_order(start_date, "Europe/Ljubljana") for _ in range(n)]
    run.orders = [o.order_id for o in prepared]
    run.references = [f"sleep-{RUN}-{i}" for i in range(n)]

    progress(f"starting {n} partner orders, {AT_ONCE} at once")
    cpu = Cpu(stack).start()
    ours_seconds = await start_orders(run, prepared)
    ours_settled = ours_seconds + await settle(stack, False)
    run.settled_rate[0] = n / ours_settled
    cpu.stop()
    run.start_rate = n / ours_seconds
    rss_ours = {p.name: p.rss_mb() for p in workers(stack, False)}
    server_after_ours = temporal.rss_mb()
    progress(f"  {n / ours_seconds:.0f}/s; settled after {ours_settled:.1f} s")

    progress(f"starting {n} sleeping reference workflows, {AT_ONCE} at once")
    ref_cpu = Cpu(stack).start()
    ref_seconds = await start_references(run, run.references)
    ref_settled = ref_seconds + await settle(stack, True)
    run.settled_rate[1] = n / ref_settled
    ref_cpu.stop()
    rss_ref = {p.name: p.rss_mb() for p in workers(stack, True)}
    server_after_ref = temporal.rss_mb()
    progress(f"  {n / ref_seconds:.0f}/s; settled after {ref_settled:.1f} s")

    w = run.arguments.workers
    run.report.section(
        f"1. start rate: {n:,} open orders vs {n:,} sleeping workflows ({AT_ONCE} at once, {w} worker(s) each)",
        [
            Row("started per second (higher is better)", n / ours_seconds, n / ref_seconds, "/s", False),
            Row("seconds to start all", ours_seconds, ref_seconds, "s"),
            Row("seconds until the workers are idle again", ours_settled, ref_settled, "s"),
            Row("end to end per second (higher is better)", n / ours_settled, n / ref_settled, "/s", False),
            Row("worker CPU ms per start", 1000 * cpu.of("worker-") / n, 1000 * ref_cpu.of("reference-") / n, "ms"),
            Row("dev server CPU ms per start", 1000 * cpu.of("temporal") / n, 1000 * ref_cpu.of("temporal") / n, "ms"),
            Row("client CPU ms per start", 1000 * cpu.of("bench") / n, 1000 * ref_cpu.of("bench") / n, "ms"),
        ],
    )
    print_cpu("the orders' starts (to idle)", cpu, ours_settled)
    print_cpu("the references' starts (to idle)", ref_cpu, ref_settled)

    cached = min(n, stack.cache * w)
    ours_growth = sum(rss_ours[name] - rss_before[name] for name in rss_ours)
    ref_growth = sum(rss_ref[name] - rss_before[name] for name in rss_ref)
    run.report.section(
        f"2. memory: {n:,} started, {cached:,} cached (cache {stack.cache:,} x {w} worker(s)), VmRSS",
        [
            Row(
                "worker RSS before the starts",
                sum(rss_before[p] for p in rss_ours),
                sum(rss_before[p] for p in rss_ref),
                "MB",
            ),
            Row("worker RSS after, settled", sum(rss_ours.values()), sum(rss_ref.values()), "MB"),
            Row("worker RSS per cached workflow", 1024 * ours_growth / cached, 1024 * ref_growth / cached, "KB"),
            Row("dev server RSS after the side's starts", server_after_ours, server_after_ref, "MB"),
            Row(
                "dev server RSS growth per started workflow",
                1024 * (server_after_ours - server_before) / n,
                1024 * (server_after_ref - server_after_ours) / n,
                "KB",
            ),
        ],
    )
    print(f"  (dev server RSS before the starts: {server_before:,.0f} MB)")


async def phase_cold_queries(run: Run) -> None:
    stack, n = run.stack, run.arguments.orders
    count = min(COLD_QUERIES, n - stack.cache * run.arguments.workers)
    if count <= 0:
        progress("cold queries skipped: every workflow fits in the cache (use --cache smaller than --orders)")
        return
    progress(f"{count} cold status Queries on each side")
    # warm the client's connection and both workers' query path on the newest (cached) workflows first
    for i in range(1, 6):
        await partner_orders.handle(run.client, run.orders[-i]).query(PartnerOrderWorkflow.status)
        await run.client.get_workflow_handle(run.references[-i]).query(SleepingReference.status)

    async def measure(query: Callable[[int], Awaitable[object]], reference: bool) -> tuple[list[float], float]:
        await settle(stack, reference)
        before = sum(p.cpu() for p in workers(stack, reference))
        samples = []
        for i in range(count):
            began = time.perf_counter()
            await query(i)
            samples.append(1000 * (time.perf_counter() - began))
        return samples, sum(p.cpu() for p in workers(stack, reference)) - before

    async def ours(i: int) -> None:
        state = await partner_orders.handle(run.client, run.orders[i]).query(PartnerOrderWorkflow.status)
        assert state.order_id == run.orders[i]

    async def ref(i: int) -> None:
        assert await run.client.get_workflow_handle(run.references[i]).query(SleepingReference.status) == "sleeping"

    ours_ms, ours_cpu = await measure(ours, False)
    ref_ms, ref_cpu = await measure(ref, True)
    run.report.section(
        f"3. cold-cache Query: {count} queries one at a time on the first started (evicted) workflows",
        [
            Row("latency p50", percentile(ours_ms, 50), percentile(ref_ms, 50), "ms"),
            Row("latency p99", percentile(ours_ms, 99), percentile(ref_ms, 99), "ms"),
            Row("latency mean", statistics.fmean(ours_ms), statistics.fmean(ref_ms), "ms"),
            Row("worker CPU per replay", 1000 * ours_cpu / count, 1000 * ref_cpu / count, "ms"),
        ],
    )


def nearest_midnight(now: datetime, lead: timedelta) -> tuple[str, datetime, date]:
    """The IANA zone whose next local midnight comes first at least ``lead`` from ``now``: zone, moment, date."""
    best: tuple[datetime, str, date] | None = None
    for zone in available_timezones():
        if zone.startswith(("posix/", "right/")) or zone in ("Factory", "localtime"):
            continue
        local_today = now.astimezone(ZoneInfo(zone)).date()
        for day in (local_today, local_today + timedelta(days=1), local_today + timedelta(days=2)):
            moment = local_midnight(day, zone).astimezone(UTC)
            if moment - now >= lead:
                if best is None or (moment, zone) < best[:2]:
                    best = (moment, zone, day)
                break
    assert best is not None
    return best[1], best[0], best[2]


def scan_folder(folder: Path, seen: set[str], marker: bytes, found: dict[str, datetime]) -> None:
    """New .eml files in the sink's folder; those holding ``marker`` recorded with their arrival time."""
    if not folder.exists():
        return
    for entry in os.scandir(folder):
        if entry.name in seen or not entry.name.endswith(".eml"):
            continue
        seen.add(entry.name)
        head = Path(entry.path).read_bytes()[:4000]
        if marker in head:
            stamp = datetime.strptime(entry.name.split("-", 1)[0], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
            found[entry.name] = stamp


async def restart_workers(run: Run, reference: bool) -> float:
    """Start the side's workers again (after an outage): the time.time() of the first one's "worker started" line.
    onramp's worker logs it once its Temporal workers are built (the workflows validated), just before they poll;
    the reference's once its worker runs."""
    prefix = "reference" if reference else "worker"
    started = await asyncio.gather(
        *(run.stack.start_worker(f"{prefix}-{i + 1}", reference) for i in range(run.arguments.workers))
    )
    return min(p.ready_at for p in started)


def stop_workers(run: Run, reference: bool) -> None:
    for process in workers(run.stack, reference):
        run.stack.stop_process(process.name)


async def phase_burst(run: Run) -> None:
    stack, b, arguments = run.stack, run.arguments.burst, run.arguments
    now = datetime.now(UTC)
    est = b / run.settled_rate[0] * 1.3 + 20  # the B orders started and their first tasks done before midnight
    zone, midnight, day = nearest_midnight(now, timedelta(seconds=max(180, est)))
    mode = arguments.burst_mode
    if mode == "auto":
        # what the rest of the run needs after the wait: both bursts at the pace the starts settled at, the lifecycles
        rest = b / run.settled_rate[0] + b / run.settled_rate[1] + 60
        room = arguments.budget * 60 - (time.monotonic() - BEGAN) - rest
        wait = (midnight - now).total_seconds()
        mode = "midnight" if wait <= min(60 * arguments.midnight_within, room) else "outage"
        progress(
            f"burst: nearest midnight {wait:.0f} s ahead ({zone}); {room:.0f} s of the {arguments.budget:g} min budget"
            f" left for a wait: {mode}"
        )
    marker = b"X-Onramp-Purpose: escalation"
    seen: set[str] = set()
    scan_folder(stack.mail_dir, seen, marker, {})
    found: dict[str, datetime] = {}
    if mode == "midnight":
        progress(
            f"burst: {b} orders escalating at local midnight in {zone} ({midnight:%H:%M:%S} UTC, in "
            f"{(midnight - now).total_seconds():.0f} s)"
        )
        prepared = [new_order(day, zone, escalate_after_days=0) for _ in range(b)]
        await start_orders(run, prepared)
        await settle(stack, False)
        progress(f"  started; waiting {(midnight - datetime.now(UTC)).total_seconds():.0f} s for midnight")
        await asyncio.sleep(max(0.0, (midnight - datetime.now(UTC)).total_seconds() - 0.05))
        moment = midnight
        how = f"local midnight in {zone} ({midnight:%Y-%m-%d %H:%M:%S} UTC), the orders started before it"
    else:
        progress(f"burst (worker outage): stopping onramp's worker(s), starting {b} orders already due")
        stop_workers(run, False)
        prepared = [new_order(now.date() - timedelta(days=1), "UTC", escalate_after_days=0) for _ in range(b)]
        await start_orders(run, prepared)
        progress("  started; starting the worker(s)")
        moment = None
        how = "a worker outage: orders started already due with the workers stopped, then the workers started"
    cpu = Cpu(stack).start()
    if moment is None:
        moment = datetime.fromtimestamp(await restart_workers(run, False), UTC)
        cpu.start()  # from the new workers' ready line: their start-up is not an escalation's
    wall = time.time()
    deadline = time.monotonic() + 600
    while len(found) < b and time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        scan_folder(stack.mail_dir, seen, marker, found)
    cpu.stop()
    ours_wall = time.time() - wall
    if len(found) < b:
        run.report.notes.append(f"burst: only {len(found)} of {b} escalation mails arrived within 600 s")
    ours_delays = [(at - moment).total_seconds() for at in found.values()]
    progress(f"  {len(found)} escalation mails, last {max(ours_delays, default=0):.1f} s after the moment")

    progress(f"burst reference: {b} workflows, one timer firing at one moment, then one no-op activity")
    ids = [f"burst-{RUN}-{i}" for i in range(b)]
    if mode == "midnight":
        fire_at = datetime.now(UTC) + timedelta(seconds=b / run.settled_rate[1] * 1.3 + 20)
        await start_references(run, ids, fire_at)
        await settle(stack, True)
        await asyncio.sleep(max(0.0, (fire_at - datetime.now(UTC)).total_seconds() - 0.05))
        ref_cpu = Cpu(stack).start()
        ref_moment = fire_at
    else:
        stop_workers(run, True)
        await start_references(run, ids, datetime.now(UTC))
        ref_cpu = Cpu(stack).start()
        ref_moment = datetime.fromtimestamp(await restart_workers(run, True), UTC)
        ref_cpu.start()
    wall = time.time()
    query = 'WorkflowType="BurstReference" AND ExecutionStatus="Completed"'
    while time.monotonic() < deadline + 600:
        if (await run.client.count_workflows(query)).count >= b:
            break
        await asyncio.sleep(0.25)
    ref_cpu.stop()
    ref_wall = time.time() - wall
    ref_delays = [
        (wf.close_time - ref_moment).total_seconds()
        async for wf in run.client.list_workflows(query)
        if wf.close_time is not None
    ]
    progress(f"  {len(ref_delays)} closed, last {max(ref_delays, default=0):.1f} s after the moment")
    run.report.section(
        f"4. escalation burst: {b:,} due at one moment ({mode}), {arguments.workers} worker(s) each",
        [
            Row(
                "seconds from the moment to the mail / close, p50",
                percentile(ours_delays, 50),
                percentile(ref_delays, 50),
                "s",
            ),
            Row("seconds from the moment to the last", max(ours_delays, default=0), max(ref_delays, default=0), "s"),
            Row(
                "escalations per second (higher is better)",
                b / max(ours_delays, default=1),
                b / max(ref_delays, default=1),
                "/s",
                False,
            ),
            Row("worker CPU per escalation", 1000 * cpu.of("worker-") / b, 1000 * ref_cpu.of("reference-") / b, "ms"),
            Row(
                "dev server CPU per escalation", 1000 * cpu.of("temporal") / b, 1000 * ref_cpu.of("temporal") / b, "ms"
            ),
        ],
    )
    saves = 2 if mode == "midnight" else 3
    print(f"  the moment: {how}.")
    print("  Ours ends at each escalation mail's arrival in the sink, the reference at each workflow's close time.")
    print(f"  Each order also sends its Set Up Now mail and saves {saves} times (see the docstring).")
    print_cpu("the orders' burst", cpu, ours_wall)
    print_cpu("the references' burst", ref_cpu, ref_wall)


async def phase_lifecycles(run: Run, operator: str, site: str) -> None:
    stack = run.stack
    progress("lifecycles: onramp api, one of each process over HTTP")
    stack.start_api()
    since = datetime.now(UTC) - timedelta(seconds=1)
    record = lifecycles.Record()
    try:
        async with lifecycles.Mailbox(stack.mail_dir) as mailbox:
            lives = await asyncio.gather(
                lifecycles.partner_order(stack.base_url, operator, record, mailbox),
                lifecycles.seat_order(stack.base_url, operator, record, mailbox),
                lifecycles.assist_booking(stack.base_url, record, mailbox, site, 25),
                lifecycles.organizer(stack.base_url, operator, record, mailbox),
                return_exceptions=True,
            )
    finally:
        stack.stop_process("api")
    for life in lives:
        if isinstance(life, BaseException):
            run.report.notes.append(f"a lifecycle failed: {type(life).__name__}: {life}")
        elif not life.done:
            run.report.notes.append(f"lifecycle {life.kind} {life.key} did not finish: {life.error}")
    await asyncio.sleep(2)  # the last mails' activities and the workflows' last tasks
    query = f'StartTime >= "{since.isoformat().replace("+00:00", "Z")}"'
    print("\n5. events and bytes per lifecycle (one of each, walked over HTTP; every workflow it started)")
    print(
        f"  {'workflow type':<30}{'id':<44}{'status':<12}{'events':>8}{'json B':>10}{'proto B':>10}{'target':>8}{'ratio':>7}"
    )
    async for wf in run.client.list_workflows(query):
        history = await run.client.get_workflow_handle(wf.id, run_id=wf.run_id).fetch_history()
        events = len(history.events)
        proto = History(events=history.events).ByteSize()
        target = TARGETS.get(wf.workflow_type)
        status = wf.status.name.lower() if wf.status else "?"
        print(
            f"  {wf.workflow_type:<30}{wf.id[:42]:<44}{status:<12}{events:>8}{len(history.to_json()):>10,}{proto:>10,}"
            f"{('<= ' + str(target)) if target else '':>8}{(f'{events / target:.2f}' if target else ''):>7}"
        )
    sys.stdout.flush()


async def assist_site(database_url: str) -> str:
    engine = make_engine(database_url)
    try:
        await upgrade(engine)
        sessions = make_session_factory(engine)
        name = "scale.webex.com"
        async with sessions.begin() as session:
            await assist_store.add_site(session, name, "Scale site", "Asia/Taipei")
            for n in range(2):
                producer = Producer(
                    producer_id=f"scale-{n}", name=f"Producer {n}", email=f"producer-{n}@assist.example"
                )
                await assist_store.add_producer(session, producer)
        return name
    finally:
        await engine.dispose()


async def operator(database_url: str) -> str:
    engine = make_engine(database_url)
    try:
        return await operator_key(make_session_factory(engine), "scale")
    finally:
        await engine.dispose()


async def main(arguments: argparse.Namespace, stack: ScaleStack) -> None:
    skip = set(filter(None, arguments.skip.split(",")))
    site = await assist_site(stack.database_url)
    key = await operator(stack.database_url)
    progress("dev server, sink")
    stack.start_temporal()
    stack.start_sink()
    progress(f"{arguments.workers} onramp worker(s), {arguments.workers} reference worker(s)")
    await asyncio.gather(
        *(stack.start_worker(f"worker-{i + 1}") for i in range(arguments.workers)),
        *(stack.start_worker(f"reference-{i + 1}", reference=True) for i in range(arguments.workers)),
    )
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        temporal_address=stack.temporal_address,
        task_queue=OURS_QUEUE,
        payload_key=TEST_PAYLOAD_KEY,
        database_url=stack.database_url,
    )
    client = await Client.connect(stack.temporal_address, data_converter=data_converter(settings))
    run = Run(stack, client, settings, arguments, Report())
    print(
        f"scale: {arguments.orders:,} orders, {arguments.workers} worker(s) a side, cache {stack.cache:,}, "
        f"burst {arguments.burst:,}; {os.cpu_count()} cores; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    await phase_starts(run)
    if "cold" not in skip:
        await phase_cold_queries(run)
    if "burst" not in skip:
        await phase_burst(run)
    if "lifecycles" not in skip:
        await phase_lifecycles(run, key, site)
    for note in run.report.notes:
        print(f"NOTE: {note}")
    print(f"\nwall time: {time.monotonic() - BEGAN:.0f} s")


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--burst", type=int, default=2_000)
    parser.add_argument("--burst-mode", choices=("auto", "midnight", "outage"), default="auto")
    parser.add_argument("--midnight-within", type=float, default=10.0, help="minutes (auto mode)")
    parser.add_argument("--budget", type=float, default=14.0, help="minutes the run may take (auto burst mode)")
    parser.add_argument("--cache", type=int, default=1000, help="ONRAMP_WORKER_MAX_CACHED_WORKFLOWS, both sides")
    parser.add_argument("--skip", default="", help="comma-separated: cold,burst,lifecycles")
    parser.add_argument("--keep", help="keep the logs and the databases in this folder")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="onramp-scale-") as folder:
        where = Path(arguments.keep) if arguments.keep else Path(folder)
        where.mkdir(parents=True, exist_ok=True)
        stack = ScaleStack(where, cache=arguments.cache)
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            asyncio.run(main(arguments, stack))
        except KeyboardInterrupt:
            progress("interrupted: stopping every process")
        finally:
            stack.stop()


if __name__ == "__main__":
    cli()
