"""Fixtures: a throttling connector double, and a store on SQLite (or on PostgreSQL for the contract)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from store import SqlStore, open_store
from tests.outbox.throttling import ThrottlingConnector


@pytest.fixture
async def throttling() -> AsyncIterator[ThrottlingConnector]:
    async with ThrottlingConnector(global_rate=1000.0, global_burst=50.0) as double:
        yield double


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    opened = await open_store(f"sqlite:///{tmp_path / 'outbox.db'}")
    try:
        yield opened
    finally:
        await opened.close()
