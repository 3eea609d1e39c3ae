"""One error shape everywhere (issue 16 item 8): an unknown route, a wrong method, a body the codec cannot read and
a body that is not JSON all answer ``{error, message, fields}`` with a sentence a person understands, never
FastAPI's ``{"detail": …}``, and the OpenAPI documents those answers with the ErrorBody schema."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from temporalio.client import Client

from starter.services.callers import Scope
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from tests.support import bearer, operator_key


@pytest.fixture
async def api(client: Client, settings: Settings, sessions: SessionFactory) -> AsyncIterator[httpx.AsyncClient]:
    """The API with an operator's key that also holds the codec scope."""
    app = create_app(settings, client=client, sessions=sessions)
    headers = bearer(await operator_key(sessions, scopes=list(Scope)))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", headers=headers
    ) as http:
        yield http


def shaped(answer: httpx.Response, status: int, error: str) -> dict[str, Any]:
    """The answer is the documented error body, and only that."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json", answer.headers
    body: dict[str, Any] = answer.json()
    assert set(body) == {"error", "message", "fields"} and body["error"] == error, body
    assert "detail" not in body
    return body


@pytest.mark.parametrize("path", ["/api/no-such-thing", "/no/such/page", "/api/partner-orders/X-1/no-such-step"])
async def test_an_unknown_route_is_a_404_in_the_error_shape(api: httpx.AsyncClient, path: str) -> None:
    body = shaped(await api.get(path), 404, "NotFound")
    assert body["message"] == (
        "There is no page or API route at this address: check it, or see /docs for the API's routes."
    )
    assert body["fields"] == []


async def test_a_wrong_method_is_a_405_naming_the_methods(api: httpx.AsyncClient) -> None:
    answer = await api.get("/codec/decode")
    body = shaped(answer, 405, "MethodNotAllowed")
    assert answer.headers["allow"] == "POST" and body["message"] == "GET is not served here; use POST."


@pytest.mark.parametrize(
    ("content", "field", "words"),
    [
        (b"{not json", "body", "The body is not a Payloads message (Temporal's remote codec protocol)"),
        (b"[1, 2]", "body", "The body is not a Payloads message"),
        (b'{"payloads": 7}', "body", "The body is not a Payloads message"),
    ],
)
async def test_a_body_the_codec_cannot_read_names_the_body(
    api: httpx.AsyncClient, content: bytes, field: str, words: str
) -> None:
    for route in ("/codec/decode", "/codec/encode"):
        answer = await api.post(route, content=content, headers={"content-type": "application/json"})
        body = shaped(answer, 422, "InvalidInput")
        assert words in body["message"], body
        assert [problem["field"] for problem in body["fields"]] == [field], body


async def test_a_body_that_is_not_utf8_is_a_400_in_the_error_shape(api: httpx.AsyncClient) -> None:
    body = shaped(await api.post("/codec/decode", content=b"\xff\xfe"), 400, "InvalidBody")
    assert body["fields"][0]["field"] == "body"


async def test_a_body_that_is_not_json_names_the_body(api: httpx.AsyncClient) -> None:
    answer = await api.post(
        "/api/partner-orders", content=b'{"order_id": ', headers={"content-type": "application/json"}
    )
    body = shaped(answer, 422, "InvalidInput")
    [problem] = body["fields"]
    assert problem["field"] == "body" and problem["message"].startswith("The body is not valid JSON"), problem


async def test_the_openapi_documents_the_error_answers(api: httpx.AsyncClient) -> None:
    spec = (await api.get("/openapi.json")).json()
    error_body = "#/components/schemas/ErrorBody"
    order = spec["paths"]["/api/partner-orders/{order_id}"]["get"]["responses"]
    for status in ("400", "404", "405", "409", "422"):
        assert order[status]["content"]["application/json"]["schema"]["$ref"] == error_body, status
    assert "no route" in order["404"]["description"] and "Allow" in order["405"]["description"]
    codec = spec["paths"]["/codec/decode"]["post"]["responses"]
    for status in ("400", "401", "403", "405", "422"):
        assert codec[status]["content"]["application/json"]["schema"]["$ref"] == error_body, status
    assert set(spec["components"]["schemas"]["ErrorBody"]["properties"]) == {"error", "message", "fields"}
