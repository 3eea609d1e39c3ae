"""Persistence: tables, engine, migrations, and the queries the activities and the API share."""

from store.engine import SessionFactory, make_engine, make_session_factory, normalize_url
from store.migrate import upgrade

__all__ = ["SessionFactory", "make_engine", "make_session_factory", "normalize_url", "upgrade"]
