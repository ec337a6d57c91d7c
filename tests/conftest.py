"""Shared fixtures: a connector double, the real bot on an ephemeral port, and the store on every engine.

`store` is the one store fixture: every test that takes it runs on SQLite and on PostgreSQL (the latter
skipped, with the reason, where `TEST_POSTGRES_URL` names no server; CI sets it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from store import SqlStore, open_store
from tests.harness.connector import ConnectorDouble
from tests.harness.running import RunningBot, make_settings, running_bot
from tests.store.databases import fresh_database

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture
async def connector() -> AsyncIterator[ConnectorDouble]:
    async with ConnectorDouble() as double:
        yield double


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with running_bot(make_settings(tmp_path)) as running:
        yield running


@pytest.fixture(params=ENGINES)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh database of each engine, already at the newest schema and holding nothing."""
    async with fresh_database(request.param, tmp_path, migrated=True) as url:
        yield url


@pytest.fixture(params=ENGINES)
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty (unmigrated) database of each engine: for tests of migrating itself."""
    async with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[SqlStore]:
    """The store, migrated, on a fresh database of each engine."""
    opened = await open_store(database_url)
    try:
        yield opened
    finally:
        await opened.close()
