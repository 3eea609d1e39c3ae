"""The Webex Assist tests' own world, as module-scoped fixtures: a time-skipping server, a SQLite database and a
worker on a task queue of their own. A module imports them (`from tests.assist_env import ts_env_fixture, ...`, the
fixtures keep their usual names: `ts_env`, `assist_db`, `settings`, `worker`, `client`, `http`) and gets its own
instances: its skipped time touches no other module's workflows, and its producer calendar holds only its own
producers (with the real aiosmtpd sink of the session).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.registry import all_activities
from starter.mail_sink import MailSink
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory, make_engine, make_session_factory
from store.migrate import upgrade
from tests.assist_support import uid
from tests.conftest import register_search_attributes
from tests.support import binary, make_converter, make_settings, with_csrf


@contextlib.asynccontextmanager
async def time_skipping() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of its own, with onramp's search attributes."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=make_converter(), test_server_existing_path=binary("temporal-test-server")
    )
    await register_search_attributes(env.client)
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture(scope="module", name="ts_env")
async def ts_env_fixture() -> AsyncIterator[WorkflowEnvironment]:
    async with time_skipping() as env:
        yield env


@pytest.fixture(scope="module", name="assist_db")
async def assist_db_fixture(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[SessionFactory]:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('assist') / 'onramp.db'}")
    await upgrade(engine)
    yield make_session_factory(engine)
    await engine.dispose()


@pytest.fixture(scope="module", name="settings")
def settings_fixture(
    assist_db: SessionFactory, mail_sink: MailSink, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return make_settings(
        database_url="sqlite+aiosqlite:///unused.db",
        smtp_host=mail_sink.host,
        smtp_port=mail_sink.port,
        task_queue=f"assist-{uid()}",
        public_base_url="http://onramp.test",
    )


@pytest.fixture(scope="module", name="worker")
async def worker_fixture(
    ts_env: WorkflowEnvironment, assist_db: SessionFactory, settings: Settings
) -> AsyncIterator[Worker]:
    from starter.worker_host import build_worker

    async with build_worker(
        ts_env.client, settings.task_queue, all_activities(assist_db, settings.mail_config())
    ) as worker:
        yield worker


@pytest.fixture(name="client")
async def client_fixture(ts_env: WorkflowEnvironment, worker: Worker) -> Client:
    return ts_env.client


@pytest.fixture(name="http")
async def http_fixture(
    client: Client, settings: Settings, assist_db: SessionFactory
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, client=client, sessions=assist_db)
    async with with_csrf(httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")) as http:
        yield http
