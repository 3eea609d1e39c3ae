"""Alembic environment: runs on the connection `migrate.upgrade` hands over, or on ONRAMP_DATABASE_URL."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from store.engine import DEFAULT_DATABASE_URL, is_sqlite, make_engine
from store.tables import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_on_url(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # the alembic command line: the URL from alembic.ini or from ONRAMP_DATABASE_URL, as the service reads it
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("ONRAMP_DATABASE_URL") or DEFAULT_DATABASE_URL
    assert url is not None and (is_sqlite(url) or "://" in url)
    asyncio.run(_run_on_url(url))
