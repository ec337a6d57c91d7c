"""Fresh databases for store tests: a SQLite file, or a uniquely named PostgreSQL database dropped afterwards.

PostgreSQL runs only when `TEST_POSTGRES_URL` names a server that answers; otherwise those tests are skipped
with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

POSTGRES_ENV = "TEST_POSTGRES_URL"


def postgres_admin_dsn() -> str:
    """The libpq DSN of the test server (TEST_POSTGRES_URL); skips the test when unset."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: the PostgreSQL run of this test is skipped")
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


@asynccontextmanager
async def fresh_postgres() -> AsyncIterator[str]:
    """A new empty database on the test server; yields its URL (`postgresql://...`) and drops it after."""
    admin = postgres_admin_dsn()
    name = f"vb_store_{uuid.uuid4().hex[:16]}"
    try:
        conn = await asyncpg.connect(admin, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        pytest.skip(f"no PostgreSQL reachable at {POSTGRES_ENV} ({error!r}): PostgreSQL run skipped")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
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
async def fresh_database(kind: str, directory: Path) -> AsyncIterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'var' / 'store.db'}"
    else:
        async with fresh_postgres() as url:
            yield url
