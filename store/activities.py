"""Claimed activity ids, so a redelivered activity is handled once (`core.activities.ActivityLog`).

Every turn but an invoke claims its activity before anything runs, so the claim is the store's hottest
write. Claims are group-committed: the claims that arrive while one batch is being written go together in
the next, as one multi-row `INSERT ... ON CONFLICT DO NOTHING RETURNING` in one transaction. The database
stays the only truth (a claim returns once its row is committed, and a conflict there is what makes a
second delivery lose, across instances); under load a turn shares its transaction with the turns beside
it instead of queueing behind them for SQLite's single writer. A caller waits for nothing more than the
write in flight (no timer), so a lone turn pays no more than before.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from sqlalchemy import String, delete
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, UtcDateTime, insert_for, utcnow
from store.database import Database

Key = tuple[str, str, str]  # (channel id, conversation id, activity id)
MAX_BATCH = 200  # rows of one INSERT: 4 parameters each, far under every engine's parameter limit


class ProcessedActivityRow(Base):
    __tablename__ = "processed_activities"

    channel_id: Mapped[str] = mapped_column(String, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String, primary_key=True)
    activity_id: Mapped[str] = mapped_column(String, primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


def _claim_statement(dialect: str) -> Any:
    table = ProcessedActivityRow.__table__
    columns = table.c
    return (
        insert_for(dialect, table)
        .on_conflict_do_nothing()
        .returning(columns.channel_id, columns.conversation_id, columns.activity_id)
    )


class ActivityQueries(Database):
    """Old claims are forgotten by the retention job (`bot/retention.py`, ACTIVITY_RETENTION_HOURS)."""

    _claims_waiting: dict[Key, asyncio.Future[bool]] | None = None
    _claims_writer: asyncio.Task[None] | None = None

    async def claim_activity(self, channel_id: str, conversation_id: str, activity_id: str) -> bool:
        key = (channel_id, conversation_id, activity_id)
        if self._claims_waiting is None:
            self._claims_waiting = {}
        earlier = self._claims_waiting.get(key)
        if earlier is not None:  # the same activity twice in one batch: the first one claims it
            await asyncio.shield(earlier)  # raises as the first does when the write fails
            return False
        claimed = self._claims_waiting[key] = asyncio.get_running_loop().create_future()
        if self._claims_writer is None:
            self._claims_writer = asyncio.create_task(self._write_claims(), name="activity claims")
        return await asyncio.shield(claimed)

    async def _write_claims(self) -> None:
        """Writes the waiting claims, batch by batch, until none wait; each caller gets its own outcome."""
        batch: dict[Key, asyncio.Future[bool]] = {}
        try:
            while self._claims_waiting:
                keys = list(self._claims_waiting)[:MAX_BATCH]
                batch = {key: self._claims_waiting.pop(key) for key in keys}
                try:
                    won = await self._insert_claims(keys)
                except Exception as error:  # Unavailable and the like: every caller of the batch raises it
                    for future in batch.values():
                        if not future.done():
                            future.set_exception(error)
                    continue
                for key, future in batch.items():
                    if not future.done():
                        future.set_result(key in won)
        finally:
            self._claims_writer = None
            for future in batch.values():  # cancelled itself (the loop is closing): nobody waits forever
                if not future.done():
                    future.cancel()

    async def _insert_claims(self, keys: list[Key]) -> set[Key]:
        now = utcnow()
        rows = [
            {"channel_id": c, "conversation_id": v, "activity_id": a, "claimed_at": now} for c, v, a in keys
        ]
        async with self._one_statement() as conn:  # one INSERT of the whole batch
            claim = self._statement("claim_activity", _claim_statement)
            result = await conn.execute(claim, rows)
            return {(row[0], row[1], row[2]) for row in result.all()}

    async def forget_activities_before(self, moment: datetime) -> int:
        async with self._tx() as conn:
            result = await conn.execute(
                delete(ProcessedActivityRow).where(ProcessedActivityRow.claimed_at < moment)
            )
            return result.rowcount or 0
