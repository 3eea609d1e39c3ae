"""Welcome mails waiting to go: (account, sequence) → the sealed first password (store/sealed.py), deleted once the
mail is out. The row is written in the transaction that makes the account (or sets a new first password), so no
failure after that commit can lose the mail: the API sends it at once, and the worker's relay sends whatever is
still waiting. The first welcome is sequence 1; each resend by an operator the next."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import OutboxMail, WelcomeMail

PURPOSE = "welcome"


def mail_workflow_id(account_no: str) -> str:
    """The outbox key's workflow part of an account's welcome mails (their Message-IDs derive from it)."""
    return f"account-{account_no}"


async def put(session: AsyncSession, account_no: str, sequence: int, sealed_password: str, now: datetime) -> None:
    session.add(WelcomeMail(account_no=account_no, sequence=sequence, sealed_password=sealed_password, created_at=now))
    await session.flush()


async def sealed_password(session: AsyncSession, account_no: str, sequence: int) -> str | None:
    return await session.scalar(
        select(WelcomeMail.sealed_password).where(
            WelcomeMail.account_no == account_no, WelcomeMail.sequence == sequence
        )
    )


async def forget(session: AsyncSession, account_no: str, sequence: int) -> None:
    await session.execute(
        delete(WelcomeMail).where(WelcomeMail.account_no == account_no, WelcomeMail.sequence == sequence)
    )


async def waiting(session: AsyncSession, older_than: datetime, limit: int = 100) -> list[tuple[str, int]]:
    """(account, sequence) of the welcome mails still waiting since before ``older_than``, oldest first."""
    rows = await session.execute(
        select(WelcomeMail.account_no, WelcomeMail.sequence)
        .where(WelcomeMail.created_at < older_than)
        .order_by(WelcomeMail.created_at)
        .limit(limit)
    )
    return [(account_no, sequence) for account_no, sequence in rows.all()]


async def next_sequence(session: AsyncSession, account_no: str) -> int:
    """One more than every welcome the account has had, sent or waiting."""
    waiting = await session.scalar(select(func.max(WelcomeMail.sequence)).where(WelcomeMail.account_no == account_no))
    sent = await session.scalar(
        select(func.max(OutboxMail.sequence)).where(
            OutboxMail.workflow_id == mail_workflow_id(account_no), OutboxMail.purpose == PURPOSE
        )
    )
    return 1 + max(waiting or 0, sent or 0)
