"""Migrations: empty or older to head, idempotent, safe from concurrent starts, matching the models.

A new install is not migrated but created from the models and stamped at head: its schema must be the one the
migrations build. Starts on a new or a current database leave Alembic (and Mako, Pygments) unimported.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Connection, Integer, Table, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import ClauseElement
from sqlalchemy.types import TypeEngine

import store.__main__ as store_cli
import store.migrate as store_migrate
from core.people import Person
from store import SqlStore, open_store
from store.engine import create_engine
from store.migrate import alembic_config, upgrade_to_head
from store.revisions import current_revisions, head_revisions, recorded_revisions
from store.schema import bring_to_head, metadata
from store.urls import normalize_url, sqlite_path
from tests.harness.running import ROOT
from tests.store.databases import fresh_database

T = TypeVar("T")
Build = Callable[[AsyncConnection], Awaitable[None]]
# A new install's way (the models' tables, stamped at head), and every migration from the first.
BUILDS: dict[str, Build] = {"created": bring_to_head, "migrated": upgrade_to_head}


@pytest.fixture
def database_url(empty_database_url: str) -> str:
    """These tests migrate for themselves: they start from an empty database, not the migrated copy."""
    return empty_database_url


@asynccontextmanager
async def engine_for(url: str) -> AsyncIterator[AsyncEngine]:
    normalized = normalize_url(url)
    path = sqlite_path(normalized)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)  # as `open_store` makes it
    engine = create_engine(normalized)
    try:
        yield engine
    finally:
        await engine.dispose()


async def build(url: str, how: Build) -> None:
    async with engine_for(url) as engine, engine.begin() as conn:
        await how(conn)


async def read(url: str, reader: Callable[[Connection], T]) -> T:
    async with engine_for(url) as engine, engine.connect() as conn:
        return await conn.run_sync(reader)


async def make_older(url: str, target: str) -> None:
    """The database of `url`, brought to head and then downgraded to `target`."""
    await build(url, bring_to_head)
    await build(url, lambda conn: conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), target)))


def alembic_heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def schema(connection: Connection) -> dict[str, dict[str, Any]]:
    """Every table as reflected: columns (type, nullable, server default, ...), keys, indexes, constraints;
    types and SQL fragments (a partial index's WHERE) as their SQL text, lists in a stable order. Columns are
    a mapping, so their order is not compared: a new install has a column a later migration added (e.g.
    `outbox.priority`) where the model declares it, a migrated database last; no query depends on it."""
    inspector = inspect(connection)

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        if isinstance(value, TypeEngine):
            return value.compile(connection.dialect)
        return str(value) if isinstance(value, ClauseElement) else value

    def listed(items: list[Any]) -> list[Any]:
        return sorted(plain(items), key=repr)

    return {
        table: {
            "columns": {column["name"]: plain(column) for column in inspector.get_columns(table)},
            "primary key": plain(inspector.get_pk_constraint(table)),
            "foreign keys": listed(inspector.get_foreign_keys(table)),
            "indexes": listed(inspector.get_indexes(table)),
            "unique constraints": listed(inspector.get_unique_constraints(table)),
            "check constraints": listed(inspector.get_check_constraints(table)),
        }
        for table in inspector.get_table_names()
    }


TABLES = {
    "alembic_version",
    "organizations",
    "organization_domains",
    "people",
    "conversations",
    "processed_activities",
    "audit_log",
    "teams",
}

SCRIPT = """
revision{annotation} = {revision!r}
down_revision{annotation} = {down!r}
"""


def test_heads_are_read_without_alembic_as_alembic_reads_them() -> None:
    assert head_revisions() == alembic_heads()


@pytest.mark.parametrize(
    ("scripts", "heads"),
    [
        ({"a": None, "b": "a", "c": "a"}, {"b", "c"}),  # two features branched from one revision
        ({"a": None, "b": "a", "c": "a", "m": ("b", "c")}, {"m"}),  # and merged again
        ({"a": None, "b": ["a"]}, {"b"}),
    ],
)
def test_heads_of_branches_and_merges(tmp_path: Path, scripts: dict[str, Any], heads: set[str]) -> None:
    for number, (revision, down) in enumerate(scripts.items()):
        annotation = ": str | None" if number % 2 else ""  # newer Alembic templates annotate them
        text = SCRIPT.format(annotation=annotation, revision=revision, down=down)
        (tmp_path / f"{number:04}_{revision}.py").write_text(text)
    (tmp_path / "helpers.py").write_text("UTC = None\n")  # no revision: not a script
    assert head_revisions(tmp_path) == heads


async def test_empty_database_is_migrated_to_head(store: SqlStore) -> None:
    assert head_revisions()
    async with store.engine.connect() as conn:
        assert await current_revisions(conn) == head_revisions()
        tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert tables >= TABLES


async def test_a_new_install_has_the_schema_the_migrations_build(database_url: str, tmp_path: Path) -> None:
    kind = make_url(database_url).get_backend_name()
    async with fresh_database(kind, tmp_path / "migrated") as migrated_url:
        await build(database_url, bring_to_head)
        await build(migrated_url, upgrade_to_head)
        created, migrated = await read(database_url, schema), await read(migrated_url, schema)
    assert created.keys() >= TABLES
    assert created == migrated


@pytest.mark.parametrize("how", BUILDS)
async def test_alembic_finds_each_build_at_head_and_like_the_models(database_url: str, how: str) -> None:
    def heads_and_difference(sync: Connection) -> tuple[set[str], list[object]]:
        context = MigrationContext.configure(sync, opts={"compare_type": True})
        return set(context.get_current_heads()), compare_metadata(context, metadata())

    await build(database_url, BUILDS[how])
    assert await read(database_url, heads_and_difference) == (alembic_heads(), [])


async def test_reopening_keeps_data_and_stays_at_head(store: SqlStore, database_url: str) -> None:
    await store.upsert_person(Person("aad-1", name="Maija", email="maija@omnia.fi"))
    again = await open_store(database_url)
    try:
        person = await again.get_person("aad-1")
        assert person is not None and person.organization == "omnia"
        async with again.engine.connect() as conn:
            assert await current_revisions(conn) == head_revisions()
    finally:
        await again.close()


@pytest.mark.parametrize("target", ["base", "-1"])
async def test_older_database_is_upgraded(database_url: str, target: str) -> None:
    await make_older(database_url, target)
    assert await read(database_url, recorded_revisions) != head_revisions()

    upgraded = await open_store(database_url)
    try:
        async with upgraded.engine.connect() as conn:
            assert await current_revisions(conn) == head_revisions()
        assert len(await upgraded.list_organizations()) > 0
    finally:
        await upgraded.close()


@pytest.mark.parametrize("start", ["empty", "behind head"])
async def test_processes_starting_together_migrate_once(database_url: str, start: str) -> None:
    if start == "behind head":
        await make_older(database_url, "-1")
    stores = await asyncio.gather(*(open_store(database_url) for _ in range(4)))
    try:
        for opened in stores:
            await opened.ping()
        people = await asyncio.gather(
            *(opened.upsert_person(Person("aad-2", name=f"n{i}")) for i, opened in enumerate(stores))
        )
        assert {p.aad_object_id for p in people} == {"aad-2"}
        async with stores[0].engine.connect() as conn:
            assert await current_revisions(conn) == head_revisions()
    finally:
        for opened in stores:
            await opened.close()


OPEN_TWICE = """
import asyncio, sys
from store import open_store

async def main(url):
    for _ in range(2):  # a new database, then one at head
        store = await open_store(url)
        await store.ping()
        await store.close()

asyncio.run(main(sys.argv[1]))
print(sorted({name.split(".")[0] for name in sys.modules} & {"alembic", "mako", "pygments"}))
"""


async def test_starts_on_a_new_or_current_database_leave_alembic_unimported(database_url: str) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", OPEN_TWICE, database_url, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    assert out.decode().strip() == "[]"
    assert await read(database_url, recorded_revisions) == head_revisions()


def test_command_line_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "cli" / "bot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    assert store_cli.main(["upgrade"]) == 0
    assert "newest schema" in capsys.readouterr().out
    assert path.exists()


def test_no_scripts_is_an_error_not_an_empty_head(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="no migration scripts"):
        head_revisions(tmp_path)


@pytest.fixture
def scripts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped scripts that `python -m store revision` writes into (the real ones stay)."""
    copy = tmp_path / "migrations"
    shutil.copytree(store_migrate.MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(store_migrate, "MIGRATIONS", copy)
    return copy


def written_revision(scripts: Path, message: str) -> str:
    before = set((scripts / "versions").glob("*.py"))
    assert store_cli.main(["revision", message]) == 0
    (written,) = set((scripts / "versions").glob("*.py")) - before
    return written.read_text()


def test_revision_writes_what_the_models_add_to_the_scripts(scripts: Path) -> None:
    # The scratch database is the migrations' (not a new install, which is the models' own: no difference).
    probe = Table("revision_probe", metadata(), Column("id", Integer, primary_key=True))
    try:
        text = written_revision(scripts, "probe")
    finally:
        metadata().remove(probe)
    assert "create_table('revision_probe'" in text or 'create_table("revision_probe"' in text


def test_revision_of_unchanged_models_is_empty(scripts: Path) -> None:
    text = written_revision(scripts, "nothing")
    upgrade = text.split("def upgrade()", 1)[1].split("def downgrade()", 1)[0]
    assert "op." not in upgrade
