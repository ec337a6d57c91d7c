"""Delivery report requests (`core.delivery_reports`): one row per broadcast whose sender wants its report,
written with the broadcast (`write_report_request`), marked when the report is queued (`claim_report`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, exists, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapped, mapped_column

from core.delivery_reports import ReportRequest
from core.outbox import OutgoingMessage, Target
from store.base import Base, UtcDateTime, insert_for, utcnow
from store.database import Database
from store.outbox import ACTIVE, OutboxRow, target_json, write_outbox


class DeliveryReportRow(Base):
    __tablename__ = "delivery_reports"

    broadcast: Mapped[str] = mapped_column(String, primary_key=True)
    recipient: Mapped[str] = mapped_column(String, index=True)
    target: Mapped[dict[str, Any]] = mapped_column(JSON)
    topic: Mapped[str] = mapped_column(String)
    locale: Mapped[str | None] = mapped_column(String)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


async def write_report_request(conn: AsyncConnection, request: ReportRequest) -> None:
    """Ask for the broadcast's report on an open transaction (once: a second request is ignored)."""
    stmt = insert_for(conn.dialect.name, DeliveryReportRow).on_conflict_do_nothing(
        index_elements=[DeliveryReportRow.broadcast]
    )
    await conn.execute(
        stmt.values(
            broadcast=request.broadcast,
            recipient=request.recipient,
            target=target_json(request.target),
            topic=request.topic,
            locale=request.locale,
            requested_at=request.since,
            reported_at=None,
        )
    )


def _request(row: Any) -> ReportRequest:
    return ReportRequest(
        broadcast=row.broadcast,
        recipient=row.recipient,
        target=Target(**row.target),
        topic=row.topic,
        since=row.requested_at,
        locale=row.locale,
    )


class DeliveryReportQueries(Database):
    async def finished_reports(self, limit: int = 20) -> Sequence[ReportRequest]:
        rows_of = OutboxRow.broadcast == DeliveryReportRow.broadcast
        query = (
            select(DeliveryReportRow.__table__)
            .where(
                DeliveryReportRow.reported_at.is_(None),
                exists().where(rows_of),
                ~exists().where(rows_of, OutboxRow.state.in_(ACTIVE)),
            )
            .order_by(DeliveryReportRow.requested_at)
            .limit(limit)
        )
        async with self._read() as conn:
            return [_request(row) for row in (await conn.execute(query)).all()]

    async def claim_report(self, broadcast: str, messages: Sequence[OutgoingMessage]) -> bool:
        async with self._tx() as conn:
            claimed = await conn.execute(
                update(DeliveryReportRow)
                .where(DeliveryReportRow.broadcast == broadcast, DeliveryReportRow.reported_at.is_(None))
                .values(reported_at=utcnow())
            )
            if claimed.rowcount == 0:
                return False
            await write_outbox(conn, messages)
        return True
