"""Webex Assist bookings on the dev server, each figure next to a bare reference in the same run (same server).

1. Bookings confirmed per second: N orders at once, each the seed's four steps through the HTTP API (start +
   availability with the producer check, lookup, event info, submit with the producer hold, the booking's row and
   the confirmation mail). Reference: N bare workflows started at once through the client, each answering four
   no-op Updates (the same number of round trips, none of the work).
2. The reschedule Update's latency through the HTTP API (contact check, availability re-check, the producer hold
   moved in one transaction, the booking's row, the mail queued), repeated on a few bookings moving back and forth.
   Reference: a no-op Update on a minimal workflow.

Run: `uv run python -m bench.assist_bookings [bookings] [reschedules]`.
"""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from datetime import time as clock

from bench.reference_workflow import ReferenceWorkflow
from bench.stack import Bench, bench_stack, report, timed
from models.assist import Producer
from models.assist_time import SessionTime
from store import assist as store
from store import make_engine, make_session_factory
from tests.assist_support import availability

REFERENCE_UPDATES = 4  # availability, lookup, event info, submit


async def main(bookings: int, reschedules: int) -> None:
    async with bench_stack() as bench:
        site = await _site(bench, producers=bookings)
        ours = await _book_all(bench, site, bookings)
        reference = await _reference(bench, bookings)
        print(f"\nassist bookings confirmed  ({bookings} at once, same dev server, same run)")
        print(f"{'':<58}{'seconds':>10}{'per second':>12}")
        print(f"{'bookings: 4 steps over HTTP, 3 activities, a mail':<58}{ours:>10.2f}{bookings / ours:>12.1f}")
        label = f"bare workflows: start + {REFERENCE_UPDATES} no-op Updates"
        print(f"{label:<58}{reference:>10.2f}{bookings / reference:>12.1f}")
        print(f"{'ratio (ours / reference, throughput)':<58}{'':>10}{reference / ours:>12.2f}")

        await _reschedule_latency(bench, site, reschedules)


async def _site(bench: Bench, producers: int) -> str:
    engine = make_engine(bench.settings.database_url)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            await store.add_site(session, "bench.webex.com", "Bench", "Asia/Taipei")
            for i in range(producers):
                producer = Producer(producer_id=f"bench-{i}", name=f"Producer {i}", email=f"p{i}@bench.example")
                await store.add_producer(session, producer)
    finally:
        await engine.dispose()
    return "bench.webex.com"


def _when(day_offset: int, at: clock = clock(15, 0)) -> SessionTime:
    day = (datetime.now(UTC) + timedelta(days=day_offset)).date()
    return SessionTime(date=day, time=at, time_zone="Asia/Taipei", duration_minutes=60)


async def _book(bench: Bench, site: str, when: SessionTime) -> tuple[str, str]:
    body = availability(site, when, package="mc_premium")
    started = await bench.http.post("/api/assist/bookings", json=body)
    assert started.status_code == 201 and started.json()["check"]["available"], started.text
    number = started.json()["reservation_no"]
    mine = {"X-Contact-Email": body["customer"]["email"]}
    for path, step in (("lookup", {"scheduled": "by_someone_else"}), ("event-info", {"topic": "Bench"})):
        response = await bench.http.post(f"/api/assist/bookings/{number}/{path}", json=step, headers=mine)
        assert response.status_code == 200, response.text
    submitted = await bench.http.post(f"/api/assist/bookings/{number}/submit", json={}, headers=mine)
    assert submitted.status_code == 200 and submitted.json()["confirmed"], submitted.text
    return number, body["customer"]["email"]


async def _book_all(bench: Bench, site: str, count: int) -> float:
    began = time.perf_counter()
    await asyncio.gather(*(_book(bench, site, _when(20)) for _ in range(count)))
    return time.perf_counter() - began


async def _reference(bench: Bench, count: int) -> float:
    async def one() -> None:
        handle = await bench.client.start_workflow(
            ReferenceWorkflow.run, id=f"ref-{uuid.uuid4().hex}", task_queue=bench.reference_queue
        )
        for _ in range(REFERENCE_UPDATES):
            await handle.execute_update(ReferenceWorkflow.noop, "x")
        await handle.signal(ReferenceWorkflow.finish)

    began = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(count)))
    return time.perf_counter() - began


async def _reschedule_latency(bench: Bench, site: str, runs: int) -> None:
    booked = [await _book(bench, site, _when(40 + i)) for i in range(5)]
    reference = await bench.client.start_workflow(
        ReferenceWorkflow.run, id=f"ref-{uuid.uuid4().hex}", task_queue=bench.reference_queue
    )

    async def reschedule(i: int) -> None:
        number, email = booked[i % len(booked)]
        # each booking moves between 09:00 and 10:00 of its day: a different time on every call
        at = "09:00" if (i // len(booked)) % 2 == 0 else "10:00"
        day = _when(40 + (i % len(booked))).date.isoformat()
        response = await bench.http.post(
            f"/api/assist/bookings/{number}/reschedule",
            json={"contact_email": email, "date": day, "time": at},
            headers={"X-Contact-Email": email},
        )
        assert response.status_code == 200 and response.json()["confirmed"], response.text

    async def noop(_: int) -> None:
        await reference.execute_update(ReferenceWorkflow.noop, "x")

    async def with_activity(_: int) -> None:
        await reference.execute_update(ReferenceWorkflow.with_activity, "x")

    warmup = 2 * len(booked)  # every booking moved twice before timing; each call still moves to a new time
    ours = (await timed(reschedule, runs + warmup, warmup=0))[warmup:]
    held = await timed(with_activity, runs)
    ref = await timed(noop, runs)
    report(
        "reschedule Update, beside an Update that waits for one no-op activity",
        ("POST …/reschedule (producer hold moved)", ours),
        ("Update + 1 no-op activity, minimal workflow", held),
    )
    report(
        "reschedule Update", ("POST …/reschedule (producer hold moved)", ours), ("no-op Update, minimal workflow", ref)
    )
    await reference.signal(ReferenceWorkflow.finish)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50, int(sys.argv[2]) if len(sys.argv) > 2 else 100))
