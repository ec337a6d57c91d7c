"""Alembic, configured in code: the scripts ship inside the package (`store/migrations/`).

Imported only to migrate a database behind head (`store.schema.bring_to_head`) and by `python -m store`: the
service does without it (and without Mako and Pygments, which it imports) on every other start.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from store.revisions import MIGRATIONS, lock_schema


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config


async def upgrade_to_head(conn: AsyncConnection) -> None:
    """Migrate the database of `conn` (inside its transaction, under the schema lock) to the newest revision
    of every branch."""
    await lock_schema(conn)  # the caller may hold it already: PostgreSQL's advisory locks stack
    # "heads": revisions added in parallel by different features are all applied.
    await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), "heads"))
