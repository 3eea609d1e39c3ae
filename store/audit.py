"""The audit trail's rows: written as each action ends, listed newest first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from store.tables import AuditEntry


def _bounded(value: str | None, length: int = 200) -> str | None:
    return None if value is None else value[:length]


INSERT = insert(AuditEntry.__table__)


def record(session: Session, at: datetime, actor: str, action: str, target: str | None, outcome: str, via: str) -> None:
    """A prebuilt insert in a synchronous session, run whole through ``store.transactions.run_transaction``: every
    request that may change something writes one."""
    session.execute(
        INSERT,
        {
            "at": at,
            "actor": _bounded(actor) or "anonymous",
            "action": _bounded(action) or "?",
            "target": _bounded(target),
            "outcome": _bounded(outcome, 60) or "?",
            "via": via,
        },
    )


async def listing(
    session: AsyncSession, actor: str | None = None, target: str | None = None, limit: int = 50
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if actor:
        query = query.where(AuditEntry.actor.contains(actor))
    if target:
        query = query.where(AuditEntry.target == target)
    return list((await session.execute(query)).scalars())
