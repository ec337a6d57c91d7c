"""Schedules while the database is away: the traceback once, one line a round, one line at recovery."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.app import REMINDERS, RETENTION
from bot.retention import RetentionScheduler
from core.retention import RetentionPolicy
from store import open_store
from tests.harness.running import make_settings, running_bot
from tests.store.databases import fresh_postgres
from tests.store.proxy import TcpProxy


def lines_of(caplog: pytest.LogCaptureFixture, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage().startswith(name)]


def assert_outage_logged(records: list[logging.LogRecord], name: str, rounds: int) -> None:
    """`rounds` failed rounds and a good one: one traceback, one line per further round, the recovery."""
    assert len(records) == rounds + 1, [r.getMessage() for r in records]
    first, *again, recovered = records
    assert first.exc_info is not None and "Unavailable" in first.getMessage()
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in [*again, recovered])
    assert [r.getMessage().split(":")[0] for r in again] == [
        f"{name} failed again ({n} rounds)" for n in range(2, rounds + 1)
    ]
    assert recovered.getMessage() == f"{name} recovered after {rounds} failed rounds"


async def test_a_sqlite_file_out_of_reach_logs_once_and_recovers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "disk"
    blocker.write_text("not a directory", encoding="utf-8")  # the database's folder cannot be made
    store = await open_store(f"sqlite:///{blocker / 'bot.db'}")
    job = RetentionScheduler(store, RetentionPolicy(outbox=None, activities=timedelta(hours=1), audit=None))
    try:
        with caplog.at_level(logging.INFO):
            assert [await job.run_round() for _ in range(3)] == [False] * 3
            blocker.unlink()
            blocker.mkdir()  # the disk is back
            assert await job.run_round()
            assert await job.run_round()  # a quiet round after the recovery
    finally:
        await store.close()
    assert_outage_logged(lines_of(caplog, "retention"), "retention", 3)


@pytest.mark.postgres
async def test_the_running_bots_schedules_survive_a_postgres_outage(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with fresh_postgres() as url:
        real = make_url(url)
        proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
        await proxy.start()
        via_proxy = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        async with running_bot(make_settings(tmp_path, DATABASE_URL=via_proxy)) as bot:
            app = bot.app
            assert app is not None
            schedules = [app[REMINDERS], app[RETENTION]]
            for schedule in schedules:
                await schedule.stop()  # their own rounds would interleave: this test runs each round
            await proxy.stop()  # the database goes away
            with caplog.at_level(logging.INFO):
                for _ in range(4):
                    assert [await s.run_round() for s in schedules] == [False, False]
                await proxy.start()
                assert [await s.run_round() for s in schedules] == [True, True]
            await proxy.stop()
    for schedule in schedules:
        assert_outage_logged(lines_of(caplog, schedule.name), schedule.name, 4)
