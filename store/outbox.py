"""The e-mail outbox: one row per mail, keyed by (workflow id, purpose, sequence), so a retried send finds the mail
it already sent. The statements are built once and run with parameters (store/statements.py says why): every
workflow's e-mail takes this path."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, bindparam, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from store.statements import ByDialect
from store.tables import OutboxMail

OUTBOX = OutboxMail.__table__
CLAIM = ByDialect(  # the row, made on the first attempt; every attempt before it was sent is counted
    lambda insert: (
        insert(OUTBOX)
        .on_conflict_do_update(
            index_elements=["workflow_id", "purpose", "sequence"],
            set_={"attempts": case((OUTBOX.c.status == "sent", OUTBOX.c.attempts), else_=OUTBOX.c.attempts + 1)},
        )
        .returning(OUTBOX.c.id, OUTBOX.c.status, OUTBOX.c.sent_at, OUTBOX.c.message_id, OUTBOX.c.subject)
    )
)
MARK_SENT = (
    update(OUTBOX)
    .where(OUTBOX.c.id == bindparam("p_id"))
    .values(status="sent", subject=bindparam("p_subject"), sent_at=bindparam("p_sent_at"), last_error=None)
)
MARK_FAILED = (
    update(OUTBOX)
    .where(OUTBOX.c.id == bindparam("p_id"))
    .values(subject=bindparam("p_subject"), last_error=bindparam("p_error"))
)


def claim(session: Session, row: dict[str, Any]) -> RowMapping:
    """The mail's row (id, status, sent_at, message_id, subject): made now, or found with one more attempt counted."""
    return session.execute(CLAIM.on(session), row).mappings().one()


def mark_sent(session: Session, row_id: int, subject: str, sent_at: datetime) -> None:
    session.execute(MARK_SENT, {"p_id": row_id, "p_subject": subject, "p_sent_at": sent_at})


def mark_failed(session: Session, row_id: int, subject: str, error: str) -> None:
    session.execute(MARK_FAILED, {"p_id": row_id, "p_subject": subject, "p_error": error[:2000]})


async def waiting_requests(session: AsyncSession, made_before: datetime) -> list[dict[str, Any]]:
    """The kept requests of mails sent from outside a workflow that are not sent yet (made before ``made_before``,
    so a send in progress is left to finish)."""
    found = await session.execute(
        select(OutboxMail.request).where(
            OutboxMail.status == "pending", OutboxMail.request.is_not(None), OutboxMail.created_at < made_before
        )
    )
    return [request for request in found.scalars() if request]


async def sent_count(session: AsyncSession, workflow_id: str, purpose: str) -> int:
    """How many mails of this purpose the key has had: the next one's sequence is one more."""
    counted = await session.execute(
        select(func.count())
        .select_from(OutboxMail)
        .where(OutboxMail.workflow_id == workflow_id, OutboxMail.purpose == purpose)
    )
    return int(counted.scalar_one())
