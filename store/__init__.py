"""Persistence behind `core`'s store Protocols: SQLAlchemy 2 (async) on SQLite or PostgreSQL, with Alembic.

Public API: `open_store(database_url, *, organizations_file=None) -> SqlStore`; `SqlStore` implements
`core.store.Store`. One module per concern (`people`, `conversations`, `activities`, `audit`, `teams`).
"""

from store.sql_store import SqlStore, open_store
from store.urls import normalize_url

__all__ = ["SqlStore", "normalize_url", "open_store"]
