"""Join requests and their approval jobs: table and queries (`core.joins.JoinStore`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Text, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from core.joins import JoinRequest, Source, Status, Step
from store.base import Base, UtcDateTime, table_of, utcnow
from store.database import Database


class JoinRequestRow(Base):
    __tablename__ = "join_requests"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    source: Mapped[str] = mapped_column(String)
    email: Mapped[str] = mapped_column(String, index=True)
    name: Mapped[str] = mapped_column(String)
    organization: Mapped[str] = mapped_column(String)
    networks: Mapped[list[str]] = mapped_column(JSON)
    message: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String)
    invited_by: Mapped[str | None] = mapped_column(String)
    client: Mapped[str | None] = mapped_column(String, index=True)
    status: Mapped[str] = mapped_column(String, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    decided_by: Mapped[str | None] = mapped_column(String)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(Text)
    step: Mapped[str] = mapped_column(String)
    user_id: Mapped[str | None] = mapped_column(String, index=True)
    guest: Mapped[bool] = mapped_column(Boolean)
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str] = mapped_column(String)
    arrived_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


_T = table_of(JoinRequestRow)


def _request(row: Any) -> JoinRequest:
    return JoinRequest(
        id=row.id,
        source=Source(row.source),
        email=row.email,
        name=row.name,
        organization=row.organization,
        networks=tuple(row.networks or ()),
        message=row.message,
        locale=row.locale,
        invited_by=row.invited_by,
        client=row.client,
        status=Status(row.status),
        created_at=row.created_at,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        note=row.note,
        step=Step(row.step),
        user_id=row.user_id,
        guest=row.guest,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        error=row.error,
        arrived_at=row.arrived_at,
    )


class JoinQueries(Database):
    async def add_join_request(self, request: JoinRequest) -> JoinRequest:
        stored = replace(request, status=Status.PENDING, created_at=utcnow(), step=Step.MEMBER)
        values = {
            "id": stored.id,
            "source": stored.source.value,
            "email": stored.email.lower(),
            "name": stored.name,
            "organization": stored.organization,
            "networks": list(stored.networks),
            "message": stored.message,
            "locale": stored.locale,
            "invited_by": stored.invited_by,
            "client": stored.client,
            "status": stored.status.value,
            "created_at": stored.created_at,
            "note": "",
            "step": stored.step.value,
            "guest": False,
            "attempts": 0,
            "error": "",
        }
        async with self._tx() as conn:
            await conn.execute(_T.insert().values(**values))
        return replace(stored, email=stored.email.lower())

    async def count_join_requests(
        self,
        *,
        since: datetime,
        client: str | None = None,
        email: str | None = None,
        inviter: str | None = None,
    ) -> int:
        query = select(func.count()).select_from(_T).where(_T.c.created_at >= since)
        if client is not None:
            query = query.where(_T.c.client == client)
        if email is not None:
            query = query.where(_T.c.email == email.lower())
        if inviter is not None:
            query = query.where(_T.c.invited_by == inviter)
        async with self._read() as conn:
            return int((await conn.execute(query)).scalar_one())

    async def get_join_request(self, request_id: str) -> JoinRequest | None:
        async with self._read() as conn:
            row = (await conn.execute(select(_T).where(_T.c.id == request_id))).first()
        return _request(row) if row else None

    async def join_requests(self, statuses: Sequence[Status]) -> Sequence[JoinRequest]:
        query = (
            select(_T).where(_T.c.status.in_([s.value for s in statuses])).order_by(_T.c.created_at, _T.c.id)
        )
        async with self._read() as conn:
            return [_request(row) for row in await conn.execute(query)]

    async def decide_join_request(
        self, request_id: str, status: Status, *, by: str, note: str, now: datetime
    ) -> bool:
        values: dict[str, Any] = {
            "status": status.value,
            "decided_by": by,
            "decided_at": now,
            "note": note,
        }
        if status is Status.APPROVED:
            values["next_attempt_at"] = now
        statement = (
            update(_T).where(_T.c.id == request_id, _T.c.status == Status.PENDING.value).values(**values)
        )
        async with self._tx() as conn:
            return ((await conn.execute(statement)).rowcount or 0) == 1

    async def claim_join_jobs(self, now: datetime, lease: timedelta, limit: int) -> Sequence[JoinRequest]:
        due = (
            _T.c.status == Status.APPROVED.value,
            _T.c.next_attempt_at <= now,
            or_(_T.c.lease_until.is_(None), _T.c.lease_until < now),
        )
        claimed = []
        async with self._tx() as conn:
            ids = [
                row.id
                for row in await conn.execute(
                    select(_T.c.id).where(*due).order_by(_T.c.next_attempt_at).limit(limit)
                )
            ]
            for request_id in ids:
                # the same conditions again: a row another instance took meanwhile is left to it
                result = await conn.execute(
                    update(_T).where(_T.c.id == request_id, *due).values(lease_until=now + lease)
                )
                if result.rowcount == 1:
                    claimed.append(request_id)
            if not claimed:
                return []
            return [_request(row) for row in await conn.execute(select(_T).where(_T.c.id.in_(claimed)))]

    async def save_join_progress(self, request: JoinRequest) -> None:
        values = {
            "status": request.status.value,
            "step": request.step.value,
            "user_id": request.user_id,
            "guest": request.guest,
            "attempts": request.attempts,
            "next_attempt_at": request.next_attempt_at,
            "error": request.error,
            "lease_until": None,
        }
        if request.status is not Status.APPROVED:
            values["next_attempt_at"] = None
        async with self._tx() as conn:
            await conn.execute(update(_T).where(_T.c.id == request.id).values(**values))

    async def claim_arrival(self, user_id: str, emails: Sequence[str], now: datetime) -> JoinRequest | None:
        who = [_T.c.user_id == user_id]
        if emails:
            who.append(_T.c.email.in_([e.lower() for e in emails]))
        waiting = (_T.c.status == Status.DONE.value, _T.c.arrived_at.is_(None), or_(*who))
        async with self._tx() as conn:
            row = (await conn.execute(select(_T).where(*waiting).order_by(_T.c.created_at))).first()
            if row is None:
                return None
            result = await conn.execute(
                update(_T).where(_T.c.id == row.id, *waiting).values(arrived_at=now, user_id=user_id)
            )
            if result.rowcount != 1:
                return None
        return replace(_request(row), arrived_at=now, user_id=user_id)

    async def join_interests(self, network: str) -> Sequence[str]:
        query = select(_T.c.networks, _T.c.user_id).where(
            _T.c.status == Status.DONE.value, _T.c.user_id.is_not(None)
        )
        async with self._read() as conn:
            rows = (await conn.execute(query)).all()
        return list(dict.fromkeys(row.user_id for row in rows if network in (row.networks or ())))
