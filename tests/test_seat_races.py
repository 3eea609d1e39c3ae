"""Seat orders on SQLite and PostgreSQL: a double 'place order', the gateway's idempotency and transient errors."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from activities.gateway import GatewayActivities
from activities.registry import all_activities
from models.seat_order_activities import ChargeRequest
from starter.mail_sink import MailSink
from starter.web.app import create_app
from starter.worker_host import build_worker
from store import SessionFactory
from store.cards import tokenize
from store.tables import AccountOrder, GatewayAttempt, GatewayCharge
from tests.conftest import register_search_attributes
from tests.seat_support import APPROVE, FLAKY, add_card, new_account, start, step, up_to_service_order
from tests.support import bearer, binary, eventually, make_converter, make_settings, operator_key


@dataclass
class Backend:
    client: Client
    http: httpx.AsyncClient
    sessions: SessionFactory
    today: datetime
    orders: list[str] = field(default_factory=list)

    async def start(self, account_no: str) -> str:
        order_no = str((await start(self.http, account_no))["order_no"])
        self.orders.append(order_no)
        return order_no


@pytest.fixture(scope="module")
async def ts_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of this module's own: the concurrent Updates of a race (one accepted, then refused by
    its handler) can leave the Java test server's time-skipping lock held, which would stall every later test."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=make_converter(), test_server_existing_path=binary("temporal-test-server")
    )
    await register_search_attributes(env.client)
    yield env
    await env.shutdown()


@pytest.fixture
async def backend(
    ts_env: WorkflowEnvironment, sessions: SessionFactory, database_url: str, mail_sink: MailSink
) -> AsyncIterator[Backend]:
    settings = make_settings(
        database_url=database_url, smtp_port=mail_sink.port, task_queue=f"seat-races-{uuid.uuid4().hex[:6]}"
    )
    app = create_app(settings, client=ts_env.client, sessions=sessions)
    async with (
        build_worker(ts_env.client, settings.task_queue, all_activities(sessions, settings.mail_config())),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test", headers=bearer(await operator_key(sessions))
        ) as http,
    ):
        backend = Backend(ts_env.client, http, sessions, await ts_env.get_current_time())
        try:
            yield backend
        finally:
            # This worker stops with the fixture: a workflow left with work on its task queue would hold the
            # time-skipping server's clock for every later test.
            for order_no in backend.orders:
                with contextlib.suppress(RPCError):
                    await ts_env.client.get_workflow_handle(f"seat-order-{order_no}").terminate("test finished")


async def test_a_double_place_order_places_and_charges_once(backend: Backend) -> None:
    account_no = await new_account(backend.http, backend.today.date())
    card = await add_card(backend.http, account_no)
    order_no = await backend.start(account_no)
    await up_to_service_order(backend.http, order_no, card)

    answers = await asyncio.gather(
        *(backend.http.post(f"/api/seat-orders/{order_no}/place", json={}) for _ in range(2))
    )

    assert sorted(answer.status_code for answer in answers) == [200, 409]
    [refused] = [answer.json() for answer in answers if answer.status_code == 409]
    assert refused["message"] == "This service order has already been placed."

    async def completed() -> bool:
        return (await backend.http.get(f"/api/seat-orders/{order_no}")).json()["status"] == "completed"

    await eventually(completed, what="the order to complete")
    async with backend.sessions() as session:
        charges = await session.scalar(
            select(func.count()).select_from(GatewayCharge).where(GatewayCharge.idempotency_key == order_no)
        )
        lines = await session.scalar(
            select(func.count()).select_from(AccountOrder).where(AccountOrder.order_no == order_no)
        )
    assert (charges, lines) == (1, 1)


async def test_a_transient_gateway_error_is_retried_and_charged_once(backend: Backend) -> None:
    account_no = await new_account(backend.http, backend.today.date())
    card = await add_card(backend.http, account_no, FLAKY)
    order_no = await backend.start(account_no)
    await up_to_service_order(backend.http, order_no, card)
    await step(backend.http, order_no, "place")

    async def completed() -> dict[str, object] | None:
        state = (await backend.http.get(f"/api/seat-orders/{order_no}")).json()
        return state if state["status"] == "completed" else None

    state = await eventually(completed, timeout=30, what="the order to complete after two gateway errors")
    assert state["charge"]["outcome"] == "approved"  # type: ignore[index]
    async with backend.sessions() as session:
        attempt = await session.get(GatewayAttempt, order_no)
        charges = await session.scalar(
            select(func.count()).select_from(GatewayCharge).where(GatewayCharge.idempotency_key == order_no)
        )
    assert attempt is not None and attempt.failures == 2 and charges == 1


async def test_a_second_charge_with_the_same_key_returns_the_first_result(backend: Backend) -> None:
    account_no = await new_account(backend.http, backend.today.date())
    card = await tokenize(backend.sessions, account_no, APPROVE, "12/2030", datetime.now(UTC))
    gateway = GatewayActivities(backend.sessions)
    key = f"SO-TEST-{uuid.uuid4().hex[:6]}"
    request = ChargeRequest(
        idempotency_key=key, account_no=account_no, card=card.reference, amount=Decimal("12.30"), currency="EUR"
    )

    first, second = await asyncio.gather(gateway.charge_card(request), gateway.charge_card(request))
    third = await gateway.charge_card(request.model_copy(update={"amount": Decimal("99.99")}))

    assert first == second == third
    assert third.amount == Decimal("12.30") and third.outcome == "approved"
    async with backend.sessions() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(GatewayCharge).where(GatewayCharge.idempotency_key == key)
            )
            == 1
        )
