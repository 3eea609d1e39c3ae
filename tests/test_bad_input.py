"""Bad input gets the documented answer and leaves nothing behind: control characters refused with the field
named (on both databases, before anything is stored), a body that is not UTF-8 or nests too deep a 400 in the
error shape, a 422 that names at most 20 problems, the OpenAPI schema stating every bound the validators apply,
and an unexpected error that leaves the client's keep-alive connection working."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import select
from temporalio.client import Client

from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from store.tables import PartnerOrder
from tests.support import bearer, free_port, make_settings, operator_key, order

ORDERS = "/api/partner-orders"


@pytest.fixture
async def api(client: Client, settings: Settings, sessions: SessionFactory) -> AsyncIterator[httpx.AsyncClient]:
    """The API on the database under test (SQLite, and PostgreSQL when configured)."""
    app = create_app(settings, client=client, sessions=sessions)
    headers = bearer(await operator_key(sessions))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", headers=headers
    ) as http:
        yield http


def _order(**changes: Any) -> dict[str, Any]:
    return {**order(date.today() + timedelta(days=3)).model_dump(mode="json"), **changes}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("customer_name", "Kranj\x00Logistics"),
        ("partner_name", "Alpine\r\nBcc: all@example.com"),
        ("customer_name", "bell\x07"),
    ],
)
async def test_control_characters_are_refused_with_the_field_named_and_nothing_is_stored(
    api: httpx.AsyncClient, sessions: SessionFactory, field: str, value: str
) -> None:
    body = _order(**{field: value})
    answer = await api.post(ORDERS, json=body)
    assert answer.status_code == 422, answer.text
    problems = {p["field"]: p["message"] for p in answer.json()["fields"]}
    assert field in problems and "must not contain" in problems[field]
    async with sessions() as session:
        stored = (await session.execute(select(PartnerOrder).where(PartnerOrder.order_id == body["order_id"]))).all()
    assert stored == []
    assert (await api.get(f"{ORDERS}/{body['order_id']}")).status_code == 404  # no workflow either


async def test_a_body_that_is_not_utf8_or_nests_too_deep_is_400_in_the_error_shape(api: httpx.AsyncClient) -> None:
    json_type = {"content-type": "application/json"}
    for content in (b'{"order_id": "\xff\xfe"}', b"[" * 5_000 + b"]" * 5_000):
        answer = await api.post(ORDERS, content=content, headers=json_type)
        assert answer.status_code == 400, answer.text
        body = answer.json()
        assert body["error"] == "InvalidBody" and "UTF-8" in body["message"]
        assert body["fields"] == [{"field": "body", "message": body["message"]}]
    broken = await api.post(ORDERS, content=b'{"order_id": ', headers=json_type)
    assert broken.status_code == 422 and broken.json()["fields"][0]["field"] == "body"


async def test_a_422_names_at_most_20_problems_and_counts_the_rest(api: httpx.AsyncClient) -> None:
    body = _order(**{f"unknown_{n}": n for n in range(30)})
    answer = await api.post(ORDERS, json=body)
    assert answer.status_code == 422
    problem = answer.json()
    assert len(problem["fields"]) == 20
    assert problem["message"].endswith("and 10 more problems not listed")


async def test_lists_are_bounded(api: httpx.AsyncClient) -> None:
    answer = await api.post(ORDERS, json=_order(purchased_services=["meetings"] * 50))
    assert answer.status_code == 422
    assert answer.json()["fields"][0]["field"] == "purchased_services"


def _unbounded(spec: dict[str, Any]) -> list[str]:
    """Every string or array a request may carry (body or parameter) that states no bound, or free text that does
    not state the printable rule."""
    schemas = spec["components"]["schemas"]
    found: list[str] = []

    def walk(node: dict[str, Any], where: str, seen: frozenset[str]) -> None:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            if name not in seen:
                walk(schemas[name], name, seen | {name})
            return
        variants = node.get("anyOf", [])
        decimal = any(v.get("type") == "number" for v in variants)  # pydantic's Decimal: a number or its string
        for variant in variants:
            walk({**variant, "title": node.get("title")}, where, seen) if not decimal else None
        kind = node.get("type")
        dated = node.get("format") in {"date", "date-time", "time", "duration", "email"}
        if kind == "string" and not {"maxLength", "enum", "const"} & node.keys() and not dated:
            found.append(f"{where}.{node.get('title')}: no maxLength")
        if kind == "string" and node.get("format") is None and not {"pattern", "enum", "const"} & node.keys():
            found.append(f"{where}.{node.get('title')}: no pattern for control characters")
        if kind == "array":
            if "maxItems" not in node:
                found.append(f"{where}.{node.get('title')}: no maxItems")
            walk({**node["items"], "title": node.get("title")}, where, seen)
        for name, prop in node.get("properties", {}).items():
            walk(prop if "$ref" in prop else {**prop, "title": name}, where, seen)

    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                walk(content["schema"], f"{method.upper()} {path}", frozenset())
            for parameter in operation.get("parameters", []):
                walk({**parameter["schema"], "title": parameter["name"]}, f"{method.upper()} {path}", frozenset())
    return found


def test_the_openapi_schema_states_every_bound() -> None:
    spec = create_app(make_settings()).openapi()
    assert _unbounded(spec) == []
    name = spec["components"]["schemas"]["PartnerOrderInput"]["properties"]["customer_name"]
    assert name["maxLength"] == 200 and "\\u0000" in name["pattern"]


@contextlib.asynccontextmanager
async def _served(app: Any) -> AsyncIterator[int]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn's server has no event to wait on
        await asyncio.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        await task


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[str, str]:
    writer.write(request)
    await writer.drain()
    head = (await reader.readuntil(b"\r\n\r\n")).decode()
    length = next(int(line.split(":")[1]) for line in head.split("\r\n") if line.lower().startswith("content-length"))
    return head, (await reader.readexactly(length)).decode()


class _BrokenSessions:
    """A database that fails in a way no handler names: the unexpected error."""

    def __call__(self) -> Any:
        raise RuntimeError("the database is on fire")

    def begin(self) -> Any:
        raise RuntimeError("the database is on fire")


async def test_an_unexpected_error_is_a_500_body_and_the_connection_lives_on(settings: Settings) -> None:
    app = create_app(settings, sessions=_BrokenSessions())  # type: ignore[arg-type]
    async with _served(app) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            first = f"GET {ORDERS}/X-1 HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer onr_x.y\r\n\r\n".encode()
            head, body = await _exchange(reader, writer, first)
            assert head.startswith("HTTP/1.1 500") and "connection: close" not in head.lower()
            assert json.loads(body)["error"] == "InternalError" and "Traceback" not in body
            head, body = await _exchange(reader, writer, b"GET /openapi.json HTTP/1.1\r\nHost: test\r\n\r\n")
            assert head.startswith("HTTP/1.1 200") and json.loads(body)["info"]["title"] == "onramp"
        finally:
            writer.close()


async def test_a_wrong_method_names_every_method_the_path_serves(api: httpx.AsyncClient) -> None:
    for method, path, allowed in [
        ("PATCH", "/admin/login", "GET, HEAD, POST"),
        ("PUT", ORDERS, "POST"),
        ("DELETE", f"{ORDERS}/X-1", "GET, HEAD"),
    ]:
        answer = await api.request(method, path)
        assert answer.status_code == 405 and answer.headers["allow"] == allowed, (path, answer.headers)
        assert answer.json()["error"] == "MethodNotAllowed" and allowed in answer.json()["message"]
