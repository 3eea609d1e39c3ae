"""Database engine and sessions for SQLite (the dev default) and PostgreSQL (production, CI)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext import asyncio as sqlalchemy_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

SessionFactory = async_sessionmaker[AsyncSession]
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///.onramp/onramp.db"


def normalize_url(url: str) -> str:
    """Accept the URLs people paste (postgresql://, postgres://, sqlite:///) and give the async driver."""
    for prefix, replacement in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("sqlite:///", "sqlite+aiosqlite:///"),
    ):
        if url.startswith(prefix):
            return replacement + url[len(prefix) :]
    return url


def is_sqlite(url: str) -> bool:
    return make_url(normalize_url(url)).get_backend_name() == "sqlite"


def make_engine(url: str) -> AsyncEngine:
    """The engine for ``url``. Made through ``sqlalchemy.ext.asyncio.create_async_engine`` looked up at the call, not
    imported by name: when tracing is on (starter/telemetry.py), OpenTelemetry's SQLAlchemy instrumentation wraps
    that function, and every engine made after the start gets a span per statement."""
    url = normalize_url(url)
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs = {"connect_args": {"timeout": 30}}
    engine = sqlalchemy_asyncio.create_async_engine(url, **kwargs)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", sqlite_pragmas)
    return engine


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets the API read while the worker writes; foreign keys are off in SQLite unless asked for.

    synchronous=NORMAL is SQLite's advice for WAL: a commit is appended to the log without an fsync of its own (the log
    is synced at checkpoints), so a crash of the process loses nothing and the database is never corrupted; a power
    cut may lose the last commits. SQLite is the development and single-machine store; production runs PostgreSQL."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)
