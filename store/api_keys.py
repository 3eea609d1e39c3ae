"""API keys in the database: made, found, revoked, and marked used. A key reads `onr_<id>.<secret>`: the id finds the
row, the secret's SHA-256 must match (a secret of 32 random bytes needs no slow hash)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import ApiKey

PREFIX = "onr_"
USE_RECORDED_EVERY = timedelta(minutes=1)
"""How often a key's last use is written: not on every request."""


@dataclass(frozen=True)
class NewKey:
    id: str
    key: str
    """The whole key, shown once and never stored."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split(key: str) -> tuple[str, str] | None:
    """(id, secret) of a well-formed key, else None."""
    if not key.startswith(PREFIX) or "." not in key or len(key) > 200:
        return None
    key_id, _, secret = key[len(PREFIX) :].partition(".")
    return (key_id, secret) if key_id and secret else None


async def create(
    session: AsyncSession, name: str, scopes: list[str], now: datetime, expires_at: datetime | None = None
) -> NewKey:
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    session.add(
        ApiKey(
            id=key_id,
            name=name,
            secret_hash=_hash(secret),
            scopes=sorted(set(scopes)),
            created_at=now,
            expires_at=expires_at,
            revoked_at=None,
            last_used_at=None,
        )
    )
    return NewKey(id=key_id, key=f"{PREFIX}{key_id}.{secret}")


async def valid(session: AsyncSession, key: str, now: datetime) -> ApiKey | None:
    """The key's row when the key is known, its secret right, and it is neither revoked nor expired."""
    parts = split(key)
    if parts is None:
        return None
    found = await session.get(ApiKey, parts[0])
    if found is None or not secrets.compare_digest(found.secret_hash, _hash(parts[1])):
        return None
    if found.revoked_at is not None or (found.expires_at is not None and found.expires_at <= now):
        return None
    return found


async def mark_used(session: AsyncSession, key_id: str, now: datetime) -> None:
    await session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id)
        .where((ApiKey.last_used_at.is_(None)) | (ApiKey.last_used_at < now - USE_RECORDED_EVERY))
        .values(last_used_at=now)
    )


async def listing(session: AsyncSession) -> list[ApiKey]:
    return list((await session.execute(select(ApiKey).order_by(ApiKey.created_at))).scalars())


async def revoke(session: AsyncSession, key_id: str, now: datetime) -> bool:
    """True when the key existed and was not revoked yet."""
    done = await session.execute(
        update(ApiKey).where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None)).values(revoked_at=now)
    )
    return bool(done.rowcount)
