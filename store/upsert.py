"""INSERT … ON CONFLICT for both SQLite and PostgreSQL: idempotent writes without a read-then-write race."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


def _insert(session: AsyncSession, model: type[DeclarativeBase]) -> Any:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return postgresql.insert(model) if dialect == "postgresql" else sqlite.insert(model)


async def upsert(
    session: AsyncSession,
    model: type[DeclarativeBase],
    values: dict[str, Any],
    key: Sequence[str],
    update: Sequence[str] | None = None,
) -> None:
    """Insert ``values``; when a row with the same ``key`` exists, overwrite ``update`` columns (default: all)."""
    statement = _insert(session, model).values(**values)
    columns = [name for name in (update if update is not None else values) if name not in key]
    statement = statement.on_conflict_do_update(
        index_elements=list(key), set_={name: statement.excluded[name] for name in columns}
    )
    await session.execute(statement)


async def insert_if_absent(
    session: AsyncSession, model: type[DeclarativeBase], values: dict[str, Any], key: Sequence[str]
) -> None:
    statement = _insert(session, model).values(**values).on_conflict_do_nothing(index_elements=list(key))
    await session.execute(statement)
