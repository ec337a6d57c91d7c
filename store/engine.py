"""The async engine: aiosqlite in WAL mode with a busy timeout, or asyncpg with pre-ping and timeouts."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from store.urls import sqlite_path

SQLITE_BUSY_TIMEOUT_S = 30.0
READ_ONLY = "vertaisbotti_read_only"
CONNECT_TIMEOUT_S = 5.0
COMMAND_TIMEOUT_S = 30.0


def create_engine(url: URL) -> AsyncEngine:
    """An engine for a normalised URL (see `store.urls.normalize_url`); opens no connection yet."""
    if url.drivername == "sqlite+aiosqlite":
        return _sqlite_engine(url)
    return create_async_engine(
        url,
        pool_pre_ping=True,  # a connection broken while the database was away is replaced, not used
        pool_size=5,
        max_overflow=10,
        pool_timeout=CONNECT_TIMEOUT_S * 2,
        connect_args={"timeout": CONNECT_TIMEOUT_S, "command_timeout": COMMAND_TIMEOUT_S},
    )


def _iso_datetime(value: datetime) -> str:
    return value.isoformat(" ")


def _iso_date(value: date) -> str:
    return value.isoformat()


def register_sqlite_adapters() -> None:
    """Our own adapters for a datetime or date bound straight to sqlite3 (a `text()` statement's parameter;
    SQLAlchemy's column types convert theirs first). They write what sqlite3's default adapters wrote, which
    Python 3.12 deprecated (a DeprecationWarning on every such bind). Idempotent."""
    sqlite3.register_adapter(datetime, _iso_datetime)
    sqlite3.register_adapter(date, _iso_date)


def _sqlite_engine(url: URL) -> AsyncEngine:
    register_sqlite_adapters()
    options: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_S}}
    if sqlite_path(url) is None:
        options["poolclass"] = StaticPool  # one shared in-memory database
    engine = create_async_engine(url, **options)
    on_file = sqlite_path(url) is not None

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transactions out of pysqlite's hands so BEGIN below is the only one issued.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if on_file:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: a read-then-write transaction never fails with
        # "database is locked" half-way; concurrent writers wait up to the busy timeout instead.
        # Read-only transactions (`READ_ONLY`) take no write lock: in WAL mode they never wait for writers.
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine
