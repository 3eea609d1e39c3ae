"""Statements built once, run many times with parameters.

On the paths every order takes (the charge, the seats, the e-mail outbox), building a SQLAlchemy statement, coercing
its values and computing its cache key on each call cost more CPU than running it (bench/seat_orders.py).
Such statements are module constants taking bound parameters; INSERT … ON CONFLICT, spelled per dialect, is built for
SQLite and for PostgreSQL and picked by the session's dialect.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session


class ByDialect:
    """One statement per dialect, from a builder given the dialect's ``insert``."""

    def __init__(self, build: Callable[[Any], Any]) -> None:
        self._statements = {"sqlite": build(sqlite.insert), "postgresql": build(postgresql.insert)}

    def on(self, session: AsyncSession | Session) -> Any:
        assert session.bind is not None
        return self._statements[session.bind.dialect.name]
