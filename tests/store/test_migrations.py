"""Migrations: empty or older to head, idempotent, safe from concurrent starts, matching the models."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect

import store.__main__ as store_cli
from core.people import Person
from store import SqlStore, open_store
from store.migrate import alembic_config, current_revisions, head_revisions
from store.schema import metadata


@pytest.fixture
def database_url(empty_database_url: str) -> str:
    """These tests migrate for themselves: they start from an empty database, not the migrated copy."""
    return empty_database_url


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


async def test_empty_database_is_migrated_to_head(store: SqlStore) -> None:
    assert head_revisions()
    async with store.engine.connect() as conn:
        assert await current_revisions(conn) == head_revisions()
        tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert tables >= TABLES


async def test_models_and_migrations_agree(store: SqlStore) -> None:
    def diff(sync: Connection) -> list[object]:
        return compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}), metadata())

    async with store.engine.connect() as conn:
        assert await conn.run_sync(diff) == []


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


async def test_older_database_is_upgraded(store: SqlStore, database_url: str) -> None:
    async with store.engine.begin() as conn:
        await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), "base"))
        assert await current_revisions(conn) == set()
        tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert tables <= {"alembic_version"}
    await store.close()

    upgraded = await open_store(database_url)
    try:
        async with upgraded.engine.connect() as conn:
            assert await current_revisions(conn) == head_revisions()
        assert len(await upgraded.list_organizations()) > 0
    finally:
        await upgraded.close()


async def test_processes_starting_together_migrate_once(database_url: str) -> None:
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


def test_command_line_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "cli" / "bot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    assert store_cli.main(["upgrade"]) == 0
    assert "newest schema" in capsys.readouterr().out
    assert path.exists()
