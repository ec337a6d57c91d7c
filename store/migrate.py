"""Alembic, configured in code: the scripts ship inside the package (`store/migrations/`).

`upgrade_to_head` runs in one transaction under a PostgreSQL advisory lock, so two processes starting at
once do not both migrate; SQLite's `BEGIN IMMEDIATE` (see `store.engine`) serialises them there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncConnection

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant shared by every process of this app; "vertaisbotti" in ASCII, fitted into a bigint.
ADVISORY_LOCK_KEY = 0x7665727461697362


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config


async def lock_schema(conn: AsyncConnection) -> None:
    """Hold the schema lock until `conn`'s transaction ends (PostgreSQL; a no-op elsewhere)."""
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})


async def upgrade_to_head(conn: AsyncConnection, then: Callable[[Connection], None] | None = None) -> None:
    """Migrate the database of `conn` (inside its transaction) to the newest revision."""
    await lock_schema(conn)

    def run(sync_connection: Connection) -> None:
        command.upgrade(alembic_config(sync_connection), "head")
        if then is not None:
            then(sync_connection)

    await conn.run_sync(run)


async def current_revision(conn: AsyncConnection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return await conn.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
