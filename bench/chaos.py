"""Chaos: the four processes walked end to end over the HTTP API while their parts fail, then what was lost or doubled.

Separate processes, as an operator runs them (bench/chaos_stack.py): Temporal's dev server on a database file,
`python worker.py`, `onramp api` (production mode: a payload key, onramp's API keys) and the SMTP sink. Each round
runs its lifecycles (bench/chaos_lifecycles.py: a partner order through the whole wizard to provisioned, a seat order
on an account of its own to completed, an assist booking confirmed then moved, an organizer created and activated),
some at once, while one part fails:

1. worker: SIGKILL of the worker at random every 1-5 s, a new one started at once;
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
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select

from bench import chaos_lifecycles as lifecycles
from bench.chaos_lifecycles import Lifecycle, Mailbox, Record
from bench.chaos_stack import ChaosStack
from models.assist import Producer
from starter.mail_sink import ReceivedMail
from store import SessionFactory, make_engine, make_session_factory, upgrade
from store import assist as assist_store
from store.tables import AccountOrder, AccountSubscription, GatewayCharge, OutboxMail
from tests.support import operator_key

RECOVERY_BOUND = 10.0
MAIL_AFTER_RETURN_BOUND = 30.0


@dataclass
class Sizes:
    seat: int
    partner: int
    assist: int
    organizer: int
    at_once: int

    def scaled(self, fraction: float) -> Sizes:
        def part(n: int) -> int:
            return max(1, round(n * fraction)) if n else 0

        return Sizes(part(self.seat), part(self.partner), part(self.assist), part(self.organizer), self.at_once)


@dataclass
class Round:
    name: str
    what: str
    sizes: Sizes
    record: Record = field(default_factory=Record)
    lives: list[Lifecycle] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    events: dict[str, float] = field(default_factory=dict)
    figures: dict[str, str] = field(default_factory=dict)


@dataclass
class Bench:
    stack: ChaosStack
    sessions: SessionFactory
    operator: str
    mailbox: Mailbox
    site: str
    round_no: int = 0


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
        stack.kill_worker()
        startups.append(await stack.start_worker())


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


# ------------------------------------------------------------------------------------------------- what happened


async def settle(bench: Bench, round_: Round) -> None:
    """Wait until the outbox rows of the round are all sent (or 120 s), then read what arrived."""
    recipients = {to for life in round_.lives for to, _ in life.expected_mails}
    deadline = time.time() + 120
    while time.time() < deadline:
        async with bench.sessions() as session:
            pending = await session.scalar(
                select(func.count())
                .select_from(OutboxMail)
                .where(OutboxMail.recipient.in_(recipients), OutboxMail.status != "sent")
            )
        if not pending:
            break
        await asyncio.sleep(1)
    await asyncio.sleep(2)
    bench.mailbox.scan()


async def assess(bench: Bench, round_: Round) -> None:
    lives, figures = round_.lives, round_.figures
    figures["lifecycles"] = str(len(lives))
    figures["done"] = str(sum(life.done for life in lives))
    figures["lost"] = str(sum(not life.done for life in lives))
    await _money_and_seats(bench, round_)
    await _mails(bench, round_)
    name, seconds = round_.record.longest_step()
    figures["longest step"] = f"{seconds:.1f} s ({name})"
    waits = [arrived - triggered for _, triggered, arrived in round_.record.waits]
    figures["longest mail wait"] = f"{max(waits, default=0):.1f} s"
    figures["retried answers"] = ", ".join(f"{what} x {n}" for what, n in round_.record.answers.most_common()) or "none"
    figures["seconds"] = f"{round_.seconds:.0f}"


async def _money_and_seats(bench: Bench, round_: Round) -> None:
    seat_lives = [life for life in round_.lives if life.kind == "seat order" and life.account_no]
    accounts = [life.account_no for life in seat_lives]
    async with bench.sessions() as session:
        charges = Counter(
            (await session.execute(select(GatewayCharge.account_no).where(GatewayCharge.account_no.in_(accounts))))
            .scalars()
            .all()
        )
        lines = Counter(
            (await session.execute(select(AccountOrder.order_no).where(AccountOrder.account_no.in_(accounts))))
            .scalars()
            .all()
        )
        seats = dict(
            (
                await session.execute(
                    select(AccountSubscription.account_no, AccountSubscription.seats).where(
                        AccountSubscription.account_no.in_(accounts),
                        AccountSubscription.product == "GoTo Meeting",
                        AccountSubscription.edition == "Enterprise",
                    )
                )
            ).all()
        )
    per_order = Counter(charges[account] for account in accounts)
    round_.figures["charges per seat order"] = ", ".join(f"{n}: {k}" for n, k in sorted(per_order.items())) or "-"
    added = Counter((seats.get(life.account_no, 0) - 3, lines[life.key]) for life in seat_lives)
    round_.figures["seats added per seat order"] = (
        ", ".join(f"+{s} in {rows} line(s): {k}" for (s, rows), k in sorted(added.items())) or "-"
    )


async def _mails(bench: Bench, round_: Round) -> None:
    recipients = {to for life in round_.lives for to, _ in life.expected_mails}
    async with bench.sessions() as session:
        rows = (await session.execute(select(OutboxMail).where(OutboxMail.recipient.in_(recipients)))).scalars().all()
    received = [mail for mail in bench.mailbox.mails if mail.to in recipients]
    copies = Counter(mail.header_id for mail in received)
    written = {row.message_id: row for row in rows}
    expected = {(to, purpose) for life in round_.lives for to, purpose in life.expected_mails}
    got = {(mail.to, str(mail.message["X-Onramp-Purpose"])) for mail in received}
    f = round_.figures
    f["mails expected"] = str(len(expected))
    f["mails written (outbox)"] = str(len(rows))
    f["mails received"] = f"{len(copies)} distinct, {len(received)} in all"
    f["expected, not received"] = str(len(expected - got))
    f["written, not received"] = str(sum(1 for mid in written if mid not in copies))
    f["duplicated (same Message-ID)"] = str(sum(n - 1 for n in copies.values()))
    f["received, never written"] = str(sum(1 for mid in copies if mid not in written))
    unasked = Counter(row.purpose for row in rows if (row.recipient, row.purpose) not in expected)
    f["written, not expected"] = ", ".join(f"{purpose} x {n}" for purpose, n in unasked.most_common()) or "none"
    delays = [
        mail.received_at.timestamp() - written[mail.header_id].created_at.timestamp()
        for mail in received
        if mail.header_id in written
    ]
    f["longest mail delay (outbox → relay)"] = f"{max(delays, default=0):.1f} s"
    if "smtp back" in round_.events:
        back = round_.events["smtp back"]
        held = [
            mail
            for mail in received
            if mail.header_id in written and written[mail.header_id].created_at.timestamp() < back
        ]
        late = [mail.received_at.timestamp() - back for mail in held if mail.received_at.timestamp() >= back]
        f["held mails out after the relay's return"] = (
            f"{len(late)}, the last {max(late, default=0):.1f} s after (bound {MAIL_AFTER_RETURN_BOUND:.0f} s)"
        )
    await _links(bench, round_, received)


async def _links(bench: Bench, round_: Round, received: Sequence[ReceivedMail]) -> None:
    """Every link in every delivered mail: the ones the users followed worked (their step went through); every other
    one is opened now. A spent link (a wizard done, an organizer active) answers its page with 404, as an unknown one
    does, so only the links nobody used count as broken when they answer 404 or 5xx. Copies of one mail must carry
    the same links."""
    base = bench.stack.base_url
    used = {link for life in round_.lives for link in life.used_links}
    answers: Counter[str] = Counter()
    broken: list[str] = []
    first_links: dict[str, list[str]] = {}
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        for mail in received:
            links = [link[len(base) :] for link in mail.links if link.startswith(base)]
            if first_links.setdefault(mail.header_id, links) != links:
                broken.append(f"{mail.message['X-Onramp-Purpose']}: a copy with other links")
            for path in links:
                if path in used:
                    answers["followed by the user"] += 1
                    continue
                response = await http.get(path)
                answers[str(response.status_code)] += 1
                if response.status_code == 404 or response.status_code >= 500:
                    broken.append(f"{mail.message['X-Onramp-Purpose']}: {response.status_code} {path[:40]}")
    round_.figures["links"] = ", ".join(f"{code} x {n}" for code, n in sorted(answers.items())) or "none"
    round_.figures["links broken"] = str(len(broken)) + (f" ({'; '.join(broken[:5])})" if broken else "")


def recovery(stack: ChaosStack, record: Record, since: float) -> tuple[int, float]:
    """For every step and awaited mail in hand at a kill, how long after the next worker's start it finished."""
    kills = [k for k in stack.worker_kills if k >= since]
    starts = sorted(stack.worker_starts)
    finished: list[float] = []
    spans = [(began, ended) for _, began, ended, _ in record.step_seconds]
    spans += [(triggered, arrived) for _, triggered, arrived in record.waits]
    for kill in kills:
        new = next((s for s in starts if s >= kill), None)
        if new is not None:
            finished += [ended - new for began, ended in spans if began < kill < ended]
    return len(finished), max(finished, default=0.0)


