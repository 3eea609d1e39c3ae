"""Real parts for the tests: the time-skipping Temporal server, a real SMTP server, a real database.

Persistence fixtures run on SQLite and, when ONRAMP_TEST_DATABASE_URL is set, on PostgreSQL too (each run in a
database of its own, dropped at the end).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.registry import all_activities
from models import search_attributes
from starter.mail_sink import MailSink
from starter.settings import Settings, get_settings
from starter.web.app import create_app
from starter.worker_host import build_worker
from store import SessionFactory, make_engine, make_session_factory, normalize_url, upgrade
from tests.admin_support import browser, ready_admin
from tests.console_support import Console, console_stack
from tests.seat_portal_support import SeatAccount, seat_account
from tests.support import (
    bearer,
    binary,
    dev_server,
    free_port,
    make_converter,
    make_settings,
    operator_key,
    postgres_url_from_env,
    with_csrf,
)

TASK_QUEUE = "onramp-tests"


# ---------------------------------------------------------------- databases


@pytest.fixture(scope="session")
async def postgres_url() -> AsyncIterator[str | None]:
    """A fresh PostgreSQL database for this run, or None when ONRAMP_TEST_DATABASE_URL is not set."""
    base = postgres_url_from_env()
    if base is None:
        yield None
        return
    url = make_url(normalize_url(base))
    name = f"onramp_test_{uuid.uuid4().hex[:10]}"
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if postgres_url_from_env() else ["sqlite"]


@pytest.fixture(scope="session", params=_backends())
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, postgres_url: str | None
) -> str:
    """Each persistence test runs once per backend."""
    if request.param == "postgresql":
        assert postgres_url is not None
        return postgres_url
    return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'onramp.db'}"


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def sessions(engine: AsyncEngine) -> SessionFactory:
    return make_session_factory(engine)


# ---------------------------------------------------------------- SMTP


@pytest.fixture(scope="session")
def mail_sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailSink]:
    sink = MailSink(port=free_port(), folder=tmp_path_factory.mktemp("mail"))
    sink.start()
    yield sink
    sink.stop()


# ---------------------------------------------------------------- Temporal (time-skipping) + worker


@pytest.fixture(scope="session")
async def workflow_db(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[str, SessionFactory]]:
    """The database the session's worker writes to (SQLite: the workflow tests are about timers, not SQL)."""
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('wfdb') / 'onramp.db'}"
    engine = make_engine(url)
    await upgrade(engine)
    yield url, make_session_factory(engine)
    await engine.dispose()


@pytest.fixture(scope="session")
def settings(workflow_db: tuple[str, SessionFactory], mail_sink: MailSink) -> Settings:
    return make_settings(
        database_url=workflow_db[0],
        smtp_host=mail_sink.host,
        smtp_port=mail_sink.port,
        task_queue=TASK_QUEUE,
        public_base_url="http://onramp.test",
    )


async def register_search_attributes(client: Client) -> None:
    """The time-skipping server needs them registered too, or a workflow that sets one retries its task forever."""
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            search_attributes={
                key.name: IndexedValueType.ValueType(key.indexed_value_type) for key in search_attributes.ALL
            },
            namespace=client.namespace,
        )
    )


@pytest.fixture(scope="module")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """Temporal's dev server, one per test module that asks for it: visibility queries (the time-skipping server
    answers none) and the real server's clock."""
    async with dev_server() as env:
        yield env


@pytest.fixture
async def console(
    dev_env: WorkflowEnvironment, database_url: str, sessions: SessionFactory, mail_sink: MailSink
) -> AsyncIterator[Console]:
    """A worker on a task queue of its own and an app, on the module's dev server (tests/console_support.py)."""
    async with console_stack(dev_env.client, database_url, sessions, mail_sink) as stack:
        yield stack


@pytest.fixture(scope="session")
async def ts_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=make_converter(),
        test_server_existing_path=binary("temporal-test-server"),
    )
    await register_search_attributes(env.client)
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def worker(
    ts_env: WorkflowEnvironment, workflow_db: tuple[str, SessionFactory], settings: Settings
) -> AsyncIterator[Worker]:
    worker = build_worker(
        ts_env.client, TASK_QUEUE, all_activities(workflow_db[1], settings.mail_config()), strict_sandbox=True
    )
    async with worker:
        yield worker


@pytest.fixture
async def client(ts_env: WorkflowEnvironment, worker: Worker) -> Client:
    return ts_env.client


@pytest.fixture
async def http(
    client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory], operator_token: str
) -> AsyncIterator[httpx.AsyncClient]:
    """The HTTP API (and pages) in process, on the time-skipping server and the worker's database."""
    app = create_app(settings, client=client, sessions=workflow_db[1])
    async with with_csrf(
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test", headers=bearer(operator_token)
        )
    ) as http:
        yield http


@pytest.fixture(scope="session")
async def operator_token(workflow_db: tuple[str, SessionFactory]) -> str:
    """An API key with every scope, which the ``http`` client sends: the tests' operator and intake."""
    return await operator_key(workflow_db[1])


# ---------------------------------------------------------------- the CLI


@pytest.fixture
def cli_env(
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    workflow_db: tuple[str, SessionFactory],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    operator_token: str,
) -> Iterator[None]:
    """The CLI's own settings point at the time-skipping server, the tests' task queue and the worker's database."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ONRAMP_TEMPORAL_ADDRESS", ts_env.client.service_client.config.target_host)
    monkeypatch.setenv("ONRAMP_TASK_QUEUE", settings.task_queue)
    monkeypatch.setenv("ONRAMP_DATABASE_URL", workflow_db[0])
    monkeypatch.setenv("ONRAMP_SMTP_PORT", str(settings.smtp_port))
    assert settings.payload_key is not None
    monkeypatch.setenv("ONRAMP_PAYLOAD_KEY", settings.payload_key.get_secret_value())
    monkeypatch.setenv("ONRAMP_API_KEY", operator_token)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


# ---------------------------------------------------------------- the seat portal (seed 002 in the admin portal)


@pytest.fixture
async def today(ts_env: WorkflowEnvironment) -> date:
    """The time-skipping server's day: the seat orders' quotes count days from it."""
    return (await ts_env.get_current_time()).date()


@pytest.fixture
def app(client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]) -> FastAPI:
    """The portal over the session's worker and its database (a test module may define its own)."""
    return create_app(settings, client=client, sessions=workflow_db[1])


@pytest.fixture
async def account(workflow_db: tuple[str, SessionFactory], settings: Settings, today: date) -> SeatAccount:
    """A seat account of the test's own (tests/seat_portal_support.py)."""
    return await seat_account(workflow_db[1], settings, today)


@pytest.fixture
async def admin(app: FastAPI, account: SeatAccount) -> AsyncIterator[httpx.AsyncClient]:
    """That account's enterprise admin, logged in with the first password changed."""
    async with browser(app) as http:
        await ready_admin(http, account)
        yield http
