"""Claimed activity ids, so a redelivered activity is handled once (`core.activities.ActivityLog`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, delete
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, UtcDateTime, insert_for, utcnow
from store.database import Database


class ProcessedActivityRow(Base):
    __tablename__ = "processed_activities"

    channel_id: Mapped[str] = mapped_column(String, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String, primary_key=True)
    activity_id: Mapped[str] = mapped_column(String, primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


def _claim_statement(dialect: str) -> Any:
    table = ProcessedActivityRow.__table__
    return insert_for(dialect, table).on_conflict_do_nothing().returning(table.c.activity_id)


class ActivityQueries(Database):
    """Old claims are forgotten by the retention job (`bot/retention.py`, ACTIVITY_RETENTION_HOURS)."""

    async def claim_activity(self, channel_id: str, conversation_id: str, activity_id: str) -> bool:
        async with self._tx() as conn:
            claim = self._statement("claim_activity", _claim_statement)
            values = {
                "channel_id": channel_id,
                "conversation_id": conversation_id,
                "activity_id": activity_id,
                "claimed_at": utcnow(),
            }
            return (await conn.execute(claim, values)).first() is not None

    async def forget_activities_before(self, moment: datetime) -> int:
        async with self._tx() as conn:
            result = await conn.execute(
                delete(ProcessedActivityRow).where(ProcessedActivityRow.claimed_at < moment)
            )
            return result.rowcount or 0
