"""The operators' console's sign-in: an operator proves themselves once with the credential they really hold (an
onramp API key or an identity provider's access token, checked exactly as the API checks a bearer token), and the
browser then carries a short-lived signed session instead.

The session names the caller, their scopes and when it ends, signed with HMAC-SHA256. It never holds the key or the
token: a stolen cookie is good for the rest of its minutes only, and cannot be turned into an API credential. The
signing key is derived from the payload key (one secret to keep and rotate); without one (encryption off), the
process makes a random key at start, so its sessions end with it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from models.refusals import Refusal, because
from starter.errors import OnrampError
from starter.services import callers
from starter.services.callers import Caller, Scope, TokenCheck
from store import SessionFactory

COOKIE = "onramp_console"
LABEL = b"onramp console sessions v1"
MAX_CREDENTIAL = 4096


class BadCredential(OnrampError):
    http_status = 401

    def __init__(self) -> None:
        super().__init__(
            because("This key or access token is not valid (or has expired). Paste a live one."),
            type=Refusal.NOT_AUTHENTICATED,
            field="credential",
        )


class NoConsoleScope(OnrampError):
    http_status = 403

    def __init__(self, scope: str) -> None:
        super().__init__(
            because("This credential does not hold the scope %(scope)s the console needs.", scope=scope),
            type=Refusal.FORBIDDEN,
            field="credential",
        )


@dataclass(frozen=True)
class Signer:
    """Makes and reads the session cookie's value: ``<claims>.<signature>``, both URL-safe base64."""

    key: bytes
    minutes: int

    @classmethod
    def of(cls, derived: bytes | None, minutes: int) -> Signer:
        base = derived or secrets.token_bytes(32)
        return cls(hmac.new(base, LABEL, hashlib.sha256).digest(), minutes)

    def sign(self, caller: Caller, now: datetime | None = None) -> str:
        ends = (now or datetime.now(UTC)) + timedelta(minutes=self.minutes)
        claims = {"n": caller.name, "v": caller.via, "s": sorted(caller.scopes), "e": int(ends.timestamp())}
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{body}.{_b64(self._mac(body))}"

    def caller(self, value: str | None, now: datetime | None = None) -> Caller | None:
        """The session's caller, when ``value`` is a session this key signed that has not ended."""
        if not value or len(value) > MAX_CREDENTIAL or value.count(".") != 1:
            return None
        body, signature = value.split(".")
        try:
            if not hmac.compare_digest(_unb64(signature), self._mac(body)):
                return None
            claims = json.loads(_unb64(body))
            ends = datetime.fromtimestamp(int(claims["e"]), UTC)
            caller = Caller(name=str(claims["n"]), scopes=frozenset(map(str, claims["s"])), via=str(claims["v"]))
        except (binascii.Error, ValueError, KeyError, TypeError):
            return None
        return caller if ends > (now or datetime.now(UTC)) else None

    def _mac(self, body: str) -> bytes:
        return hmac.new(self.key, body.encode("ascii"), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii") + b"=" * (-len(text) % 4))


async def sign_in(
    sessions: SessionFactory,
    identity: TokenCheck | None,
    credential: str,
    *,
    keys: bool,
    cache: callers.KeyCache | None = None,
) -> Caller:
    """The operator ``credential`` proves (as a bearer token would), holding at least orders:read; else a refusal."""
    credential = credential.strip()
    if not credential or len(credential) > MAX_CREDENTIAL:
        raise BadCredential()
    caller = await callers.caller_of(sessions, identity, credential, keys=keys, cache=cache)
    if caller is None:
        raise BadCredential()
    if Scope.READ.value not in caller.scopes:
        raise NoConsoleScope(Scope.READ.value)
    return caller
