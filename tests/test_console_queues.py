"""The operators' console's queues on Temporal's dev server (visibility queries need it: the time-skipping server
answers none): a workflow that belongs in a queue is listed there, one that does not is not, and a queue is read a
page at a time. No waiting for timers: the orders are started with their dates already past (or near)."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio.client import Client

from starter.services import console_queues, partner_orders
from starter.services.console_queues import Queue
from store import SessionFactory
from tests.admin_support import browser
from tests.assist_support import availability, book, new_site, session_at, start_order
from tests.console_support import Console, ids_in, partner_order, shown
from tests.seat_support import add_card, new_account, start, step, up_to_service_order
from tests.support import bearer, eventually, operator_key


async def test_escalated_and_closing_partner_orders_are_in_their_queues(console: Console) -> None:
    client: Client = console.client
    escalated = partner_order(escalate_after_days=0)  # escalated at once; its line closes in 30 days
    closing = partner_order(close_after_days_other=2)  # not escalated yet (one day); closes in 2 days
    future = partner_order(2)  # nothing is due yet
    for o in (escalated, closing, future):
        await partner_orders.start(client, console.settings, o)

    in_escalated = await shown(client, Queue.ESCALATED, escalated.workflow_id)
    assert closing.workflow_id not in in_escalated and future.workflow_id not in in_escalated
    in_closing = await shown(client, Queue.CLOSING, closing.workflow_id)
    assert escalated.workflow_id not in in_closing and future.workflow_id not in in_closing
    assert (await partner_orders.status(client, future.order_id)).status == "awaiting_start_date"


async def test_a_queue_is_read_a_page_at_a_time(console: Console) -> None:
    client = console.client
    orders = [partner_order(escalate_after_days=0) for _ in range(3)]
    for o in orders:
        await partner_orders.start(client, console.settings, o)
    for o in orders:
        await shown(client, Queue.ESCALATED, o.workflow_id)

    seen: list[str] = []
    token = None
    for _ in range(200):
        page = await console_queues.page(client, Queue.ESCALATED, token, size=2)
        assert len(page.rows) <= 2
        seen += [row.workflow_id for row in page.rows]
        token = page.next_token
        if token is None:
            break
    assert {o.workflow_id for o in orders} <= set(seen)
    assert len(seen) == len(set(seen))  # no row twice across the pages
    [row] = [
        row
        for row in (await console_queues.page(client, Queue.ESCALATED, size=100)).rows
        if row.workflow_id == orders[0].workflow_id
    ]
    assert (row.kind, row.business_id, row.escalated) == ("partner_order", orders[0].order_id, True)
    assert row.closes_at is not None and row.closes_at > datetime.now(UTC)


async def test_a_seat_order_over_the_review_limit_waits_in_the_approval_queue(
    console: Console, sessions: SessionFactory
) -> None:
    async with browser(console.app) as http:
        http.headers.update(bearer(await operator_key(sessions)))
        today = datetime.now(UTC).date()
        big_account = await new_account(http, today)
        card = await add_card(http, big_account)
        big = (await start(http, big_account))["order_no"]
        await up_to_service_order(http, big, card, seats=500)  # over the 10,000 of a review
        await step(http, big, "place")
        small = (await start(http, big_account))["order_no"]  # a cart: nobody needs to approve it

        in_review = await shown(console.client, Queue.SEAT_REVIEW, f"seat-order-{big}")
        assert f"seat-order-{small}" not in in_review
        assert f"seat-order-{big}" not in await ids_in(console.client, Queue.SEAT_DEADLINE)  # 24 hours ahead


async def test_assist_bookings_without_a_producer_are_in_the_assist_queue(
    console: Console, sessions: SessionFactory
) -> None:
    async with browser(console.app) as http:
        site = await new_site(sessions)
        now = datetime.now(UTC)
        draft = await start_order(http, availability(site, session_at(now, 20)))  # its time chosen, no producer yet
        confirmed = await book(http, availability(site, session_at(now, 21)))
        assert confirmed["confirmed"] is True, confirmed
        number = confirmed["state"]["reservation_no"]

        ours, theirs = f"assist-{draft['reservation_no']}", f"assist-{number}"

        async def settled() -> set[str] | None:  # the confirmed booking's producer has reached visibility too
            found = await ids_in(console.client, Queue.ASSIST)
            return found if ours in found and theirs not in found else None

        await eventually(settled, timeout=30, what="the draft alone in the assist queue")
        [row] = [
            row
            for row in (await console_queues.page(console.client, Queue.ASSIST, size=100)).rows
            if row.workflow_id == f"assist-{draft['reservation_no']}"
        ]
        assert row.no_producer and row.session_start is not None and row.status == "draft"
