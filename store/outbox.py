"""The outbox table and its queries (`core.outbox.OutboxStore`).

Claiming is one `UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED)`: on PostgreSQL concurrent
workers skip each other's rows; on SQLite `BEGIN IMMEDIATE` (see `store.engine`) makes writers take turns.
A `sending` row keeps its lease end in `next_attempt_at`, so one index serves both "due" and "lease over".
Other concerns that notify people call `write_outbox(conn, messages)` inside their own transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapped, mapped_column

from core.outbox import (
    Backlog,
    ClaimedMessage,
    DeliveryReport,
    NotReached,
    Outcome,
    OutgoingMessage,
    Priority,
    Reason,
    State,
    Target,
)
from store.base import Base, EncodedJSON, UtcDateTime, insert_for, utcnow
from store.database import Database

ACTIVE = (State.PENDING.value, State.SENDING.value)


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    key: Mapped[str] = mapped_column(String, unique=True)
    broadcast: Mapped[str] = mapped_column(String, index=True)
    recipient: Mapped[str] = mapped_column(String)
    target: Mapped[dict[str, Any]] = mapped_column(JSON)
    activity: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String)
    priority: Mapped[int] = mapped_column(Integer, server_default=text(str(int(Priority.NORMAL))))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String)
    last_error: Mapped[str | None] = mapped_column(String)
    reason: Mapped[str | None] = mapped_column(String)
    conversation_id: Mapped[str | None] = mapped_column(String)
    activity_id: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


def target_json(target: Target) -> dict[str, Any]:
    return {
        "kind": target.kind,
        "service_url": target.service_url,
        "conversation_id": target.conversation_id,
        "user_id": target.user_id,
        "tenant_id": target.tenant_id,
        "bot_id": target.bot_id,
        **({"activity_id": target.activity_id} if target.activity_id else {}),
    }


def _claimed(row: Any) -> ClaimedMessage:
    message = OutgoingMessage(
        key=row.key,
        broadcast=row.broadcast,
        recipient=row.recipient,
        target=Target(**row.target),
        activity=row.activity,
        priority=Priority(row.priority),
    )
    return ClaimedMessage(row.id, message, attempts=row.attempts, conversation_id=row.conversation_id)


async def write_outbox(conn: AsyncConnection, messages: Sequence[OutgoingMessage]) -> int:
    """Queue `messages` on an open transaction (due now); keys already queued are skipped."""
    if not messages:
        return 0
    now = utcnow()
    rows = [
        {
            "key": m.key,
            "broadcast": m.broadcast,
            "recipient": m.recipient,
            "target": target_json(m.target),
            "activity": EncodedJSON(m.activity_json),  # encoded once, by the message
            "state": State.PENDING.value,
            "priority": int(m.priority),
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for m in messages
    ]
    # One statement with the rows as its parameters (SQLAlchemy's "insertmanyvalues" writes them as
    # multi-row INSERTs in pages of its own): a statement built with `.values(rows)` was compiled anew for
    # each call, a bind parameter per column and row, which held a 1,000-member survey's start for a second.
    # A key already queued is skipped and returns no id, so the ids count the new rows.
    stmt = (
        insert_for(conn.dialect.name, OutboxRow)
        .on_conflict_do_nothing(index_elements=[OutboxRow.key])
        .returning(OutboxRow.id)
    )
    return len((await conn.execute(stmt, rows)).all())


_RECORD = (
    update(OutboxRow)
    .where(
        OutboxRow.id == bindparam("o_id"),
        OutboxRow.claimed_by == bindparam("o_worker"),
        OutboxRow.state == State.SENDING.value,
    )
    .values(
        state=bindparam("o_state"),
        next_attempt_at=bindparam("o_next", type_=UtcDateTime),
        last_error=bindparam("o_error"),
        reason=bindparam("o_reason"),
        activity_id=bindparam("o_activity_id"),
        conversation_id=func.coalesce(bindparam("o_conversation", type_=String), OutboxRow.conversation_id),
        sent_at=bindparam("o_sent_at", type_=UtcDateTime),
        attempts=OutboxRow.attempts - bindparam("o_refund", type_=Integer),
        claimed_by=None,
    )
)


class OutboxQueries(Database):
    async def enqueue(
        self,
        messages: Sequence[OutgoingMessage],
        *,
        together_with: Callable[[AsyncConnection], Awaitable[Any]] | None = None,
    ) -> int:
        async with self._tx() as conn:
            if together_with is not None:
                await together_with(conn)
            return await write_outbox(conn, messages)

    async def claim_due(
        self, worker: str, limit: int, lease_seconds: float, *, up_to: Priority | None = None
    ) -> Sequence[ClaimedMessage]:
        now = utcnow()
        due = select(OutboxRow.id).where(OutboxRow.state.in_(ACTIVE), OutboxRow.next_attempt_at <= now)
        if up_to is not None:
            due = due.where(OutboxRow.priority <= int(up_to))
        due = (
            due.order_by(OutboxRow.priority, OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        stmt = (
            update(OutboxRow)
            .where(OutboxRow.id.in_(due.scalar_subquery()))
            .values(
                state=State.SENDING.value,
                claimed_by=worker,
                attempts=OutboxRow.attempts + 1,
                next_attempt_at=now + timedelta(seconds=lease_seconds),
            )
            .returning(*OutboxRow.__table__.columns)
        )
        async with self._tx() as conn:
            rows = (await conn.execute(stmt)).all()
        claimed = (_claimed(row) for row in rows)
        return sorted(claimed, key=lambda row: (row.message.priority, row.id))

    async def renew_leases(self, worker: str, ids: Sequence[int], lease_seconds: float) -> None:
        if not ids:
            return
        async with self._tx() as conn:
            await conn.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.id.in_(list(ids)),
                    OutboxRow.claimed_by == worker,
                    OutboxRow.state == State.SENDING.value,
                )
                .values(next_attempt_at=utcnow() + timedelta(seconds=lease_seconds))
            )

    async def record_outcomes(self, worker: str, outcomes: Sequence[Outcome]) -> int:
        if not outcomes:
            return 0
        now = utcnow()
        params = [
            {
                "o_id": outcome.id,
                "o_worker": worker,
                "o_state": outcome.state.value,
                "o_next": outcome.next_attempt_at,
                "o_error": (outcome.error or "")[:500] or None,
                "o_reason": outcome.reason.value if outcome.reason else None,
                "o_activity_id": outcome.activity_id,
                "o_conversation": outcome.conversation_id,
                "o_sent_at": now if outcome.state is State.SENT else None,
                "o_refund": 1 if outcome.refund_attempt else 0,
            }
            for outcome in outcomes
        ]
        async with self._tx() as conn:
            result = await conn.execute(_RECORD, params)
        return result.rowcount if result.rowcount is not None and result.rowcount >= 0 else len(outcomes)

    async def active_workers(self) -> int:
        query = select(func.count(func.distinct(OutboxRow.claimed_by))).where(
            OutboxRow.state == State.SENDING.value, OutboxRow.next_attempt_at > utcnow()
        )
        async with self._read() as conn:
            return int((await conn.execute(query)).scalar_one())

    async def backlog(self) -> Backlog:
        now = utcnow()
        query = select(
            func.count().filter(OutboxRow.next_attempt_at <= now),
            func.min(OutboxRow.next_attempt_at).filter(OutboxRow.next_attempt_at <= now),
            func.count().filter(OutboxRow.state == State.SENDING.value, OutboxRow.next_attempt_at > now),
        ).where(OutboxRow.state.in_(ACTIVE))
        async with self._read() as conn:
            due, oldest, sending = (await conn.execute(query)).one()
        waited = (now - oldest).total_seconds() if oldest is not None else 0.0
        return Backlog(due=int(due or 0), sending=int(sending or 0), oldest_due_seconds=max(waited, 0.0))

    async def delivery_counts(self, broadcast: str) -> DeliveryReport:
        async with self._read() as conn:
            counts = (
                await conn.execute(
                    select(OutboxRow.state, OutboxRow.reason, func.count())
                    .where(OutboxRow.broadcast == broadcast)
                    .group_by(OutboxRow.state, OutboxRow.reason)
                )
            ).all()
            missed = (
                await conn.execute(
                    select(OutboxRow.recipient, OutboxRow.reason, OutboxRow.last_error)
                    .where(
                        OutboxRow.broadcast == broadcast,
                        OutboxRow.state.in_((State.FAILED.value, State.DEAD.value)),
                    )
                    .order_by(OutboxRow.recipient)
                )
            ).all()
        sent = pending = 0
        failed: dict[Reason, int] = {}
        for state, reason, count in counts:
            if state == State.SENT.value:
                sent += count
            elif state in ACTIVE:
                pending += count
            else:
                key = Reason(reason or Reason.EXHAUSTED.value)
                failed[key] = failed.get(key, 0) + count
        not_reached = [
            NotReached(row.recipient, Reason(row.reason or Reason.EXHAUSTED.value), row.last_error)
            for row in missed
        ]
        return DeliveryReport(broadcast, sent=sent, pending=pending, failed=failed, not_reached=not_reached)
