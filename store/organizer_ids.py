"""An organizer's workflow id, by account and e-mail: found, or made (``organizer-<account no>-<random key>``)."""

from __future__ import annotations

import secrets

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from store.engine import SessionFactory
from store.tables import OrganizerId

PREFIX = "organizer-"


def _key(email: str) -> str:
    return email.strip().lower()


async def find(sessions: SessionFactory, account_no: str, email: str) -> str | None:
    async with sessions() as session:
        return await session.scalar(
            select(OrganizerId.workflow_id).where(
                OrganizerId.account_no == account_no, OrganizerId.email == _key(email)
            )
        )


async def find_or_make(sessions: SessionFactory, account_no: str, email: str) -> str:
    """The organizer's workflow id; the first time, a new one (two at once agree: the table's key decides)."""
    found = await find(sessions, account_no, email)
    if found is not None:
        return found
    made = _new(account_no)
    try:
        async with sessions.begin() as session:
            session.add(OrganizerId(account_no=account_no, email=_key(email), workflow_id=made))
    except IntegrityError:
        found = await find(sessions, account_no, email)
        assert found is not None
        return found
    return made


def _new(account_no: str) -> str:
    return f"{PREFIX}{account_no}-{secrets.token_hex(8)}"


async def renew(sessions: SessionFactory, account_no: str, email: str, closed: str) -> str:
    """A new workflow id for an organizer made again after the account ``closed`` ended (removed): each workflow id
    runs once. Two at once agree: only the first replaces ``closed``, the other finds its id."""
    async with sessions.begin() as session:
        await session.execute(
            update(OrganizerId)
            .where(OrganizerId.account_no == account_no, OrganizerId.email == _key(email))
            .where(OrganizerId.workflow_id == closed)
            .values(workflow_id=_new(account_no))
        )
    found = await find(sessions, account_no, email)
    assert found is not None
    return found


async def account_of(sessions: SessionFactory, workflow_id: str) -> str | None:
    async with sessions() as session:
        return await session.scalar(select(OrganizerId.account_no).where(OrganizerId.workflow_id == workflow_id))
