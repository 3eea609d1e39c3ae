"""Password hashing for every password onramp keeps (partner organizations, enterprise admins): salted scrypt from
the standard library, memory-hard; stored as `scrypt$n$r$p$salt$hash`. No password ever enters a workflow.

scrypt takes tens of milliseconds and 16 MiB: the async callers (``hashed``, ``verified``) run it on worker threads,
at most ``CONCURRENT`` at a time, so a burst of logins neither stalls the event loop nor exhausts memory; and a
password longer than ``MAX_LENGTH`` is refused before any hashing."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import secrets
import string

SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MAX_LENGTH = 128
"""No rule allows a longer password; a longer one is never hashed (a megabyte of password costs as much as a byte,
but reading and encoding it does not)."""
CONCURRENT = 4
_slots = asyncio.Semaphore(CONCURRENT)


async def hashed(password: str) -> str:
    async with _slots:
        return await asyncio.to_thread(hash_password, password)


async def verified(password: str, stored: str) -> bool:
    if len(password) > MAX_LENGTH:
        return False
    async with _slots:
        return await asyncio.to_thread(verify_password, password, stored)


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    encoded = "$".join(base64.b64encode(part).decode() for part in (salt, digest))
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${encoded}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), dklen=32, n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def initial_password(length: int = 10) -> str:
    """A first password within seed 000's rule (4-16 letters and digits), with both letters and digits."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate
