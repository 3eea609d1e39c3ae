"""What a chaos round saw, read back from the database and the relay's folder: lifecycles done and lost, charges and
seats per seat order, mails written against mails received (by Message-ID), the links in them opened, the longest
step and mail delay, and the recovery after a kill; and the table each round prints (bench/chaos.py runs them)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
from sqlalchemy import func, select

from bench.chaos_lifecycles import Lifecycle, Mailbox, Record
from bench.chaos_stack import ChaosStack
from starter.mail_sink import ReceivedMail
from store import SessionFactory
from store.tables import AccountOrder, AccountSubscription, GatewayCharge, OutboxMail

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
    f["duplicated (same Message-ID)"] = _duplicates(bench.stack, received, copies)
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


def _duplicates(stack: ChaosStack, received: Sequence[ReceivedMail], copies: Counter[str]) -> str:
    """How many second copies, per 1,000 mails, and for each how long after the relay took the first copy the
    worker was killed: the window between SMTP's acceptance and the outbox row saying "sent"."""
    extra = sum(n - 1 for n in copies.values())
    if not extra:
        return "0"
    first: dict[str, float] = {}
    for mail in sorted(received, key=lambda m: m.received_at):
        first.setdefault(mail.header_id, mail.received_at.timestamp())
    gaps = [
        min((kill - first[mid] for kill in stack.mail_kills), key=abs, default=float("inf"))
        for mid, n in copies.items()
        if n > 1
    ]
    return (
        f"{extra} ({1000 * extra / max(len(copies), 1):.1f} per 1,000 mails); the nearest kill came "
        + ", ".join(f"{gap * 1000:+.0f} ms" for gap in sorted(gaps))
        + " from the relay taking the first copy"
    )


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


def recovery(stack: ChaosStack, record: Record, since: float) -> tuple[int, list[tuple[float, str]]]:
    """For every step and awaited mail in hand at a kill, how long after the start of the worker that followed the
    last kill it lived through it finished, slowest first, each with its name (a step) or purpose (a mail)."""
    kills = [k for k in stack.worker_kills if k >= since]
    starts = sorted(stack.worker_starts)
    finished: list[tuple[float, str]] = []
    spans = [(name, began, ended) for name, began, ended, _ in record.step_seconds]
    spans += [(f"mail {purpose}", triggered, arrived) for purpose, triggered, arrived in record.waits]
    for name, began, ended in spans:
        last_kill = max((k for k in kills if began < k < ended), default=None)
        new = next((s for s in starts if last_kill is not None and s >= last_kill), None)
        if new is not None:
            finished.append((max(ended - new, 0.0), name))
    return len(finished), sorted(finished, reverse=True)


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
