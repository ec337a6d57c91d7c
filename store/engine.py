"""The async engine: aiosqlite in WAL mode with a busy timeout, or asyncpg with pre-ping and timeouts."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from threading import Thread
from typing import Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from store.base import json_serializer
from store.urls import sqlite_path

SQLITE_BUSY_TIMEOUT_S = 30.0
READ_ONLY = "vertaisbotti_read_only"
ONE_STATEMENT = "vertaisbotti_one_statement"  # SQLite: a lone statement is its own transaction (no BEGIN)
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
        json_serializer=json_serializer,
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
    path = sqlite_path(url)
    options: dict[str, Any] = {
        "async_creator": _shielded_connect(str(path) if path else ":memory:"),
        "json_serializer": json_serializer,
    }
    if path is None:
        options["poolclass"] = StaticPool  # one shared in-memory database
    engine = create_async_engine(url, **options)
    on_file = path is not None

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
        options = connection.get_execution_options()
        if options.get(ONE_STATEMENT, False):
            return  # autocommit (isolation_level None): SQLite makes the one statement atomic by itself
        connection.exec_driver_sql("BEGIN" if options.get(READ_ONLY, False) else "BEGIN IMMEDIATE")

    return engine


def _shielded_connect(database: str) -> Callable[[], Awaitable[aiosqlite.Connection]]:
    """aiosqlite's connect, safe to cancel. Cancelled while its thread opens the file (a task stopped at
    shutdown as it takes its first connection), aiosqlite drops the sqlite3 connection unclosed (Python 3.13
    warns of it). Here the opening goes on, shielded, and a connection that arrives too late is closed."""
    closing: set[asyncio.Task[None]] = set()

    def close_late(opening: asyncio.Task[aiosqlite.Connection]) -> None:
        if opening.cancelled() or opening.exception() is not None:
            return
        task = asyncio.ensure_future(opening.result().close())
        closing.add(task)
        task.add_done_callback(closing.discard)

    async def connect() -> aiosqlite.Connection:
        opening = asyncio.ensure_future(_open(database))
        try:
            return await asyncio.shield(opening)
        except asyncio.CancelledError:
            opening.add_done_callback(close_late)
            raise

    return connect


async def _open(database: str) -> aiosqlite.Connection:
    connection = aiosqlite.connect(database, timeout=SQLITE_BUSY_TIMEOUT_S)
    # As SQLAlchemy's own connect does: a connection never closed must not keep the process alive.
    thread = connection if isinstance(connection, Thread) else getattr(connection, "_thread", None)
    if thread is not None:
        thread.daemon = True
    return await connection
