"""The proof that this browser knows a booking's reservation number and contact e-mail, kept in a short-lived cookie.

Find-my-booking (and the ordering steps, where the customer typed the e-mail) sets it. The cookie holds the
reservation number, an expiry and an HMAC over both and the contact e-mail: never the e-mail itself. A page about a
confirmed booking checks it against the booking's e-mail, so a cookie for one booking proves nothing about another,
and one forged or expired proves nothing at all.

The key is derived from the payload key when one is configured (every API replica then accepts the others' cookies);
without one, it is a random key made once per process, so all of a process's requests check the same signatures,
and a restart asks the customer to find the booking again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request, Response

from models.assist import AssistBookingState
from starter.settings import Settings
from starter.web import cookie_policy
from starter.web.deps import AppSettings

COOKIE = "onramp_assist"
PATH = "/assist"
LIFETIME = timedelta(minutes=30)
_LABEL = b"onramp assist booking proof v1"
_PROCESS_KEY = secrets.token_bytes(32)


def key_for(settings: Settings) -> bytes:
    """The payload key's derivation, so replicas sharing it accept each other's cookies; else this process's own."""
    keys = settings.payload_keys()
    if not keys:
        return _PROCESS_KEY
    return hmac.new(keys[0].encode(), _LABEL, hashlib.sha256).digest()


class Proofs:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def _mac(self, reservation_no: str, expires: int, email: str) -> str:
        message = f"{reservation_no.upper()}|{expires}|{email.strip().lower()}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def issue(self, reservation_no: str, email: str, now: datetime) -> str:
        expires = int((now + LIFETIME).timestamp())
        return f"{reservation_no.upper()}.{expires}.{self._mac(reservation_no, expires, email)}"

    def holds(self, value: str | None, state: AssistBookingState, now: datetime) -> bool:
        """The cookie proves this booking's number and contact e-mail, and has not expired."""
        if not value or value.count(".") != 2:
            return False
        number, expires, mac = value.split(".")
        if number != state.reservation_no or not expires.isdigit() or int(expires) < now.timestamp():
            return False
        expected = self._mac(number, int(expires), str(state.availability.customer.email))
        return hmac.compare_digest(mac, expected)

    def shown(self, request: Request, state: AssistBookingState, now: datetime) -> bool:
        """This browser's cookie proves the booking."""
        return self.holds(cookie_policy.read(request, COOKIE, PATH), state, now)

    def remember(self, response: Response, request: Request, reservation_no: str, email: str, now: datetime) -> None:
        """Set the cookie: this browser has shown (or, ordering, typed) the booking's number and contact e-mail."""
        value = self.issue(reservation_no, email, now)
        cookie_policy.put(response, request, COOKIE, value, path=PATH, max_age=int(LIFETIME.total_seconds()))


async def booking_proofs(settings: AppSettings) -> Proofs:
    """The signer for the app's settings. Derived on each request (the key file read at most, and one HMAC: little
    next to a page's Temporal and database round trips), so no signer is kept on the app."""
    return Proofs(key_for(settings))


BookingProofs = Annotated[Proofs, Depends(booking_proofs)]
