"""Alembic, configured in code: the scripts ship inside the package (`store/migrations/`).

`upgrade_to_head` applies every head (features may add revisions in parallel) in one transaction under a
PostgreSQL advisory lock, so two processes starting at once do not both migrate; SQLite's `BEGIN IMMEDIATE`
(see `store.engine`) serialises them there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
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
        # "heads": revisions added in parallel by different features are all applied.
        command.upgrade(alembic_config(sync_connection), "heads")
        if then is not None:
            then(sync_connection)

    await conn.run_sync(run)


async def current_revisions(conn: AsyncConnection) -> set[str]:
    """The revisions the database of `conn` is at (empty for an unmigrated database)."""
    return set(await conn.run_sync(lambda sync: MigrationContext.configure(sync).get_current_heads()))


def head_revisions() -> set[str]:
    """The newest revision of every branch of the shipped scripts."""
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())
