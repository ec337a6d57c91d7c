"""Fresh databases for store tests: a SQLite file, or a uniquely named PostgreSQL database dropped afterwards.

PostgreSQL runs only when `TEST_POSTGRES_URL` names a server that answers; otherwise those tests are skipped
with the reason. A `migrated` database is a copy of one brought to head once per test process, as the service
does on a new install (SQLite's backup API, PostgreSQL's `CREATE DATABASE ... TEMPLATE`): doing so for each of
hundreds of tests was a large share of the suite's time. Tests of migrating itself ask for an empty database.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, closing, suppress
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from store.engine import create_engine
from store.schema import bring_to_head
from store.urls import normalize_url

POSTGRES_ENV = "TEST_POSTGRES_URL"
# The migrated originals of this test process, made on first use.
_templates: dict[str, str] = {}


async def _migrate(url: str) -> None:
    engine = create_engine(normalize_url(url))
    try:
        async with engine.begin() as conn:
            await bring_to_head(conn)
    finally:
        await engine.dispose()


def _sqlite_template() -> Path:
    if "sqlite" not in _templates:
        directory = Path(tempfile.mkdtemp(prefix="vb-template-"))
        atexit.register(shutil.rmtree, directory, True)
        path = directory / "template.db"
        # A thread of its own: callers may already be inside a running event loop.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, _migrate(f"sqlite:///{path}")).result()
        _templates["sqlite"] = str(path)
    return Path(_templates["sqlite"])


def migrated_sqlite_copy(destination: Path) -> None:
    """Make `destination` a SQLite database already at the newest schema (and nothing else in it)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(_sqlite_template())) as source, closing(sqlite3.connect(destination)) as to:
        source.backup(to)


def _drop_postgres(admin: str, name: str) -> None:
    async def drop() -> None:
        conn = await asyncpg.connect(admin, timeout=5)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    with suppress(OSError, asyncpg.PostgresError):  # the server went first: nothing left to tidy
        asyncio.run(drop())


async def _postgres_template(admin: str, conn: asyncpg.Connection) -> str:
    if "postgresql" not in _templates:
        name = f"vb_template_{uuid.uuid4().hex[:16]}"
        await conn.execute(f'CREATE DATABASE "{name}"')
        atexit.register(_drop_postgres, admin, name)
        await _migrate(make_url(admin).set(database=name).render_as_string(hide_password=False))
        _templates["postgresql"] = name
    return _templates["postgresql"]


def postgres_admin_dsn() -> str:
    """The libpq DSN of the test server (TEST_POSTGRES_URL); skips the test when unset."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: the PostgreSQL run of this test is skipped")
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


@asynccontextmanager
async def fresh_postgres(*, migrated: bool = False) -> AsyncIterator[str]:
    """A new database on the test server, empty or `migrated`; yields its URL (`postgresql://...`) and
    drops it after."""
    admin = postgres_admin_dsn()
    name = f"vb_store_{uuid.uuid4().hex[:16]}"
    try:
        conn = await asyncpg.connect(admin, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        pytest.skip(f"no PostgreSQL reachable at {POSTGRES_ENV} ({error!r}): PostgreSQL run skipped")
    try:
        template = f' TEMPLATE "{await _postgres_template(admin, conn)}"' if migrated else ""
        await conn.execute(f'CREATE DATABASE "{name}"{template}')
    finally:
        await conn.close()
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        conn = await asyncpg.connect(admin, timeout=5)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


@asynccontextmanager
async def fresh_database(kind: str, directory: Path, *, migrated: bool = False) -> AsyncIterator[str]:
    if kind == "sqlite":
        path = directory / "var" / "store.db"
        if migrated:
            migrated_sqlite_copy(path)
        yield f"sqlite:///{path}"
    else:
        async with fresh_postgres(migrated=migrated) as url:
            yield url
