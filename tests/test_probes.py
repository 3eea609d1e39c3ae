"""The probes an orchestrator asks: /livez while the process answers at all, /readyz only while Temporal and the
database answer (503 naming the one away), and no credential needed for either (starter/web/operations.py)."""

from __future__ import annotations

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from starter.web.app import create_app
from store import SessionFactory, make_engine, make_session_factory
from tests.support import free_port, make_settings


def _api(temporal_address: str, sessions: SessionFactory) -> httpx.AsyncClient:
    """The API as it runs when it starts before Temporal: no credentials, connecting on first use."""
    settings = make_settings(temporal_address=temporal_address, database_url="sqlite+aiosqlite://")
    app = create_app(settings, sessions=sessions)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
def ts_env_address(ts_env: WorkflowEnvironment) -> str:
    return ts_env.client.service_client.config.target_host


async def test_ready_when_temporal_and_the_database_answer(http: httpx.AsyncClient) -> None:
    http.headers.pop("Authorization")  # probes carry no credential
    live = await http.get("/livez")
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    ready = await http.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ready", "temporal": "ok", "database": "ok", "failing": []}


async def test_not_ready_names_temporal_when_it_is_away_and_alive_all_the_same(
    workflow_db: tuple[str, SessionFactory],
) -> None:
    address = f"127.0.0.1:{free_port()}"
    async with _api(address, workflow_db[1]) as api:
        ready = await api.get("/readyz")
        assert ready.status_code == 503, ready.text
        body = ready.json()
        assert (body["status"], body["failing"], body["database"]) == ("not ready", ["temporal"], "ok")
        assert body["temporal"].startswith(f"unreachable: Cannot reach Temporal at {address}")
        assert (await api.get("/livez")).status_code == 200  # away is not dead: no restart


async def test_not_ready_names_the_database_when_it_is_away(ts_env_address: str) -> None:
    engine = make_engine(f"postgresql+asyncpg://onramp@127.0.0.1:{free_port()}/onramp")  # nobody listens there
    try:
        async with _api(ts_env_address, make_session_factory(engine)) as api:
            ready = await api.get("/readyz")
    finally:
        await engine.dispose()
    assert ready.status_code == 503, ready.text
    body = ready.json()
    assert (body["status"], body["failing"], body["temporal"]) == ("not ready", ["database"], "ok")
    assert body["database"].startswith("unreachable: ")
