"""Polls and ballots: tables and queries (`core.polls.PollStore`).

A ballot is one row per (poll, voter) holding the chosen option indexes as a bit mask, so replacing an
answer is a single upsert on both engines and two concurrent answers of one person can never both stay.
Ballots carry no timestamp: in an anonymous poll nothing but the keyed voter hash is stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Select, String, bindparam, func, select, update
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


# The vote's statements are built once and run with parameters: building them (above all the upsert's
# `excluded` alias) was a fifth of a vote's CPU (issue 18).


@cache
def _poll_query(dialect: str, write: bool) -> Any:
    query = select(PollRow.__table__).where(PollRow.id == bindparam("poll_id"))
    return query.with_for_update(read=not write) if dialect == "postgresql" else query


@cache
def _tally_query() -> Select[int, int]:
    return (
        select(BallotRow.choices, func.count())
        .where(BallotRow.poll_id == bindparam("poll_id"))
        .group_by(BallotRow.choices)
    )


@cache
def _ballot_upsert(dialect: str) -> Any:
    insert = insert_for(dialect, BallotRow.__table__)
    return insert.on_conflict_do_update(
        index_elements=[BallotRow.poll_id, BallotRow.voter], set_={"choices": insert.excluded.choices}
    )


async def _locked_poll(conn: AsyncConnection, poll_id: str, *, write: bool) -> Poll:
    """The poll row, locked until the transaction ends (PostgreSQL; SQLite's BEGIN IMMEDIATE already is)."""
    row = (await conn.execute(_poll_query(conn.dialect.name, write), {"poll_id": poll_id})).first()
    if row is None:
        raise NotFound("polls.error.unknown")
    return _poll(row)


async def _tally(conn: AsyncConnection, poll_id: str, option_count: int) -> Tally:
    rows = await conn.execute(_tally_query(), {"poll_id": poll_id})
    return tally_of(option_count, ((choices_of(mask), number) for mask, number in rows))


MAX_VOTES = 200  # ballots of one batch


@dataclass
class _Vote:
    poll_id: str
    voter: str
    choices: frozenset[int]
    now: datetime
    done: asyncio.Future[Tally]


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

    _votes_waiting: list[_Vote] | None = None
    _votes_writer: asyncio.Task[None] | None = None

    async def cast_vote(self, poll_id: str, voter: str, choices: frozenset[int], now: datetime) -> Tally:
        """Group-committed: the votes that arrive while one batch is written go in the next, in one
        transaction that locks each poll, checks each vote against it and writes the ballots together;
        each caller gets the tally as it stands once its ballot is committed (or its own error). Under
        load a vote shares its transaction with those beside it instead of queueing for SQLite's writer."""
        if not choices:
            raise ValueError("a ballot needs at least one choice")
        vote = _Vote(poll_id, voter, choices, now, asyncio.get_running_loop().create_future())
        if self._votes_waiting is None:
            self._votes_waiting = []
        self._votes_waiting.append(vote)
        if self._votes_writer is None:
            self._votes_writer = asyncio.create_task(self._write_votes(), name="poll votes")
        return await asyncio.shield(vote.done)

    async def _write_votes(self) -> None:
        batch: list[_Vote] = []
        try:
            while self._votes_waiting:
                batch = self._votes_waiting[:MAX_VOTES]
                del self._votes_waiting[:MAX_VOTES]
                try:
                    outcomes = await self._cast_votes(batch)
                except Exception as error:  # the transaction failed: no ballot of the batch was stored
                    outcomes = [error] * len(batch)
                for vote, outcome in zip(batch, outcomes, strict=True):
                    if vote.done.done():
                        continue
                    if isinstance(outcome, BaseException):
                        vote.done.set_exception(outcome)
                    else:
                        vote.done.set_result(outcome)
                batch = []
        finally:
            self._votes_writer = None
            for vote in batch:  # cancelled itself (the loop is closing): nobody waits forever
                if not vote.done.done():
                    vote.done.cancel()

    async def _cast_votes(self, votes: list[_Vote]) -> list[Tally | Exception]:
        outcomes: list[Tally | Exception] = [ValueError("not cast")] * len(votes)
        by_poll: dict[str, list[int]] = {}
        for index, vote in enumerate(votes):
            by_poll.setdefault(vote.poll_id, []).append(index)
        async with self._tx() as conn:
            for poll_id, indexes in by_poll.items():
                try:
                    poll = await _locked_poll(conn, poll_id, write=False)
                except NotFound as error:
                    for index in indexes:
                        outcomes[index] = error
                    continue
                ballots: dict[str, dict[str, Any]] = {}  # per voter, the latest of the batch
                counted = []
                for index in indexes:
                    vote = votes[index]
                    if not poll.is_open(vote.now):
                        outcomes[index] = Conflict("polls.error.closed")
                    elif max(vote.choices) >= len(poll.options) or (
                        len(vote.choices) > 1 and not poll.multiple
                    ):
                        outcomes[index] = ValueError(
                            f"choices {sorted(vote.choices)} do not fit poll {poll_id}"
                        )
                    else:
                        ballots.pop(vote.voter, None)
                        ballots[vote.voter] = {
                            "poll_id": poll_id,
                            "voter": vote.voter,
                            "choices": mask_of(vote.choices),
                        }
                        counted.append(index)
                if not counted:
                    continue
                await conn.execute(_ballot_upsert(self.dialect), list(ballots.values()))
                tally = await _tally(conn, poll_id, len(poll.options))
                for index in counted:
                    outcomes[index] = tally
        return outcomes

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
