"""Access tokens from the organization's identity provider: JWTs checked against its issuer, the audience onramp is
known by there, and the signing keys it publishes (JWKS), with PyJWT.

A token passes when its signature verifies with a published key, it has not expired and is already valid (exp,
nbf, with a little leeway for clocks), and its issuer and audience are the configured ones. Its scopes come from
the ``scope`` claim (space-separated, OAuth2), ``scp`` (a list or a string) or ``roles``; the caller's name from
``sub`` unless another claim is configured.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import jwt

from starter.services.callers import Caller, NotAuthenticated
from starter.settings import Settings

log = logging.getLogger("onramp.auth")

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]
"""Asymmetric algorithms only: a shared-secret token could be forged by anyone who knows the secret."""
LEEWAY_SECONDS = 30


class IdentityProvider:
    def __init__(self, issuer: str, audience: str, jwks_url: str, name_claim: str = "sub") -> None:
        self.issuer, self.audience, self.name_claim = issuer, audience, name_claim
        self._keys = jwt.PyJWKClient(jwks_url, cache_jwk_set=True, lifespan=300, timeout=10)

    async def caller(self, token: str) -> Caller | None:
        """The caller the token names, or None for a token that does not pass (never an exception for it)."""
        try:
            key = await asyncio.to_thread(self._keys.get_signing_key_from_jwt, token)  # may fetch the JWKS
        except jwt.PyJWKClientConnectionError:
            log.warning("the identity provider's keys could not be fetched")
            raise NotAuthenticated(
                "The identity provider's signing keys cannot be fetched right now; try again shortly."
            ) from None
        except (jwt.PyJWKClientError, jwt.InvalidTokenError):
            return None
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.InvalidTokenError as err:
            log.info("a token was refused: %s", type(err).__name__)
            return None
        name = str(claims.get(self.name_claim) or claims.get("sub") or "unnamed")
        return Caller(name=name[:100], scopes=frozenset(scopes_of(claims)), via="jwt")


def scopes_of(claims: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for claim in ("scope", "scp", "roles"):
        value = claims.get(claim)
        if isinstance(value, str):
            found += value.split()
        elif isinstance(value, list):
            found += [str(item) for item in value]
    return found


def from_settings(settings: Settings) -> IdentityProvider | None:
    configured = settings.identity_provider()
    if configured is None:
        return None
    issuer, audience, jwks_url = configured
    return IdentityProvider(issuer, audience, jwks_url, settings.oidc_name_claim)
