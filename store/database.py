"""What every concern's queries share: the engine, one transaction helper and the lazy start-up.

Start-up (migrations, seeding) runs on first use and again on every use until it has succeeded once, so a
store opened while the database is away starts working by itself when it comes back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.errors import Unavailable
from store.engine import ONE_STATEMENT, READ_ONLY
from store.errors import UNAVAILABLE_KEY, unavailable_on_failure

Setup = Callable[[AsyncEngine], Awaitable[None]]
PING_TIMEOUT_S = 5.0


class Database:
    """Base of `SqlStore` and of each per-concern query mixin."""

    def __init__(self, engine: AsyncEngine, setup: Setup) -> None:
        self._engine = engine
        self._setup = setup
        self._ready = False
        self._setup_lock = asyncio.Lock()
        self._statements: dict[str, Any] = {}
        # SQLite has one writer: queueing transactions here is far cheaper than its busy-wait back-off.
        self._sqlite_writer = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def _statement(self, name: str, build: Callable[[str], Any]) -> Any:
        """A statement built once per store (`build(dialect_name)`) and executed with parameters: the hot
        paths skip rebuilding SQLAlchemy constructs on every call."""
        statement = self._statements.get(name)
        if statement is None:
            statement = self._statements[name] = build(self.dialect)
        return statement

    async def ensure_ready(self) -> None:
        """Run the start-up once; raises `Unavailable` while the database cannot be reached."""
        if self._ready:
            return
        async with self._setup_lock:
            if self._ready:
                return
            with unavailable_on_failure():
                await self._setup(self._engine)
            self._ready = True

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncConnection]:
        """One transaction, committed when the block ends; connection failures raise `Unavailable`."""
        await self.ensure_ready()
        if self._sqlite_writer is None:
            with unavailable_on_failure():
                async with self._engine.begin() as connection:
                    yield connection
            return
        async with self._sqlite_writer:
            with unavailable_on_failure():
                async with self._engine.begin() as connection:
                    yield connection

    @asynccontextmanager
    async def _one_statement(self) -> AsyncIterator[AsyncConnection]:
        """For a single write statement: on SQLite it runs without BEGIN IMMEDIATE (a statement is atomic
        by itself), still queued behind this process's other writers; elsewhere it is `_tx`."""
        if self._sqlite_writer is None:
            async with self._tx() as connection:
                yield connection
            return
        await self.ensure_ready()
        async with self._sqlite_writer:
            with unavailable_on_failure():
                async with self._engine.connect() as connection:
                    connection = await connection.execution_options(**{ONE_STATEMENT: True})
                    async with connection.begin():
                        yield connection

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        """A read-only transaction: consistent, but never queued behind SQLite's writers."""
        await self.ensure_ready()
        with unavailable_on_failure():
            async with self._engine.connect() as connection:
                connection = await connection.execution_options(**{READ_ONLY: True})
                async with connection.begin():
                    yield connection

    async def ping(self) -> None:
        """Return when the database answers (and is migrated); raise `Unavailable` when it does not."""
        try:
            async with asyncio.timeout(PING_TIMEOUT_S):
                await self.ensure_ready()
                with unavailable_on_failure():
                    async with self._engine.connect() as connection:
                        await connection.execute(text("SELECT 1"))
        except TimeoutError as error:
            raise Unavailable(UNAVAILABLE_KEY) from error

    async def close(self) -> None:
        await self._engine.dispose()
