"""A datetime or date bound straight to sqlite3 (a `text()` parameter) goes through our own adapters: the same
ISO text as sqlite3's default adapters wrote, without the DeprecationWarning Python 3.12 added to those."""

from __future__ import annotations

import asyncio
import gc
import sqlite3
import warnings
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from store import open_store
from store.engine import create_engine, register_sqlite_adapters
from store.urls import normalize_url


async def test_datetimes_and_dates_bind_as_iso_text_without_a_warning(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'bot.db'}")
    at = datetime(2026, 3, 1, 9, 30, 5, 123456, tzinfo=UTC)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            async with store.engine.begin() as conn:
                values = {"at": at, "day": date(2026, 3, 1)}
                row = (await conn.execute(text("SELECT :at, :day"), values)).one()
    finally:
        await store.close()
    assert tuple(row) == ("2026-03-01 09:30:05.123456+00:00", "2026-03-01")


def test_registering_again_changes_nothing() -> None:
    register_sqlite_adapters()
    register_sqlite_adapters()
    with sqlite3.connect(":memory:") as connection, warnings.catch_warnings():
        warnings.simplefilter("error")
        value = connection.execute("SELECT ?", (datetime(2026, 1, 2, 3, 4, 5),)).fetchone()[0]
    connection.close()
    assert value == "2026-01-02 03:04:05"


async def test_a_connection_cancelled_while_it_opens_is_closed_not_dropped(tmp_path: Path) -> None:
    """A task stopped at shutdown as it takes its first connection (a scheduler's first round): the sqlite3
    connection aiosqlite was opening is closed when it arrives (unclosed, Python 3.13 warns of it)."""
    engine = create_engine(normalize_url(f"sqlite:///{tmp_path / 'bot.db'}"))

    async def use() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(5):
            task = asyncio.create_task(use())
            await asyncio.sleep(0)  # under way: waiting for aiosqlite's thread to open the file
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        await asyncio.sleep(0.2)  # the late connections arrive and are closed
        await use()  # the engine is fine afterwards
        await engine.dispose()
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
