"""Chaos: the four processes walked end to end over the HTTP API while their parts fail, then what was lost or doubled.

Separate processes, as an operator runs them (bench/chaos_stack.py): Temporal's dev server on a database file,
`python worker.py`, `onramp api` (production mode: a payload key, onramp's API keys) and the SMTP sink. Each round
runs its lifecycles (bench/chaos_lifecycles.py: a partner order through the whole wizard to provisioned, a seat order
on an account of its own to completed, an assist booking confirmed then moved, an organizer created and activated),
some at once, while one part fails:

1. worker: SIGKILL of the worker (or of the mail worker, at random) every 1-5 s, a new one started at once;
2. recovery: one SIGKILL every 12 s, a new worker at once: how long the work in hand at the kill takes once the new
   worker has started (each worker lives longer than the bound, so the figure is not cut short by the next kill);
3. smtp: the SMTP relay down for 150 s (--smtp-down), then back;
4. temporal: the dev server killed (SIGKILL) and started again on its --db-filename after 5 s.

Then, per round, from the database and the sink's folder: lifecycles done and lost, charges per seat order (1), seats
added per seat order (5, once), the mails the processes wrote (outbox) against those the relay received (by
Message-ID: missing, duplicated), every link in every delivered mail opened (a spent link may say so; a broken one is a
404 or 5xx), the longest step and the longest mail delay, and the answers that were retried.

Run: `uv run python -m bench.chaos` (about 12 minutes on 2 cores; `--seat 20 --partner 6 --assist 6 --organizer 6`
for a quick look; `--database-url postgresql+asyncpg://…` for PostgreSQL; `--rounds worker,smtp`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench import chaos_lifecycles as lifecycles
from bench.chaos_lifecycles import Lifecycle, Mailbox, Record
from bench.chaos_report import RECOVERY_BOUND, Bench, Round, Sizes, assess, print_round, recovery, settle
from bench.chaos_stack import ChaosStack
from models.assist import Producer
from store import SessionFactory, make_engine, make_session_factory, upgrade
from store import assist as assist_store
from tests.support import operator_key


async def run_lifecycles(bench: Bench, sizes: Sizes, record: Record, errors: list[str]) -> list[Lifecycle]:
    base, key, mailbox = bench.stack.base_url, bench.operator, bench.mailbox
    first_day = 20 + 40 * bench.round_no  # each round's bookings on days of their own: the producers stay free
    makers: list[tuple[str, Callable[[], Awaitable[Lifecycle]]]] = []
    makers += [("seat order", lambda: lifecycles.seat_order(base, key, record, mailbox))] * sizes.seat
    makers += [("partner order", lambda: lifecycles.partner_order(base, key, record, mailbox))] * sizes.partner
    makers += [("organizer", lambda: lifecycles.organizer(base, key, record, mailbox))] * sizes.organizer
    makers += [
        ("assist booking", lambda day=first_day + i: lifecycles.assist_booking(base, record, mailbox, bench.site, day))
        for i in range(sizes.assist)
    ]
    random.Random(bench.round_no).shuffle(makers)
    at_once = asyncio.Semaphore(sizes.at_once)

    async def one(kind: str, make: Callable[[], Awaitable[Lifecycle]]) -> Lifecycle:
        async with at_once:
            try:
                return await make()
            except Exception as error:
                errors.append(f"{kind}: {type(error).__name__}: {error}")
                return Lifecycle(kind, "?", error=str(error))

    return list(await asyncio.gather(*(one(kind, make) for kind, make in makers)))


# ------------------------------------------------------------------------------------------------- the faults


async def kill_worker_at_random(
    stack: ChaosStack, stop: asyncio.Event, low: float, high: float, startups: list[float]
) -> None:
    """Each worker lives ``low``-``high`` s once it is ready (counted from its spawn, a worker that takes longer to
    start than it is let live would never poll), then SIGKILL and a new one."""
    rng = random.Random(7)
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=rng.uniform(low, high))
        if stop.is_set():
            return
        kind = rng.choice(stack.killable)
        stack.kill_worker(kind)
        startups.append(await stack.start_worker(kind))


async def smtp_outage(stack: ChaosStack, stop: asyncio.Event, events: dict[str, float], down: float) -> None:
    await asyncio.sleep(5)
    stack.stop_sink()
    events["smtp down"] = time.time()
    await asyncio.sleep(down)
    stack.start_sink()
    events["smtp back"] = time.time()


async def temporal_restart(stack: ChaosStack, stop: asyncio.Event, events: dict[str, float]) -> None:
    await asyncio.sleep(15)
    stack.kill_temporal()
    events["temporal killed"] = time.time()
    await asyncio.sleep(5)
    stack.start_temporal()
    events["temporal back"] = time.time()


async def play(bench: Bench, round_: Round, fault: Callable[[asyncio.Event], Awaitable[None]] | None) -> None:
    stop = asyncio.Event()
    began = time.time()
    chaos = asyncio.create_task(fault(stop)) if fault else None
    round_.lives = await run_lifecycles(bench, round_.sizes, round_.record, round_.errors)
    stop.set()
    if chaos is not None:
        await chaos
    round_.seconds = time.time() - began
    bench.round_no += 1


async def main(arguments: argparse.Namespace) -> None:
    sizes = Sizes(arguments.seat, arguments.partner, arguments.assist, arguments.organizer, arguments.at_once)
    with tempfile.TemporaryDirectory(prefix="onramp-chaos-") as folder:
        database_url = arguments.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'onramp.db'}"
        stack = ChaosStack(Path(folder), database_url, mail_worker=arguments.mail_worker, kill_only=arguments.kill)
        engine = make_engine(database_url)
        try:
            await upgrade(engine)
            sessions = make_session_factory(engine)
            key = await operator_key(sessions, "chaos")
            site = await _assist_site(sessions)
            stack.start_temporal()
            stack.start_sink()
            await stack.start_workers()
            stack.start_api()
            async with Mailbox(stack.mail_dir) as mailbox:
                bench = Bench(stack, sessions, key, mailbox, site)
                for name in arguments.rounds.split(","):
                    round_ = await ROUNDS[name](bench, sizes, arguments)
                    await settle(bench, round_)
                    await assess(bench, round_)
                    print_round(round_)
        finally:
            stack.stop()
            await engine.dispose()
            if arguments.keep_logs:
                _keep_logs(stack, Path(arguments.keep_logs))


def _keep_logs(stack: ChaosStack, into: Path) -> None:
    """The processes' logs, the databases (the dev server's histories to read with `temporal server start-dev
    --db-filename`), the mail the sink received and when each worker was killed and ready (wall clock, as the logs)."""
    into.mkdir(parents=True, exist_ok=True)
    for kept in [*stack.folder.glob("*.log"), *stack.folder.glob("*.db")]:
        (into / kept.name).write_bytes(kept.read_bytes())
    if stack.mail_dir.exists():
        shutil.copytree(stack.mail_dir, into / "mail", dirs_exist_ok=True)
    mail_worker = set(stack.mail_kills) if stack.mail_worker else set()
    moments = [(at, "mail worker killed" if at in mail_worker else "worker killed") for at in stack.worker_kills] + [
        (at, "worker ready") for at in stack.worker_starts
    ]
    (into / "workers.txt").write_text("".join(f"{at:.3f} {what}\n" for at, what in sorted(moments)))


async def _assist_site(sessions: SessionFactory) -> str:
    name = "chaos.webex.com"
    async with sessions.begin() as session:
        await assist_store.add_site(session, name, "Chaos site", "Asia/Taipei")
        for n in range(4):
            await assist_store.add_producer(
                session, Producer(producer_id=f"chaos-{n}", name=f"Producer {n}", email=f"producer-{n}@assist.example")
            )
    return name


async def worker_round(bench: Bench, sizes: Sizes, arguments: argparse.Namespace) -> Round:
    round_ = Round("worker", "SIGKILL of the worker 1-5 s after it is ready, a new one at once", sizes)
    since, startups = time.time(), []
    await play(bench, round_, lambda stop: kill_worker_at_random(bench.stack, stop, 1, 5, startups))
    round_.figures["worker kills"] = _kills(bench.stack, since, startups)
    round_.figures["recovery"] = _recovery(bench, round_, since)
    return round_


async def recovery_round(bench: Bench, sizes: Sizes, arguments: argparse.Namespace) -> Round:
    round_ = Round("recovery", "one SIGKILL every 12 s, a new worker at once", sizes.scaled(arguments.fraction))
    since, startups = time.time(), []
    await play(bench, round_, lambda stop: kill_worker_at_random(bench.stack, stop, 12, 12, startups))
    round_.figures["worker kills"] = _kills(bench.stack, since, startups)
    round_.figures["recovery"] = _recovery(bench, round_, since)
    return round_


def _recovery(bench: Bench, round_: Round, since: float) -> str:
    count, slowest = recovery(bench.stack, round_.record, since)
    longest = slowest[0][0] if slowest else 0.0
    return (
        f"{count} steps and mails in hand at a kill; the last finished {longest:.1f} s after the new worker started "
        f"(bound {RECOVERY_BOUND:.0f} s); slowest: "
        + ", ".join(f"{name} {seconds:.1f} s" for seconds, name in slowest[:5])
    )


def _kills(stack: ChaosStack, since: float, startups: list[float]) -> str:
    kills = len([k for k in stack.worker_kills if k >= since])
    return f"{kills}; a new worker ready {statistics.median(startups or [0]):.1f} s after its spawn (median)"


async def smtp_round(bench: Bench, sizes: Sizes, arguments: argparse.Namespace) -> Round:
    round_ = Round(
        "smtp", f"the SMTP relay down {arguments.smtp_down:.0f} s, then back", sizes.scaled(arguments.fraction)
    )
    await play(bench, round_, lambda stop: smtp_outage(bench.stack, stop, round_.events, arguments.smtp_down))
    return round_


async def temporal_round(bench: Bench, sizes: Sizes, arguments: argparse.Namespace) -> Round:
    round_ = Round(
        "temporal",
        "the dev server SIGKILLed, restarted on its database file 5 s later",
        sizes.scaled(arguments.fraction),
    )
    await play(bench, round_, lambda stop: temporal_restart(bench.stack, stop, round_.events))
    return round_


async def calm_round(bench: Bench, sizes: Sizes, arguments: argparse.Namespace) -> Round:
    round_ = Round("calm", "nothing fails: the reference for the rounds below", sizes.scaled(arguments.fraction))
    await play(bench, round_, None)
    return round_


ROUNDS = {
    "calm": calm_round,
    "worker": worker_round,
    "recovery": recovery_round,
    "smtp": smtp_round,
    "temporal": temporal_round,
}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seat", type=int, default=100)
    parser.add_argument("--partner", type=int, default=30)
    parser.add_argument("--assist", type=int, default=30)
    parser.add_argument("--organizer", type=int, default=30)
    parser.add_argument("--at-once", type=int, default=16, help="lifecycles in progress at the same time")
    parser.add_argument("--fraction", type=float, default=0.3, help="the size of the other rounds against the first")
    parser.add_argument("--smtp-down", type=float, default=150.0, help="seconds the relay is down")
    parser.add_argument("--rounds", default="calm,worker,recovery,smtp,temporal")
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temporary folder")
    parser.add_argument(
        "--mail-worker",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="mail in a worker process of its own beside the workflows' (the kills pick either at random)",
    )
    parser.add_argument(
        "--kill",
        choices=["worker", "mail-worker"],
        default=None,
        help="kill only this kind of worker (default: either)",
    )
    parser.add_argument(
        "--keep-logs", default=None, help="a folder to copy the logs, the dev server database and the worker kills to"
    )
    asyncio.run(main(parser.parse_args()))