# ------------------------------------------------------------------------------------------------- the run


def print_round(round_: Round) -> None:
    print()
    print(f"## round: {round_.name} — {round_.what}")
    s = round_.sizes
    print(
        f"{s.seat} seat orders, {s.partner} partner orders, {s.assist} assist bookings, {s.organizer} organizers, "
        f"{s.at_once} at once"
    )
    width = max(len(k) for k in round_.figures)
    for key, value in round_.figures.items():
        print(f"  {key:<{width}}  {value}")
    for error in round_.errors[:10]:
        print(f"  ! {error}")
    print(flush=True)


async def main(arguments: argparse.Namespace) -> None:
    sizes = Sizes(arguments.seat, arguments.partner, arguments.assist, arguments.organizer, arguments.at_once)
    with tempfile.TemporaryDirectory(prefix="onramp-chaos-") as folder:
        database_url = arguments.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'onramp.db'}"
        stack = ChaosStack(Path(folder), database_url)
        engine = make_engine(database_url)
        try:
            await upgrade(engine)
            sessions = make_session_factory(engine)
            key = await operator_key(sessions, "chaos")
            site = await _assist_site(sessions)
            stack.start_temporal()
            stack.start_sink()
            await stack.start_worker()
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
                _keep_logs(Path(folder), Path(arguments.keep_logs))


def _keep_logs(folder: Path, into: Path) -> None:
    into.mkdir(parents=True, exist_ok=True)
    for log in folder.glob("*.log"):
        (into / log.name).write_bytes(log.read_bytes())


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
    return round_


async def recovery_round(bench: Bench, sizes: Sizes, arguments: argparse.Namespace) -> Round:
    round_ = Round("recovery", "one SIGKILL every 12 s, a new worker at once", sizes.scaled(arguments.fraction))
    since, startups = time.time(), []
    await play(bench, round_, lambda stop: kill_worker_at_random(bench.stack, stop, 12, 12, startups))
    count, longest = recovery(bench.stack, round_.record, since)
    round_.figures["worker kills"] = _kills(bench.stack, since, startups)
    round_.figures["recovery"] = (
        f"{count} steps and mails in hand at a kill; the last finished {longest:.1f} s after the new worker started "
        f"(bound {RECOVERY_BOUND:.0f} s)"
    )
    return round_


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
    parser.add_argument("--keep-logs", default=None, help="a folder to copy the processes' logs to")
    asyncio.run(main(parser.parse_args()))
