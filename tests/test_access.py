"""Who may call what, proved on every route of the app, enumerated from the app itself (starter/web/access.py).

Each route is called without credentials, then with the wrong ones for its rule: a token without the scope, a
revoked or expired key, another account's admin, a link or booking that does not exist. Only the routes declared
public answer without a credential.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from starter.services import callers
from starter.services.callers import Scope
from starter.settings import Settings
from starter.web import access
from starter.web.access import Access, Declared
from starter.web.app import create_app
from store import SessionFactory, api_keys
from tests.admin_support import FIRST_PASSWORD, browser
from tests.admin_support import new_account as admin_account
from tests.seat_support import new_account, start
from tests.support import bearer, operator_key

PLACEHOLDERS = {
    "token": "no-such-link-token",
    "order_id": "CCW-1001",
    "reservation_no": "WA-261121-3F9A0C",
    "account_no": "DEMO-1001",
    "order_no": "SO-20261201-ABC123",
    "email": "someone@yitong.example",
    "path": "role",
    "product": "GoTo Meeting",
    "workflow_id": "partner-order-CCW-1001",
    "queue": "escalated",
}


def url_of(route: Declared, values: dict[str, str] | None = None) -> str:
    values = {**PLACEHOLDERS, **(values or {})}
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], route.path)


def is_page(route: Declared) -> bool:
    return not route.path.startswith(("/api/", "/codec/"))


async def call(http: httpx.AsyncClient, method: str, url: str, **kwargs: object) -> httpx.Response:
    body = (
        {}
        if method in ("POST", "PUT") and not url.startswith(("/admin", "/setup", "/assist", "/activate", "/console"))
        else None
    )
    return await http.request(method, url, json=body, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
async def app(client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]) -> FastAPI:
    return create_app(settings, client=client, sessions=workflow_db[1])


@pytest.fixture
async def anonymous(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with browser(app) as http:
        yield http


def routes(app: FastAPI, kind: Access) -> list[tuple[str, Declared]]:
    return [
        (method, route) for route in access.declared(app) for method in route.methods if route.rules[0].access is kind
    ]


def test_every_route_declares_exactly_one_rule_and_the_table_is_the_whole_app(app: FastAPI) -> None:
    table = access.declared(app)
    assert len(table) > 100  # the enumeration sees the included routers' routes, not an empty list
    assert all(len(route.rules) == 1 for route in table)
    paths = {route.path for route in table}
    assert {"/api/partner-orders", "/setup/{token}", "/admin", "/codec/decode", "/assist/find", "/docs"} <= paths


def test_a_route_that_declares_nothing_stops_the_app_from_starting(settings: Settings) -> None:
    router = APIRouter()

    @router.get("/api/forgotten")
    async def forgotten() -> dict[str, str]:
        return {}

    app = create_app(settings)
    app.include_router(router)
    with pytest.raises(access.UndeclaredRoute, match="GET /api/forgotten"):
        access.require_declared(app)


async def test_a_scope_route_wants_a_live_key_holding_its_scope(
    app: FastAPI, anonymous: httpx.AsyncClient, workflow_db: tuple[str, SessionFactory]
) -> None:
    sessions = workflow_db[1]
    now = datetime.now(UTC)
    async with sessions.begin() as session:
        revoked = await api_keys.create(session, "revoked", list(Scope), now)
        expired = await api_keys.create(
            session, "expired", list(Scope), now - timedelta(days=2), now - timedelta(days=1)
        )
    async with sessions.begin() as session:
        await api_keys.revoke(session, revoked.id, now)
    scope_routes = routes(app, Access.SCOPE)
    assert len(scope_routes) >= 10
    for method, route in scope_routes:
        needed = route.rules[0].detail.split()[0]  # the scope, before any note
        others = await operator_key(sessions, "others", [s for s in Scope if s.value != needed])
        url = url_of(route)
        without = await call(anonymous, method, url)
        assert (without.status_code, without.headers.get("www-authenticate")) == (401, "Bearer"), (method, url)
        assert without.json()["error"] == "NotAuthenticated"
        for dead in (revoked.key, expired.key, "onr_nosuchkey.secret", "not-a-key"):
            assert (await call(anonymous, method, url, headers=bearer(dead))).status_code == 401, (method, url, dead)
        wrong = await call(anonymous, method, url, headers=bearer(others))
        assert wrong.status_code == 403, (method, url, wrong.text)
        assert needed in wrong.json()["message"]


async def test_an_admin_route_wants_the_admins_session(app: FastAPI, anonymous: httpx.AsyncClient) -> None:
    admin_routes = routes(app, Access.ADMIN)
    assert len(admin_routes) >= 30
    for method, route in admin_routes:
        url = url_of(route)
        answer = await call(anonymous, method, url)
        if is_page(route):
            assert answer.status_code == 303 and answer.headers["location"].startswith("/admin/login"), (method, url)
        else:
            assert answer.status_code == 401, (method, url, answer.text)
            assert answer.json()["error"] == "NotLoggedIn"


async def test_an_account_bound_route_is_another_accounts_admins_404(
    app: FastAPI, http: httpx.AsyncClient, ts_env: WorkflowEnvironment, operator_token: str
) -> None:
    today = (await ts_env.get_current_time()).date()
    theirs = await new_account(http, today)
    their_order = (await start(http, theirs))["order_no"]
    async with browser(app) as other:
        other.headers.update(bearer(operator_token))  # an operator makes the account
        await new_account(other, today)
        other.headers.pop("Authorization", None)  # the other account's admin, with the session alone
        bound = [
            (method, route)
            for method, route in routes(app, Access.ADMIN)
            if "{account_no}" in route.path or "{order_no}" in route.path
        ]
        assert len(bound) >= 15
        for method, route in bound:
            url = url_of(route, {"account_no": theirs, "order_no": their_order})
            answer = await call(other, method, url, follow_redirects=False)
            assert answer.status_code == 404, (method, url, answer.status_code, answer.text[:200])
            assert theirs not in answer.text or "No account" in answer.text


async def test_a_console_route_wants_an_operators_console_session_holding_its_scope(
    app: FastAPI, anonymous: httpx.AsyncClient, workflow_db: tuple[str, SessionFactory]
) -> None:
    console_routes = routes(app, Access.CONSOLE)
    assert len(console_routes) >= 5
    for method, route in console_routes:
        answer = await call(anonymous, method, url_of(route))
        assert answer.status_code == 303 and answer.headers["location"].startswith("/console/login"), (method, route)
    for needed in {route.rules[0].detail for _, route in console_routes}:
        others = [s for s in Scope if s.value != needed and s is not Scope.INTAKE]
        async with browser(app) as http:
            await http.get("/console/login")
            signed = await http.post(
                "/console/login", data={"credential": await operator_key(workflow_db[1], "o", others)}
            )
            assert signed.status_code in (303, 403), signed.text  # 403: a key without orders:read cannot sign in
            for method, route in console_routes:
                if route.rules[0].detail == needed and signed.status_code == 303:
                    wrong = await call(http, method, url_of(route))
                    assert wrong.status_code == 403 and needed in wrong.text, (method, route.path)


async def test_a_link_route_with_an_unknown_link_is_404(app: FastAPI, anonymous: httpx.AsyncClient) -> None:
    link_routes = routes(app, Access.LINK)
    assert len(link_routes) >= 15
    for method, route in link_routes:
        answer = await call(anonymous, method, url_of(route))
        assert answer.status_code == 404, (method, route.path, answer.text[:200])


async def test_a_booking_route_wants_the_number_and_the_contact_email(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    booking_routes = routes(app, Access.CUSTOMER)
    assert len(booking_routes) >= 20
    for method, route in booking_routes:
        url = url_of(route)
        answer = await call(anonymous, method, url)
        if is_page(route):
            assert answer.status_code == 303 and answer.headers["location"].startswith("/assist/find"), (method, url)
        else:
            assert answer.status_code == 401, (method, url, answer.text)
            wrong = await call(anonymous, method, url, headers={"X-Contact-Email": "eve@evil.example"})
            assert wrong.status_code == 404, (method, url, wrong.text)


async def test_only_the_routes_declared_public_answer_without_a_credential(app: FastAPI) -> None:
    public = {f"{method} {route.path}" for method, route in routes(app, Access.PUBLIC)}
    assert public == {
        "GET /healthz",
        "GET /livez",
        "GET /readyz",
        "GET /favicon.ico",
        "GET /language/{tag}",
        "GET /openapi.json",
        "GET /docs",
        "GET /redoc",
        "GET /docs-assets/{name}",
        "POST /api/admin/login",
        "POST /api/admin/logout",
        "GET /admin/login",
        "POST /admin/login",
        "POST /admin/logout",
        "POST /api/admin/password-reset",
        "GET /admin/password-reset",
        "POST /admin/password-reset",
        "GET /api/assist/packages",
        "POST /api/assist/bookings",
        "POST /api/assist/find",
        "GET /assist",
        "GET /assist/packages",
        "GET /assist/find",
        "POST /assist/find",
        "GET /assist/order",
        "POST /assist/order",
        "POST /api/orders/link",
        "GET /orders/link",
        "POST /orders/link",
        "GET /console/login",
        "POST /console/login",
        "POST /console/logout",
    }


def cookie_posts(app: FastAPI) -> list[tuple[str, Declared]]:
    """Every route a cookie authenticates that may change something: the admin's session (pages and API), and the
    wizard's and the booking proof's pages."""
    unsafe = ("POST", "PUT", "PATCH", "DELETE")
    return [
        (method, route)
        for route in access.declared(app)
        for method in route.methods
        if method in unsafe
        and (
            route.rules[0].access in (Access.ADMIN, Access.CONSOLE)
            or (route.rules[0].access in (Access.LINK, Access.CUSTOMER) and is_page(route))
        )
    ]


async def test_every_cookie_authenticated_post_without_the_csrf_token_is_refused(
    app: FastAPI, ts_env: WorkflowEnvironment, operator_token: str
) -> None:
    async with browser(app) as admin:
        admin.headers.update(bearer(operator_token))
        account = await new_account(admin, (await ts_env.get_current_time()).date())  # logged in as its admin
        admin.headers.pop("Authorization")
        token = admin.cookies["onramp_csrf"]
        posts = cookie_posts(app)
        assert len(posts) >= 25
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as plain:
            plain.cookies.update(
                {
                    "onramp_admin": admin.cookies["onramp_admin"],
                    "onramp_csrf": token,
                    "onramp_wizard": "w",
                    "onramp_assist": "a",
                    "onramp_console": "c",
                }
            )
            for method, route in posts:
                url = url_of(route, {"account_no": account})
                for headers in ({}, {"X-CSRF-Token": "not-the-token"}):
                    refused = await call(plain, method, url, headers=headers)
                    assert refused.status_code == 403, (method, url, headers, refused.text[:200])
                    assert "security token" in refused.text
                with_token = await call(plain, method, url, headers={"X-CSRF-Token": token})
                assert with_token.status_code != 403 or "security token" not in with_token.text, (method, url)
            cross = await plain.post(
                "/admin/company", data={}, headers={"X-CSRF-Token": token, "Origin": "https://evil.example"}
            )
            assert cross.status_code == 403 and "another site" in cross.text
            fetched = await plain.post(
                "/admin/company", data={}, headers={"X-CSRF-Token": token, "Sec-Fetch-Site": "cross-site"}
            )
            assert fetched.status_code == 403


async def test_a_form_field_carries_the_token_and_a_login_form_from_another_site_is_refused(app: FastAPI) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as plain:
        page = await plain.get("/admin/login")
        token = plain.cookies["onramp_csrf"]
        assert f'name="csrf_token" value="{token}"' in page.text
        assert "HttpOnly" in page.headers["set-cookie"] and "SameSite=Strict" in page.headers["set-cookie"]
        plain.cookies.set("onramp_admin", "stale")
        refused = await plain.post("/admin/logout", data={})
        assert refused.status_code == 403
        logged_out = await plain.post("/admin/logout", data={"csrf_token": token})
        assert logged_out.status_code == 303
        plain.cookies.clear()
        forged = await plain.post(
            "/admin/login",
            data={"username": "a@b.example", "password": "x"},
            headers={"Origin": "https://evil.example"},
        )
        assert forged.status_code == 403


async def test_over_https_cookies_are_secure_and_host_bound_and_hsts_is_sent(
    client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    secure = create_app(
        settings.model_copy(update={"public_base_url": "https://onramp.example"}),
        client=client,
        sessions=workflow_db[1],
    )
    account = await admin_account(workflow_db[1], settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=secure), base_url="https://onramp.example") as web:
        page = await web.get("/admin/login")
        assert page.headers["strict-transport-security"] == "max-age=31536000"
        token = web.cookies["__Host-onramp_csrf"]
        login = await web.post(
            "/admin/login", data={"username": account.admin_email, "password": FIRST_PASSWORD, "csrf_token": token}
        )
        assert login.status_code == 303, login.text
        session_cookie = next(c for c in login.headers.get_list("set-cookie") if "onramp_admin" in c)
        assert session_cookie.startswith("__Host-onramp_admin=") and "Secure" in session_cookie
        assert "Path=/" in session_cookie and "Domain" not in session_cookie
        assert (await web.get("/admin/password")).status_code == 200  # the prefixed cookie is the one read


async def test_in_production_api_keys_prove_nothing_unless_enabled(
    client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory], operator_token: str
) -> None:
    for enabled, status in ((False, 401), (True, 404)):
        configured = settings.model_copy(update={"api_keys_enabled": enabled})
        app = create_app(configured, client=client, sessions=workflow_db[1])
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            answer = await http.get("/api/partner-orders/CCW-NOPE-7", headers=bearer(operator_token))
        assert answer.status_code == status, (enabled, answer.text)


async def test_a_live_key_is_remembered_for_a_few_seconds_and_a_revoked_one_stops_working_after_them(
    client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    sessions = workflow_db[1]
    async with sessions.begin() as session:
        made = await api_keys.create(session, "cached", [Scope.READ], datetime.now(UTC))
    cache = callers.KeyCache(seconds=30)
    assert await callers.caller_of(sessions, None, made.key, cache=cache) is not None
    async with sessions.begin() as session:
        await api_keys.revoke(session, made.id, datetime.now(UTC))
    assert await callers.caller_of(sessions, None, made.key, cache=cache) is not None  # remembered
    assert await callers.caller_of(sessions, None, made.key) is None  # read again: revoked
    assert await callers.caller_of(sessions, None, made.key, cache=callers.KeyCache(seconds=0)) is None
    assert await callers.caller_of(sessions, None, "onr_nosuch.key", cache=cache) is None  # unknown: not remembered
