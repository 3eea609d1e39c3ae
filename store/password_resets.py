"""Password reset links (an enterprise admin who forgot the password, seed 000's login): asked for by address,
stored as a hash, valid once, until they expire, while no newer link of the account was asked for. The same shape
as the activation and Set Up Now tokens (store/activation_tokens.py), with the row made first: the request writes
it (with its expiry) before the mail, so the worker's relay can send a mail the API did not get out, and the mail
delivery only sets the token's hash on it when it writes the mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.setup_tokens import hash_token
from store.tables import OutboxMail, PasswordReset

PURPOSE = "password_reset"
"""The mails' outbox purpose (their workflow part is the account's, as for the welcome mail)."""


def mail_workflow_id(account_no: str) -> str:
    return f"account-{account_no}"


def mail_key(account_no: str, sequence: int) -> str:
    """The outbox key of the link's mail (MailRequest.outbox_key)."""
    return f"{mail_workflow_id(account_no)}/{PURPOSE}/{sequence}"


async def next_sequence(session: AsyncSession, account_no: str) -> int:
    """One more than every reset mail the account has had (pruned rows' mails are still in the outbox)."""
    kept = await session.scalar(select(func.max(PasswordReset.sequence)).where(PasswordReset.account_no == account_no))
    mailed = await session.scalar(
        select(func.max(OutboxMail.sequence)).where(
            OutboxMail.workflow_id == mail_workflow_id(account_no), OutboxMail.purpose == PURPOSE
        )
    )
    return 1 + max(kept or 0, mailed or 0)


async def asked_since(session: AsyncSession, account_no: str, since: datetime) -> int:
    """How many links the account was sent since ``since``."""
    counted = await session.scalar(
        select(func.count())
        .select_from(PasswordReset)
        .where(PasswordReset.account_no == account_no, PasswordReset.created_at >= since)
    )
    return int(counted or 0)


async def add(
    session: AsyncSession, account_no: str, sequence: int, now: datetime, expires_at: datetime
) -> PasswordReset:
    """A new link of the account, its mail still to send. Every earlier link of the account that still worked
    stops working: only the newest one does. A second request racing for the same sequence fails on the
    (account, sequence) key."""
    await revoke_unused(session, account_no, now)
    row = PasswordReset(
        account_no=account_no,
        sequence=sequence,
        mail_key=mail_key(account_no, sequence),
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    await session.flush()
    return row


async def revoke_unused(session: AsyncSession, account_no: str, now: datetime) -> None:
    """The account's links that still work stop working (a newer one was asked for, or the password was set)."""
    await session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.account_no == account_no,
            PasswordReset.used_at.is_(None),
            PasswordReset.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )


async def mint(session: AsyncSession, *, mail_key: str, token: str) -> str:
    """Keep ``token`` (its hash) for the link of the mail ``mail_key``. A retry of the same mail brings the same
    token and changes nothing; a different one replaces the earlier token (the earlier mail never went out)."""
    row = (await session.execute(select(PasswordReset).where(PasswordReset.mail_key == mail_key))).scalar_one_or_none()
    if row is None:
        raise LookupError(f"no password reset link for the mail {mail_key}")
    if row.token_hash != hash_token(token):
        row.token_hash = hash_token(token)
        await session.flush()
    return token


async def find(session: AsyncSession, token: str) -> PasswordReset | None:
    """The token's row whatever its state (None for an unknown or malformed token)."""
    if not token or len(token) > 200:
        return None
    return (
        await session.execute(select(PasswordReset).where(PasswordReset.token_hash == hash_token(token)))
    ).scalar_one_or_none()


async def get(session: AsyncSession, account_no: str, sequence: int) -> PasswordReset | None:
    return (
        await session.execute(
            select(PasswordReset).where(PasswordReset.account_no == account_no, PasswordReset.sequence == sequence)
        )
    ).scalar_one_or_none()


async def spend(session: AsyncSession, link_id: int, now: datetime) -> bool:
    """Use the link, if it still works at ``now``: one conditional UPDATE, so of two uses at once only one wins."""
    spent = await session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.id == link_id,
            PasswordReset.used_at.is_(None),
            PasswordReset.revoked_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(used_at=now)
    )
    return bool(spent.rowcount == 1)  # type: ignore[attr-defined]


async def mark_mailed(session: AsyncSession, link_id: int, now: datetime) -> None:
    await session.execute(update(PasswordReset).where(PasswordReset.id == link_id).values(mailed_at=now))


async def waiting(
    session: AsyncSession, now: datetime, older_than: datetime, limit: int = 100
) -> list[tuple[str, int]]:
    """(account, sequence) of the links whose mail has not gone out, asked for before ``older_than`` and still
    working at ``now`` (a mail with a dead link is not worth sending), oldest first."""
    rows = await session.execute(
        select(PasswordReset.account_no, PasswordReset.sequence)
        .where(
            PasswordReset.mailed_at.is_(None),
            PasswordReset.used_at.is_(None),
            PasswordReset.revoked_at.is_(None),
            PasswordReset.expires_at > now,
            PasswordReset.created_at < older_than,
        )
        .order_by(PasswordReset.created_at)
        .limit(limit)
    )
    return [(account_no, sequence) for account_no, sequence in rows.all()]


async def prune(session: AsyncSession, expired_before: datetime) -> None:
    """Forget the links that stopped working long ago (their mails stay in the outbox)."""
    await session.execute(delete(PasswordReset).where(PasswordReset.expires_at < expired_before))
