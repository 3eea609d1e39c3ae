"""The audit trail's rows: written as each action ends, listed newest first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import AuditEntry


def _bounded(value: str | None, length: int = 200) -> str | None:
    return None if value is None else value[:length]


async def record(
    session: AsyncSession, at: datetime, actor: str, action: str, target: str | None, outcome: str, via: str
) -> None:
    session.add(
        AuditEntry(
            at=at,
            actor=_bounded(actor) or "anonymous",
            action=_bounded(action) or "?",
            target=_bounded(target),
            outcome=(_bounded(outcome, 60) or "?"),
            via=via,
        )
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
