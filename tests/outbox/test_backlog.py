"""The outbox backlog behind the gauges: due rows, rows a worker holds, the oldest due row's wait."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from store.base import utcnow
from store.outbox import OutboxRow
from store.sql_store import SqlStore
from tests.outbox.helpers import broadcast


async def _due_minutes_ago(store: SqlStore, key: str, minutes: int) -> None:
    async with store.engine.begin() as conn:
        await conn.execute(
            update(OutboxRow)
            .where(OutboxRow.key == key)
            .values(next_attempt_at=utcnow() - timedelta(minutes=minutes))
        )


async def test_backlog_counts_due_and_held_rows_and_the_oldest_wait(store: SqlStore) -> None:
    empty = await store.backlog()
    assert (empty.due, empty.sending, empty.oldest_due_seconds) == (0, 0, 0.0)

    await store.enqueue(broadcast("https://smba.example/", 4))
    await _due_minutes_ago(store, "survey-1:0", 10)
    await _due_minutes_ago(store, "survey-1:1", 5)
    claimed = await store.claim_due("worker-a", limit=1, lease_seconds=60)
    assert [c.message.key for c in claimed] == ["survey-1:0"]

    backlog = await store.backlog()
    assert (backlog.due, backlog.sending) == (3, 1)
    # the ten-minute row is held by the worker now; the five-minute one is the oldest still waiting
    assert 4 * 60 < backlog.oldest_due_seconds < 10 * 60
