"""What keeps anyone from wearing onramp down or reading its secrets in the logs: a body limit on every route, rate
limits on what anyone may call, and no link token in an access log line."""

from __future__ import annotations

import logging

import httpx
import pytest
from temporalio.client import Client

from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory


def _app(client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory], **changes: object) -> object:
    return create_app(settings.model_copy(update=changes), client=client, sessions=workflow_db[1])


async def test_a_body_over_the_limit_is_413_on_any_route(
    client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    app = _app(client, settings, workflow_db, max_body_bytes=10_000)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:  # type: ignore[arg-type]
        for path in ("/api/partner-orders", "/api/assist/bookings", "/admin/login", "/api/admin/login"):
            answer = await http.post(path, content=b"x" * 20_000, headers={"content-type": "application/json"})
            assert answer.status_code == 413, (path, answer.text[:100])
        small = await http.post("/api/assist/bookings", json={})
        assert small.status_code == 422  # under the limit, the input is read and judged


async def test_public_endpoints_are_rate_limited_per_address(
    client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    app = _app(
        client,
        settings,
        workflow_db,
        rate_limit_ordering="2/minute",
        rate_limit_login="3/minute",
        rate_limit_links="2/minute",
    )
    here = httpx.ASGITransport(app=app, client=("192.0.2.10", 1000))  # type: ignore[arg-type]
    there = httpx.ASGITransport(app=app, client=("192.0.2.20", 1000))  # type: ignore[arg-type]
    async with (
        httpx.AsyncClient(transport=here, base_url="http://test") as http,
        httpx.AsyncClient(transport=there, base_url="http://test") as other,
    ):
        orders = [(await http.post("/api/assist/bookings", json={})).status_code for _ in range(3)]
        assert orders == [422, 422, 429]
        limited = await http.post("/api/assist/bookings", json={})
        assert int(limited.headers["retry-after"]) >= 1 and "try again in" in limited.json()["message"]
        assert limited.json()["error"] == "TooManyRequests"
        assert (await other.post("/api/assist/bookings", json={})).status_code == 422  # another address is not slowed

        logins = [
            (await http.post("/api/admin/login", json={"username": "a@b.example", "password": "x"})).status_code
            for _ in range(4)
        ]
        assert logins == [401, 401, 401, 429]
        page = await http.post("/admin/login", data={"username": "a@b.example", "password": "x"})
        assert page.status_code == 429 and "Too many requests" in page.text and "<html" in page.text.lower()

        links = [(await http.get("/setup/not-a-token")).status_code for _ in range(3)]
        assert links == [404, 404, 429]


def test_the_access_log_never_shows_a_link_token(
    client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory], caplog: pytest.LogCaptureFixture
) -> None:
    _app(client, settings, workflow_db)  # the app installs the filter
    access = logging.getLogger("uvicorn.access")
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        for path in ("/setup/Zq8-secret-token/role", "/api/setup/Zq8-secret-token", "/activate/Zq8-secret-token"):
            access.info('%s - "%s %s HTTP/%s" %d', "198.51.100.1:5555", "GET", path, "1.1", 200)
    assert "Zq8-secret-token" not in caplog.text
    assert caplog.text.count("<token>") == 3 and "/setup/<token>/role" in caplog.text
