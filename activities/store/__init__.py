"""Persistence: tables, engine, migrations, and the queries the activities and the API share."""

from activities.store.engine import SessionFactory, make_engine, make_session_factory, normalize_url
from activities.store.migrate import upgrade

__all__ = ["SessionFactory", "make_engine", "make_session_factory", "normalize_url", "upgrade"]
