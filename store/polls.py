"""Polls and ballots: tables and queries (`core.polls.PollStore`).

A ballot is one row per (poll, voter) holding the chosen option indexes as a bit mask, so replacing an
answer is a single upsert on both engines and two concurrent answers of one person can never both stay.
Ballots carry no timestamp: in an anonymous poll nothing but the keyed voter hash is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapped, mapped_column

from core.errors import Conflict, NotFound
from core.outbox import OutgoingMessage
from core.polls import Poll, PollKind, Results, Tally, ThemeResult, tally_of
from store.base import Base, UtcDateTime, insert_for, utcnow
from store.database import Database
from store.outbox import write_outbox


class PollRow(Base):
    __tablename__ = "polls"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    channel_id: Mapped[str] = mapped_column(String)
    author: Mapped[str] = mapped_column(String)
    question: Mapped[str] = mapped_column(String)
    options: Mapped[list[str]] = mapped_column(JSON)
    multiple: Mapped[bool] = mapped_column(Boolean)
    anonymous: Mapped[bool] = mapped_column(Boolean)
    results: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String)
    network: Mapped[str | None] = mapped_column(String, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    conversation_id: Mapped[str | None] = mapped_column(String)
    activity_id: Mapped[str | None] = mapped_column(String)
    audience: Mapped[list[str]] = mapped_column(JSON)
    lang: Mapped[str] = mapped_column(String)
    service_url: Mapped[str | None] = mapped_column(String)


class BallotRow(Base):
    __tablename__ = "poll_ballots"

    poll_id: Mapped[str] = mapped_column(String, ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    voter: Mapped[str] = mapped_column(String, primary_key=True)
    choices: Mapped[int] = mapped_column(Integer)


def mask_of(choices: frozenset[int]) -> int:
    return sum(1 << i for i in choices)


def choices_of(mask: int) -> frozenset[int]:
    return frozenset(i for i in range(mask.bit_length()) if mask >> i & 1)


def _poll(row: Any) -> Poll:
    return Poll(
        id=row.id,
        channel_id=row.channel_id,
        author=row.author,
        question=row.question,
        options=tuple(row.options),
        multiple=row.multiple,
        anonymous=row.anonymous,
        results=Results(row.results),
        kind=PollKind(row.kind),
        created_at=row.created_at,
        network=row.network,
        closes_at=row.closes_at,
        closed_at=row.closed_at,
        conversation_id=row.conversation_id,
        activity_id=row.activity_id,
        audience=tuple(row.audience or ()),
        lang=row.lang,
        service_url=row.service_url,
    )


async def _locked_poll(conn: AsyncConnection, poll_id: str, *, write: bool) -> Poll:
    """The poll row, locked until the transaction ends (PostgreSQL; SQLite's BEGIN IMMEDIATE already is)."""
    query = select(PollRow.__table__).where(PollRow.id == poll_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(read=not write)
    row = (await conn.execute(query)).first()
    if row is None:
        raise NotFound("polls.error.unknown")
    return _poll(row)


async def _tally(conn: AsyncConnection, poll_id: str, option_count: int) -> Tally:
    rows = await conn.execute(
        select(BallotRow.choices, func.count())
        .where(BallotRow.poll_id == poll_id)
        .group_by(BallotRow.choices)
    )
    return tally_of(option_count, ((choices_of(mask), number) for mask, number in rows))


class PollQueries(Database):
    async def create_poll(self, poll: Poll) -> bool:
        insert = insert_for(self.dialect, PollRow).on_conflict_do_nothing(index_elements=[PollRow.id])
        async with self._tx() as conn:
            result = await conn.execute(
                insert.values(
                    id=poll.id,
                    channel_id=poll.channel_id,
                    author=poll.author,
                    question=poll.question,
                    options=list(poll.options),
                    multiple=poll.multiple,
                    anonymous=poll.anonymous,
                    results=poll.results.value,
                    kind=poll.kind.value,
                    network=poll.network,
                    created_at=poll.created_at,
                    closes_at=poll.closes_at,
                    closed_at=poll.closed_at,
                    conversation_id=poll.conversation_id,
                    activity_id=poll.activity_id,
                    audience=list(poll.audience),
                    lang=poll.lang,
                    service_url=poll.service_url,
                ).returning(PollRow.id)
            )
            return result.first() is not None

    async def set_poll_message(self, poll_id: str, conversation_id: str, activity_id: str) -> None:
        async with self._tx() as conn:
            result = await conn.execute(
                update(PollRow)
                .where(PollRow.id == poll_id)
                .values(conversation_id=conversation_id, activity_id=activity_id)
            )
            if result.rowcount == 0:
                raise NotFound("polls.error.unknown")

    async def get_poll(self, poll_id: str) -> Poll | None:
        async with self._read() as conn:
            row = (await conn.execute(select(PollRow.__table__).where(PollRow.id == poll_id))).first()
        return _poll(row) if row else None

    async def cast_vote(self, poll_id: str, voter: str, choices: frozenset[int], now: datetime) -> Tally:
        if not choices:
            raise ValueError("a ballot needs at least one choice")
        async with self._tx() as conn:
            poll = await _locked_poll(conn, poll_id, write=False)
            if not poll.is_open(now):
                raise Conflict("polls.error.closed")
            if max(choices) >= len(poll.options) or (len(choices) > 1 and not poll.multiple):
                raise ValueError(f"choices {sorted(choices)} do not fit poll {poll_id}")
            stmt = insert_for(self.dialect, BallotRow).values(
                poll_id=poll_id, voter=voter, choices=mask_of(choices)
            )
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[BallotRow.poll_id, BallotRow.voter],
                    set_={"choices": stmt.excluded.choices},
                )
            )
            return await _tally(conn, poll_id, len(poll.options))

    async def ballot_of(self, poll_id: str, voter: str) -> frozenset[int]:
        async with self._read() as conn:
            mask = await conn.scalar(
                select(BallotRow.choices).where(BallotRow.poll_id == poll_id, BallotRow.voter == voter)
            )
        return choices_of(mask or 0)

    async def ballots(self, poll_id: str) -> Sequence[tuple[str, frozenset[int]]]:
        async with self._read() as conn:
            rows = await conn.execute(
                select(BallotRow.voter, BallotRow.choices).where(BallotRow.poll_id == poll_id)
            )
            return [(voter, choices_of(mask)) for voter, mask in rows]

    async def tally(self, poll_id: str) -> Tally:
        async with self._read() as conn:
            options = await conn.scalar(select(PollRow.options).where(PollRow.id == poll_id))
            if options is None:
                raise NotFound("polls.error.unknown")
            return await _tally(conn, poll_id, len(options))

    async def close_poll(self, poll_id: str, now: datetime) -> Poll:
        async with self._tx() as conn:
            poll = await _locked_poll(conn, poll_id, write=True)
            if poll.closed_at is None:
                ended = poll.ended_at(now) or now
                await conn.execute(update(PollRow).where(PollRow.id == poll_id).values(closed_at=ended))
                row = (await conn.execute(select(PollRow.__table__).where(PollRow.id == poll_id))).one()
                poll = _poll(row)
        return poll

    async def winning_themes(self, network: str, now: datetime | None = None) -> Sequence[ThemeResult]:
        now = now or utcnow()
        results: list[ThemeResult] = []
        async with self._tx() as conn:
            rows = await conn.execute(
                select(PollRow.__table__).where(
                    PollRow.network == network, PollRow.kind == PollKind.THEME.value
                )
            )
            for poll in (_poll(row) for row in rows.all()):
                ended = poll.ended_at(now)
                if ended is None:
                    continue
                tally = await _tally(conn, poll.id, len(poll.options))
                winners = tally.winners()
                results.append(
                    ThemeResult(
                        poll.id,
                        poll.question,
                        tuple(poll.options[i] for i in winners),
                        ended,
                        tuple(tally.counts[i] for i in winners),
                    )
                )
        return sorted(results, key=lambda r: r.closed_at, reverse=True)

    async def polls_past_closing(self, now: datetime, limit: int = 100) -> Sequence[Poll]:
        query = (
            select(PollRow.__table__)
            .where(PollRow.closed_at.is_(None), PollRow.closes_at.is_not(None), PollRow.closes_at <= now)
            .order_by(PollRow.closes_at)
            .limit(limit)
        )
        async with self._read() as conn:
            return [_poll(row) for row in (await conn.execute(query)).all()]

    async def claim_closing(
        self, poll_id: str, notices: Callable[[Poll, Tally], Sequence[OutgoingMessage]]
    ) -> Poll | None:
        async with self._tx() as conn:
            poll = await _locked_poll(conn, poll_id, write=True)
            if poll.closed_at is not None or poll.closes_at is None:
                return None
            await conn.execute(update(PollRow).where(PollRow.id == poll_id).values(closed_at=poll.closes_at))
            closed = replace(poll, closed_at=poll.closes_at)
            await write_outbox(conn, notices(closed, await _tally(conn, poll_id, len(poll.options))))
        return closed
