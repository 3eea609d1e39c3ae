"""Machine clients and operators: who a bearer token names, and what it lets them do.

A token is either one of onramp's own API keys (``onr_<id>.<secret>``, checked against the database) or, when an
identity provider is configured, a JWT it signed (starter/services/identity_provider.py). Either way the caller
becomes a ``Caller``: a name for the audit trail and the scopes it holds. The scopes are the whole vocabulary of
what a token may be allowed; a route asks for one of them (starter/web/access.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol, TypeVar

from pydantic import BaseModel

from models.refusals import Refusal
from starter.errors import OnrampError
from store import SessionFactory, api_keys

M = TypeVar("M", bound=BaseModel)


class Scope(StrEnum):
    INTAKE = "partner-orders:write"
    """Take in partner orders: Cisco Commerce Workspace's intake."""
    READ = "orders:read"
    """Read any order, booking and account: operators, dashboards."""
    ACT = "orders:act"
    """Steer orders: resend, send now, change the contact, approve, cancel."""
    CODEC = "codec"
    """Decrypt and encrypt workflow payloads: the Temporal Web UI's codec calls."""
    ACCOUNTS = "accounts:admin"
    """Create and read billing accounts and their admins."""


OPERATOR_SCOPES = (Scope.READ, Scope.ACT, Scope.CODEC, Scope.ACCOUNTS)
"""What `onramp dev`'s operator key holds: everything an operator does, but not a machine client's intake."""


@dataclass(frozen=True)
class Caller:
    """A machine client or an operator, proved by a bearer token."""

    name: str
    scopes: frozenset[str]
    via: str
    """'api-key' or 'jwt'."""

    @property
    def actor(self) -> str:
        """How the audit trail and the timelines name this caller."""
        return f"{self.via}:{self.name}"


def as_operator(step: M, caller: Caller) -> M:
    """An operator step named for the credential's caller: a free-text ``operator`` sent along is replaced."""
    return step.model_copy(update={"operator": caller.actor[:100]})


class NotAuthenticated(OnrampError):
    http_status = 401
    headers = {"WWW-Authenticate": "Bearer"}

    def __init__(self, message: str = "Send a valid token: Authorization: Bearer <API key or access token>.") -> None:
        super().__init__(message, type=Refusal.NOT_AUTHENTICATED)


class NotAllowed(OnrampError):
    http_status = 403

    def __init__(self, message: str) -> None:
        super().__init__(message, type=Refusal.FORBIDDEN)


def missing_scope(scope: str) -> NotAllowed:
    return NotAllowed(f"This token does not hold the scope {scope!r} this call needs.")


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header."""
    if not authorization:
        return None
    kind, _, token = authorization.partition(" ")
    return token.strip() or None if kind.lower() == "bearer" else None


async def api_key_caller(sessions: SessionFactory, key: str, now: datetime | None = None) -> Caller | None:
    """The caller an onramp API key names, when the key is live; its use is recorded (at most once a minute)."""
    now = now or datetime.now(UTC)
    async with sessions() as session:
        found = await api_keys.valid(session, key, now)
        if found is None:
            return None
        caller = Caller(name=found.name, scopes=frozenset(found.scopes), via="api-key")
        stale = found.last_used_at is None or found.last_used_at < now - api_keys.USE_RECORDED_EVERY
    if stale:  # a write only when the recorded use is a minute old: most requests only read
        async with sessions.begin() as session:
            await api_keys.mark_used(session, found.id, now)
    return caller


class KeyCache:
    """Live API keys remembered for a few seconds, so a busy client's every request does not read the database.
    Only a key found live is remembered: a revoked or expired one stops working within ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._known: dict[str, tuple[Caller, float]] = {}

    def get(self, key: str) -> Caller | None:
        found = self._known.get(key)
        if found is None or found[1] < time.monotonic():
            self._known.pop(key, None)
            return None
        return found[0]

    def put(self, key: str, caller: Caller) -> None:
        if self.seconds > 0:
            if len(self._known) > 10_000:
                self._known.clear()
            self._known[key] = (caller, time.monotonic() + self.seconds)


class TokenCheck(Protocol):
    async def caller(self, token: str) -> Caller | None: ...


async def caller_of(
    sessions: SessionFactory,
    identity: TokenCheck | None,
    token: str,
    *,
    keys: bool = True,
    cache: KeyCache | None = None,
) -> Caller | None:
    """Who a bearer token names: an onramp API key (when ``keys`` are accepted), else (when one is configured)
    the identity provider's JWT."""
    if token.startswith(api_keys.PREFIX):
        if not keys:
            return None
        known = cache.get(token) if cache else None
        if known is None:
            known = await api_key_caller(sessions, token)
            if known is not None and cache is not None:
                cache.put(token, known)
        return known
    if identity is not None and token.count(".") == 2:
        return await identity.caller(token)
    return None
