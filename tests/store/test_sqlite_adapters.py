"""A datetime or date bound straight to sqlite3 (a `text()` parameter) goes through our own adapters: the same
ISO text as sqlite3's default adapters wrote, without the DeprecationWarning Python 3.12 added to those."""

from __future__ import annotations

import sqlite3
import warnings
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text

from store import open_store
from store.engine import register_sqlite_adapters


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
