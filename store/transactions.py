"""One transaction of plain synchronous SQLAlchemy work, run the cheapest way the database allows.

Why not the AsyncSession everywhere: through aiosqlite each statement is three or four hops between the event loop
and the connection's own thread (cursor, execute, fetch, close), and on the paths every order takes (the charge, the
seats, the e-mail outbox) those hops cost about three times the SQL itself: about 3 ms of CPU for a three-statement
transaction through aiosqlite against about 1 ms for the same transaction run whole on a thread (bench/seat_orders.py).

So a hot path writes its transaction as a function of a synchronous ``Session`` and hands it to ``run_transaction``:
- SQLite: the function runs on the engine's one writer thread with a pysqlite connection of its own, one hop for the
  whole transaction. One writer also means this process's transactions never wait on each other for SQLite's write
  lock (other processes, like a separate API, still take turns through the busy timeout).
- PostgreSQL: the same function runs through ``AsyncSession.run_sync`` on asyncpg, a network round trip per statement
  and no thread.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session, sessionmaker

from store.engine import SessionFactory, sqlite_pragmas

T = TypeVar("T")

_writers: weakref.WeakKeyDictionary[Engine, SqliteWriter] = weakref.WeakKeyDictionary()


async def run_transaction(sessions: SessionFactory, work: Callable[[Session], T]) -> T:
    """Run ``work`` in one transaction: committed when it returns, rolled back when it raises."""
    engine = sessions.kw.get("bind")
    if isinstance(engine, AsyncEngine) and _file_sqlite(engine):
        return await _writer(engine).run(work)
    async with sessions.begin() as session:
        return await session.run_sync(work)


class SqliteWriter:
    """The engine's writer: a pysqlite engine on the same file, used from one thread only."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = create_engine(engine.url.set(drivername="sqlite+pysqlite"), connect_args={"timeout": 30})
        event.listen(self._engine, "connect", sqlite_pragmas)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="onramp-sqlite-writer")

    async def run(self, work: Callable[[Session], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._in_transaction, work)

    def _in_transaction(self, work: Callable[[Session], T]) -> T:
        with self._sessions.begin() as session:
            return work(session)

    def close(self) -> None:
        self._thread.submit(self._engine.dispose).result()
        self._thread.shutdown()


def _file_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")


def _writer(engine: AsyncEngine) -> SqliteWriter:
    sync_engine = engine.sync_engine
    writer = _writers.get(sync_engine)
    if writer is None:
        writer = _writers[sync_engine] = SqliteWriter(engine)
        if not event.contains(sync_engine, "engine_disposed", _close):
            event.listen(sync_engine, "engine_disposed", _close)
    return writer


def _close(sync_engine: Engine) -> None:
    """The async engine was disposed (a test's end, the service stopping): its writer goes with it."""
    writer = _writers.pop(sync_engine, None)
    if writer is not None:
        writer.close()
