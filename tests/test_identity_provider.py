"""An identity provider's JWTs as bearer tokens, against a real JWKS the test serves over HTTP with keys it makes:
a valid token passes; expired, not yet valid, another issuer or audience, a bad signature and a missing scope are
refused, by the same routes that take onramp's API keys."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from temporalio.client import Client

from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from tests.support import bearer

ISSUER, AUDIENCE = "https://login.example.com/tenant", "onramp-api"


class Provider:
    """The keys of an identity provider: one it publishes, and one an attacker signs with."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = {"keys": [{**public, "kid": "key-1", "use": "sig", "alg": "RS256"}]}

    def token(self, *, key: Any = None, **claims: Any) -> str:
        now = datetime.now(UTC)
        body = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "ops-lead@example.com",
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(minutes=10),
            "scope": "orders:read orders:act",
            **claims,
        }
        return jwt.encode(body, key or self.key, algorithm="RS256", headers={"kid": "key-1"})


@pytest.fixture(scope="module")
def provider() -> Iterator[tuple[Provider, str]]:
    keys = Provider()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(keys.jwks).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield keys, f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
    server.shutdown()


@pytest.fixture
async def api(
    provider: tuple[Provider, str], client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> Any:
    configured = settings.model_copy(
        update={"oidc_issuer": ISSUER, "oidc_audience": AUDIENCE, "oidc_jwks_url": provider[1]}
    )
    app = create_app(configured, client=client, sessions=workflow_db[1])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


async def read(http: httpx.AsyncClient, token: str) -> httpx.Response:
    return await http.get("/api/partner-orders/CCW-JWT-404", headers=bearer(token))


async def test_a_valid_token_from_the_identity_provider_passes(
    api: httpx.AsyncClient, provider: tuple[Provider, str]
) -> None:
    answer = await read(api, provider[0].token())
    assert answer.status_code == 404 and answer.json()["error"] == "NotFound"  # let in: the order is unknown
    roles = await read(api, provider[0].token(scope=None, roles=["orders:read"]))
    assert roles.status_code == 404


@pytest.mark.parametrize(
    ("case", "claims"),
    [
        ("expired", {"exp": -timedelta(minutes=5), "iat": -timedelta(hours=1)}),
        ("not yet valid", {"nbf": timedelta(minutes=5)}),
        ("another issuer", {"iss": "https://evil.example.com"}),
        ("another audience", {"aud": "someone-else"}),
        ("no expiry", {"exp": None}),
    ],
)
async def test_a_token_that_does_not_pass_is_401(
    api: httpx.AsyncClient, provider: tuple[Provider, str], case: str, claims: dict[str, Any]
) -> None:
    now = datetime.now(UTC)  # times are given from now, as the test runs: a collection-time "now" grows stale
    token = provider[0].token(**{k: now + v if isinstance(v, timedelta) else v for k, v in claims.items()})
    if claims.get("exp", 1) is None:
        token = jwt.encode(
            {k: v for k, v in jwt.decode(token, options={"verify_signature": False}).items() if k != "exp"},
            provider[0].key,
            algorithm="RS256",
            headers={"kid": "key-1"},
        )
    answer = await read(api, token)
    assert answer.status_code == 401, (case, answer.text)
    assert answer.json()["error"] == "NotAuthenticated"


async def test_a_token_signed_with_another_key_is_401(api: httpx.AsyncClient, provider: tuple[Provider, str]) -> None:
    forged = provider[0].token(key=provider[0].stranger)
    assert (await read(api, forged)).status_code == 401
    unsigned = jwt.encode(
        {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "scope": "orders:read"}, key="", algorithm="none"
    )
    assert (await read(api, unsigned)).status_code == 401


async def test_a_token_without_the_scope_is_403(api: httpx.AsyncClient, provider: tuple[Provider, str]) -> None:
    answer = await read(api, provider[0].token(scope="codec"))
    assert answer.status_code == 403 and "orders:read" in answer.json()["message"]
    acted = await api.post(
        "/api/partner-orders/CCW-JWT-404/resend", json={}, headers=bearer(provider[0].token(scope="orders:read"))
    )
    assert acted.status_code == 403 and "orders:act" in acted.json()["message"]
