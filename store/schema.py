"""Every table of the store on one metadata (Alembic's target), and bringing a database's schema to head.

A new concern adds its module here.
"""

from __future__ import annotations

from sqlalchemy import Connection, MetaData, inspect
from sqlalchemy.ext.asyncio import AsyncConnection

from store import (  # noqa: F401  (tables register on import)
    activities,
    assessment,
    audit,
    badges,
    coaching,
    consents,
    conversations,
    delivery_reports,
    joins,
    materials,
    meetings,
    networks,
    outbox,
    people,
    polls,
    survey,
    teams,
)
from store.base import Base
from store.revisions import VERSION_TABLE, head_revisions, lock_schema, recorded_revisions, stamp


def metadata() -> MetaData:
    return Base.metadata


async def bring_to_head(conn: AsyncConnection) -> None:
    """Bring the database of `conn` to the shipped head revisions, inside its transaction and under the schema
    lock (so processes starting together change it once).

    At head (a restart) nothing is done. Empty (a new install), the models' tables are created and stamped at
    head: the recipe "Building an Up to Date Database from Scratch" of Alembic's cookbook (create_all, then
    a version table stamped with the newest revision); tests/store/test_migrations.py checks that this schema
    is the one the migrations build. Only a database behind head (or otherwise not at it) imports Alembic,
    which migrates it as before.
    """
    await lock_schema(conn)
    if not await conn.run_sync(_at_head_or_created):
        from store.migrate import upgrade_to_head  # Alembic, Mako and Pygments: ~11 MiB, only when needed

        await upgrade_to_head(conn)


def _at_head_or_created(connection: Connection) -> bool:
    """True when the database was at head or empty (now created at head); False when it needs migrating."""
    tables = set(inspect(connection).get_table_names())
    if VERSION_TABLE in tables:
        return recorded_revisions(connection) == head_revisions()
    if tables & metadata().tables.keys():
        return False  # our tables but no version: Alembic's to judge, as it always was
    metadata().create_all(connection)
    stamp(connection, head_revisions())
    return True
