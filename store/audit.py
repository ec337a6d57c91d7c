"""The audit log: table and queries (`core.audit.AuditLog`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from core.audit import AuditEntry
from store.base import Base, UtcDateTime, table_of, utcnow
from store.database import Database


class AuditRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_target_at", "target", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    actor: Mapped[str] = mapped_column(String)
    action: Mapped[str] = mapped_column(String)
    target: Mapped[str] = mapped_column(String)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        actor=row.actor, action=row.action, target=row.target, at=row.at, details=row.details or {}, id=row.id
    )


class AuditQueries(Database):
    async def record(
        self, actor: str, action: str, target: str, details: Mapping[str, Any] | None = None
    ) -> AuditEntry:
        values = {
            "actor": actor,
            "action": action,
            "target": target,
            "at": utcnow(),
            "details": dict(details or {}),
        }
        async with self._tx() as conn:
            row = (
                await conn.execute(
                    table_of(AuditRow).insert().values(**values).returning(*table_of(AuditRow).columns)
                )
            ).one()
        return _entry(row)

    async def audit_entries(self, *, target: str | None = None, limit: int = 100) -> Sequence[AuditEntry]:
        query = select(AuditRow.__table__).order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit)
        if target is not None:
            query = query.where(AuditRow.target == target)
        async with self._tx() as conn:
            return [_entry(row) for row in await conn.execute(query)]
