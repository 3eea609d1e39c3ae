"""Activation links (an organizer's invitation, seed 000): minted for one e-mail, stored as a hash, valid while
unexpired, unrevoked and unused. The same shape as the Set Up Now tokens, for any workflow that waits for a person
to click a link."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.setup_tokens import TOKEN_BYTES, hash_token
from store.tables import ActivationToken
from store.upsert import upsert

__all__ = ["TOKEN_BYTES", "find", "find_valid", "hash_token", "mint", "revoke_all", "use_all"]


async def mint(
    session: AsyncSession,
    *,
    purpose: str,
    workflow_id: str,
    token: str,
    mail_key: str,
    email: str,
    expires_at: datetime,
    now: datetime,
) -> str:
    """Keep ``token`` (its hash) for the mail ``mail_key``. A retry of the same mail brings the same token and
    changes nothing (a link used or revoked meanwhile stays so); a different one replaces the earlier token."""
    kept = await session.scalar(select(ActivationToken.token_hash).where(ActivationToken.mail_key == mail_key))
    if kept == hash_token(token):
        return token
    await upsert(
        session,
        ActivationToken,
        {
            "purpose": purpose,
            "workflow_id": workflow_id,
            "token_hash": hash_token(token),
            "mail_key": mail_key,
            "email": email,
            "created_at": now,
            "expires_at": expires_at,
            "used_at": None,
            "revoked_at": None,
        },
        key=["mail_key"],
    )
    return token


async def find(session: AsyncSession, token: str) -> ActivationToken | None:
    """The token's row whatever its state (None for an unknown or malformed token)."""
    if not token or len(token) > 200:
        return None
    return (
        await session.execute(select(ActivationToken).where(ActivationToken.token_hash == hash_token(token)))
    ).scalar_one_or_none()


async def find_valid(session: AsyncSession, token: str, now: datetime, purpose: str) -> ActivationToken | None:
    """The token's row when the link still works: the right purpose, not used, not revoked, not expired."""
    found = await find(session, token)
    if found is None or found.purpose != purpose:
        return None
    if found.used_at is not None or found.revoked_at is not None or found.expires_at <= now:
        return None
    return found


async def use_all(session: AsyncSession, workflow_id: str, now: datetime) -> None:
    """The activation happened: every link of the workflow is spent (the newest and the older ones)."""
    await session.execute(
        update(ActivationToken)
        .where(ActivationToken.workflow_id == workflow_id, ActivationToken.used_at.is_(None))
        .values(used_at=now)
    )


async def revoke_all(session: AsyncSession, workflow_id: str, now: datetime) -> None:
    """The thing to activate is gone (an organizer removed): its links stop working."""
    await session.execute(
        update(ActivationToken)
        .where(ActivationToken.workflow_id == workflow_id, ActivationToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
