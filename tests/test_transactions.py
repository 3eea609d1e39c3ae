"""`run_transaction` on SQLite (the writer thread) and PostgreSQL (run_sync on asyncpg): all or nothing, and every
concurrent write lands."""

from __future__ import annotations

import asyncio
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from store import SessionFactory, make_engine, make_session_factory, upgrade
from store.tables import GatewayAttempt
from store.transactions import run_transaction

ATTEMPTS = GatewayAttempt.__table__


async def _failures(sessions: SessionFactory, key: str) -> int | None:
    async with sessions() as session:
        found: int | None = (
            await session.execute(select(ATTEMPTS.c.failures).where(ATTEMPTS.c.idempotency_key == key))
        ).scalar_one_or_none()
        return found


def _insert(key: str, failures: int = 0) -> object:
    return insert(ATTEMPTS).values(idempotency_key=key, failures=failures)


async def test_a_transaction_is_committed_when_its_work_returns(sessions: SessionFactory) -> None:
    key = f"commit-{uuid.uuid4().hex}"
    answer = await run_transaction(sessions, lambda session: session.execute(_insert(key, 2)).rowcount)
    assert answer == 1
    assert await _failures(sessions, key) == 2


async def test_a_transaction_whose_work_raises_leaves_nothing_behind(sessions: SessionFactory) -> None:
    key = f"rollback-{uuid.uuid4().hex}"

    def insert_then_fail(session: Session) -> None:
        session.execute(_insert(key))
        raise ValueError("the card was refused")

    with pytest.raises(ValueError, match="the card was refused"):
        await run_transaction(sessions, insert_then_fail)
    assert await _failures(sessions, key) is None


async def test_fifty_concurrent_increments_all_land(sessions: SessionFactory) -> None:
    key = f"count-{uuid.uuid4().hex}"
    await run_transaction(sessions, lambda session: session.execute(_insert(key)))
    increment = update(ATTEMPTS).where(ATTEMPTS.c.idempotency_key == key).values(failures=ATTEMPTS.c.failures + 1)
    await asyncio.gather(*(run_transaction(sessions, lambda session: session.execute(increment)) for _ in range(50)))
    assert await _failures(sessions, key) == 50


def _writer_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("onramp-sqlite-writer")]


async def test_disposing_a_sqlite_engine_stops_its_writer_and_a_later_transaction_starts_another(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'onramp.db'}")
    await upgrade(engine)
    sessions = make_session_factory(engine)
    before = set(_writer_threads())
    await run_transaction(sessions, lambda session: session.execute(_insert("first")))
    [writer] = set(_writer_threads()) - before

    await engine.dispose()
    writer.join(timeout=10)
    assert not writer.is_alive()

    await run_transaction(sessions, lambda session: session.execute(_insert("second")))
    assert await _failures(sessions, "first") == 0 and await _failures(sessions, "second") == 0
    await engine.dispose()
