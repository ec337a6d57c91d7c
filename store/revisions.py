"""The schema's revisions without Alembic: the heads the shipped scripts end in, the ones a database records,
stamping a database at head, and the lock every process holds while it looks at the schema.

Alembic (and through it Mako and Pygments) costs the service about 11 MiB: these let a start on a database at
head, or an empty one, go without it. The version table is Alembic's: same name, column and key as it makes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    inspect,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection

MIGRATIONS = Path(__file__).parent / "migrations"
VERSIONS = MIGRATIONS / "versions"
# Any constant shared by every process of this app; "vertaisbotti" in ASCII, fitted into a bigint.
ADVISORY_LOCK_KEY = 0x7665727461697362
VERSION_TABLE = "alembic_version"


async def lock_schema(conn: AsyncConnection) -> None:
    """Hold the schema lock until `conn`'s transaction ends (PostgreSQL; a no-op elsewhere, where the
    transaction's `BEGIN IMMEDIATE` serialises the processes)."""
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})


def _script_links(script: Path) -> tuple[str, set[str]] | None:
    """The `revision` a script declares and its `down_revision`s (a script without a revision is not one)."""
    names: dict[str, ast.expr] = {}
    for node in ast.parse(script.read_text(encoding="utf-8"), str(script)).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            names[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            names[node.target.id] = node.value
    if "revision" not in names:
        return None
    revision = ast.literal_eval(names["revision"])
    down = ast.literal_eval(names["down_revision"]) if "down_revision" in names else None
    downs = set() if down is None else {down} if isinstance(down, str) else set(down)
    return revision, downs


@cache
def head_revisions(versions: Path = VERSIONS) -> frozenset[str]:
    """The newest revision of every branch of the scripts in `versions`, read as Alembic's
    `ScriptDirectory.get_heads()` does (every revision no other names as its `down_revision`). A file that
    declares no `revision` is skipped (Alembic would refuse it). No scripts at all is an error: stamping
    an empty set of heads would record an empty schema as current."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in versions.glob("*.py"):
        links = _script_links(script)
        if links is not None:
            revisions.add(links[0])
            parents |= links[1]
    if not revisions:
        raise RuntimeError(f"no migration scripts in {versions}")
    return frozenset(revisions - parents)


def _version_table() -> Table:
    # As Alembic's `DefaultImpl.version_table_impl` builds it.
    return Table(
        VERSION_TABLE,
        MetaData(),
        Column("version_num", String(32), nullable=False),
        PrimaryKeyConstraint("version_num", name=f"{VERSION_TABLE}_pkc"),
    )


def recorded_revisions(connection: Connection) -> set[str]:
    """The revisions the database records (none when it has no version table)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return set()
    return set(connection.execute(select(_version_table().c.version_num)).scalars())


async def current_revisions(conn: AsyncConnection) -> set[str]:
    """`recorded_revisions` of the database of `conn`."""
    return await conn.run_sync(recorded_revisions)


def stamp(connection: Connection, revisions: Iterable[str]) -> None:
    """Create the version table, as Alembic does, recording `revisions` (a database without one)."""
    table = _version_table()
    table.create(connection)
    connection.execute(table.insert(), [{"version_num": revision} for revision in sorted(revisions)])
