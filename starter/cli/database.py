"""The database as a CLI command opens it: migrated to the latest revision, disposed of when the command ends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starter.settings import get_settings
from store import SessionFactory, make_engine, make_session_factory, upgrade


@asynccontextmanager
async def database() -> AsyncIterator[SessionFactory]:
    engine = make_engine(get_settings().database_url)
    try:
        await upgrade(engine)
        yield make_session_factory(engine)
    finally:
        await engine.dispose()
