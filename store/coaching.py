"""Peer coaching: profiles, coaching leads, rounds with their groups, check-ins
(`core.coaching_rounds.RoundStore`).

Group members get their own table (indexed by person) so "the rounds someone was in" is a join on both
engines. State changes that notify people (confirming a round, the follow-ups, a group chat created) flip
their mark with a guarded UPDATE and write the outbox rows in the same transaction: of two instances racing,
only one queues anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    and_,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapped, mapped_column

from core.coaching import Method, PoolStatus, Profile, Role
from core.coaching_match import Reason
from core.coaching_rounds import (
    REMINDER_AFTER,
    ChatState,
    CheckIn,
    Decision,
    Round,
    RoundGroup,
    RoundSpec,
    RoundStatus,
)
from core.errors import Conflict, NotFound
from core.meetings import Reach
from core.outbox import OutgoingMessage
from core.people import Organization
from store.base import Base, UtcDateTime, insert_for, table_of, utcnow
from store.database import Database
from store.outbox import write_outbox
from store.people import OrganizationRow, save_organizations


class CoachingProfileRow(Base):
    __tablename__ = "coaching_profiles"

    person: Mapped[str] = mapped_column(String, primary_key=True)
    organization_key: Mapped[str | None] = mapped_column(
        ForeignKey(OrganizationRow.key, ondelete="SET NULL"), index=True
    )
    role: Mapped[str] = mapped_column(String)
    themes: Mapped[list[str]] = mapped_column(JSON)
    methods: Mapped[list[str]] = mapped_column(JSON)
    languages: Mapped[list[str]] = mapped_column(JSON)
    sizes: Mapped[list[int]] = mapped_column(JSON)
    allow_same_organization: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String)
    paused_until: Mapped[date | None] = mapped_column(Date)
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CoachingLeadRow(Base):
    __tablename__ = "coaching_leads"

    person: Mapped[str] = mapped_column(String, primary_key=True)
    named_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CoachingRoundRow(Base):
    __tablename__ = "coaching_rounds"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    theme: Mapped[str | None] = mapped_column(String)
    history_window: Mapped[int | None] = mapped_column(Integer)
    followup_weeks: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String, index=True)
    created_by: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    unmatched: Mapped[list[list[str]]] = mapped_column(JSON)
    pool: Mapped[int] = mapped_column(Integer)
    service_url: Mapped[str] = mapped_column(String)
    tenant_id: Mapped[str | None] = mapped_column(String)
    bot_id: Mapped[str | None] = mapped_column(String)
    confirmed_by: Mapped[str | None] = mapped_column(String)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    checkin_due: Mapped[datetime | None] = mapped_column(UtcDateTime)
    checkins_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reminders_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CoachingGroupRow(Base):
    __tablename__ = "coaching_groups"

    round_id: Mapped[str] = mapped_column(
        String, ForeignKey("coaching_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String)
    themes: Mapped[list[str]] = mapped_column(JSON)
    repeats: Mapped[list[list[str]]] = mapped_column(JSON)
    same_organization: Mapped[list[list[str]]] = mapped_column(JSON)
    chat_state: Mapped[str] = mapped_column(String, index=True)
    chat_id: Mapped[str | None] = mapped_column(String)


class CoachingMemberRow(Base):
    __tablename__ = "coaching_members"

    round_id: Mapped[str] = mapped_column(
        String, ForeignKey("coaching_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    person: Mapped[str] = mapped_column(String, primary_key=True, index=True)
    number: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)


class CoachingCheckInRow(Base):
    __tablename__ = "coaching_checkins"

    round_id: Mapped[str] = mapped_column(
        String, ForeignKey("coaching_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    person: Mapped[str] = mapped_column(String, primary_key=True)
    met: Mapped[bool] = mapped_column(Boolean)
    method: Mapped[str | None] = mapped_column(String)
    learned: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime)


def _profile(row: Any) -> Profile:
    return Profile(
        person=row.person,
        organization=row.organization_key,
        role=Role(row.role),
        themes=tuple(row.themes),
        methods=tuple(Method(m) for m in row.methods),
        languages=tuple(row.languages),
        sizes=tuple(int(s) for s in row.sizes),
        allow_same_organization=row.allow_same_organization,
        status=PoolStatus(row.status),
        paused_until=row.paused_until,
        joined_at=row.joined_at,
        updated_at=row.updated_at,
    )


def _pairs(raw: Sequence[Sequence[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((str(a), str(b)) for a, b in raw)


def _round(row: Any, groups: Sequence[Any], members: Sequence[Any]) -> Round:
    people: dict[int, list[tuple[int, str]]] = {}
    for member in members:
        people.setdefault(member.number, []).append((member.position, member.person))
    return Round(
        id=row.id,
        spec=RoundSpec(row.size, row.theme, row.history_window, row.followup_weeks),
        status=RoundStatus(row.status),
        created_by=row.created_by,
        created_at=row.created_at,
        groups=tuple(
            RoundGroup(
                number=g.number,
                members=tuple(p for _, p in sorted(people.get(g.number, []))),
                method=Method(g.method),
                themes=tuple(g.themes),
                repeats=_pairs(g.repeats),
                same_organization=_pairs(g.same_organization),
                chat=ChatState(g.chat_state),
                chat_id=g.chat_id,
            )
            for g in sorted(groups, key=lambda g: g.number)
        ),
        unmatched=tuple((str(p), Reason(r)) for p, r in row.unmatched),
        reach=Reach(row.service_url, row.tenant_id, row.bot_id),
        pool=row.pool,
        confirmed_at=row.confirmed_at,
        confirmed_by=row.confirmed_by,
        checkin_due=row.checkin_due,
        checkins_sent_at=row.checkins_sent_at,
        reminders_sent_at=row.reminders_sent_at,
    )


async def _load_rounds(conn: AsyncConnection, where: Any, newest: Any) -> list[Round]:
    rows = list(await conn.execute(select(CoachingRoundRow.__table__).where(where).order_by(newest)))
    if not rows:
        return []
    ids = [r.id for r in rows]
    groups: dict[str, list[Any]] = {}
    members: dict[str, list[Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for g in await conn.execute(
            select(CoachingGroupRow.__table__).where(CoachingGroupRow.round_id.in_(chunk))
        ):
            groups.setdefault(g.round_id, []).append(g)
        for m in await conn.execute(
            select(CoachingMemberRow.__table__).where(CoachingMemberRow.round_id.in_(chunk))
        ):
            members.setdefault(m.round_id, []).append(m)
    return [_round(r, groups.get(r.id, []), members.get(r.id, [])) for r in rows]


def _checkin(row: Any) -> CheckIn:
    return CheckIn(
        round_id=row.round_id,
        person=row.person,
        met=row.met,
        method=Method(row.method) if row.method else None,
        learned=row.learned,
        decision=Decision(row.decision),
        answered_at=row.answered_at,
    )


class CoachingQueries(Database):
    # profiles and leads

    async def get_profile(self, person: str) -> Profile | None:
        async with self._read() as conn:
            row = (
                await conn.execute(
                    select(CoachingProfileRow.__table__).where(CoachingProfileRow.person == person)
                )
            ).first()
        return _profile(row) if row else None

    async def save_profile(self, profile: Profile) -> Profile:
        now = utcnow()
        values = {
            "person": profile.person,
            "organization_key": profile.organization,
            "role": profile.role.value,
            "themes": list(profile.themes),
            "methods": [m.value for m in profile.methods],
            "languages": list(profile.languages),
            "sizes": list(profile.sizes),
            "allow_same_organization": profile.allow_same_organization,
            "status": profile.status.value,
            "paused_until": profile.paused_until,
            "joined_at": now,
            "updated_at": now,
        }
        async with self._tx() as conn:
            stmt = insert_for(conn.dialect.name, CoachingProfileRow).values(values)
            changed = {k: stmt.excluded[k] for k in values if k not in ("person", "joined_at")}
            row = (
                await conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=[CoachingProfileRow.person], set_=changed
                    ).returning(*CoachingProfileRow.__table__.c)
                )
            ).one()
        return _profile(row)

    async def list_profiles(self) -> Sequence[Profile]:
        async with self._read() as conn:
            rows = await conn.execute(
                select(CoachingProfileRow.__table__).order_by(CoachingProfileRow.person)
            )
            return [_profile(r) for r in rows]

    async def coaching_leads(self) -> Sequence[str]:
        async with self._read() as conn:
            return list(await conn.scalars(select(CoachingLeadRow.person).order_by(CoachingLeadRow.person)))

    async def set_coaching_lead(self, person: str, lead: bool) -> None:
        key = person.casefold()
        async with self._tx() as conn:
            if lead:
                stmt = insert_for(conn.dialect.name, CoachingLeadRow).values(person=key, named_at=utcnow())
                await conn.execute(stmt.on_conflict_do_nothing(index_elements=[CoachingLeadRow.person]))
            else:
                await conn.execute(delete(CoachingLeadRow).where(CoachingLeadRow.person == key))

    async def add_organizations(self, organizations: Sequence[Organization]) -> Sequence[Organization]:
        async with self._tx() as conn:
            return await save_organizations(conn, organizations)

    # rounds

    async def save_proposal(self, proposal: Round) -> Round:
        async with self._tx() as conn:
            await conn.execute(
                update(CoachingRoundRow)
                .where(CoachingRoundRow.status == RoundStatus.PROPOSED.value)
                .values(status=RoundStatus.CANCELLED.value)
            )
            await conn.execute(
                table_of(CoachingRoundRow)
                .insert()
                .values(
                    id=proposal.id,
                    size=proposal.spec.size,
                    theme=proposal.spec.theme,
                    history_window=proposal.spec.window,
                    followup_weeks=proposal.spec.followup_weeks,
                    status=proposal.status.value,
                    created_by=proposal.created_by,
                    created_at=proposal.created_at,
                    unmatched=[[p, r.value] for p, r in proposal.unmatched],
                    pool=proposal.pool,
                    service_url=proposal.reach.service_url,
                    tenant_id=proposal.reach.tenant_id,
                    bot_id=proposal.reach.bot_id,
                )
            )
            groups = [
                {
                    "round_id": proposal.id,
                    "number": g.number,
                    "method": g.method.value,
                    "themes": list(g.themes),
                    "repeats": [list(p) for p in g.repeats],
                    "same_organization": [list(p) for p in g.same_organization],
                    "chat_state": g.chat.value,
                    "chat_id": g.chat_id,
                }
                for g in proposal.groups
            ]
            members = [
                {"round_id": proposal.id, "person": m, "number": g.number, "position": i}
                for g in proposal.groups
                for i, m in enumerate(g.members)
            ]
            for table, rows in ((CoachingGroupRow, groups), (CoachingMemberRow, members)):
                for start in range(0, len(rows), 500):
                    await conn.execute(table_of(table).insert(), rows[start : start + 500])
        return proposal

    async def get_round(self, round_id: str) -> Round | None:
        async with self._read() as conn:
            found = await _load_rounds(conn, CoachingRoundRow.id == round_id, CoachingRoundRow.created_at)
        return found[0] if found else None

    async def proposal(self) -> Round | None:
        async with self._read() as conn:
            found = await _load_rounds(
                conn,
                CoachingRoundRow.status == RoundStatus.PROPOSED.value,
                CoachingRoundRow.created_at.desc(),
            )
        return found[0] if found else None

    async def confirmed_rounds(self) -> Sequence[Round]:
        async with self._read() as conn:
            return await _load_rounds(
                conn,
                CoachingRoundRow.status == RoundStatus.CONFIRMED.value,
                CoachingRoundRow.confirmed_at.desc(),
            )

    async def confirm_round(
        self,
        round_id: str,
        by: str,
        now: datetime,
        checkin_due: datetime,
        messages: Sequence[OutgoingMessage],
        *,
        chats: bool,
    ) -> Round:
        async with self._tx() as conn:
            result = await conn.execute(
                update(CoachingRoundRow)
                .where(CoachingRoundRow.id == round_id, CoachingRoundRow.status == RoundStatus.PROPOSED.value)
                .values(
                    status=RoundStatus.CONFIRMED.value,
                    confirmed_by=by,
                    confirmed_at=now,
                    checkin_due=checkin_due,
                )
            )
            if result.rowcount == 0:
                status = await conn.scalar(
                    select(CoachingRoundRow.status).where(CoachingRoundRow.id == round_id)
                )
                if status is None:
                    raise NotFound("coaching.error.unknown_round")
                raise Conflict(f"coaching.error.round_{status}")
            if chats:
                await conn.execute(
                    update(CoachingGroupRow)
                    .where(CoachingGroupRow.round_id == round_id)
                    .values(chat_state=ChatState.PENDING.value)
                )
            await write_outbox(conn, messages)
            found = await _load_rounds(conn, CoachingRoundRow.id == round_id, CoachingRoundRow.created_at)
        return found[0]

    async def cancel_round(self, round_id: str) -> Round:
        async with self._tx() as conn:
            result = await conn.execute(
                update(CoachingRoundRow)
                .where(CoachingRoundRow.id == round_id, CoachingRoundRow.status == RoundStatus.PROPOSED.value)
                .values(status=RoundStatus.CANCELLED.value)
            )
            if result.rowcount == 0:
                status = await conn.scalar(
                    select(CoachingRoundRow.status).where(CoachingRoundRow.id == round_id)
                )
                if status is None:
                    raise NotFound("coaching.error.unknown_round")
                if status == RoundStatus.CONFIRMED.value:
                    raise Conflict("coaching.error.round_confirmed")
            found = await _load_rounds(conn, CoachingRoundRow.id == round_id, CoachingRoundRow.created_at)
        return found[0]

    # check-ins and follow-ups

    async def save_checkin(self, checkin: CheckIn) -> CheckIn:
        values = {
            "round_id": checkin.round_id,
            "person": checkin.person,
            "met": checkin.met,
            "method": checkin.method.value if checkin.method else None,
            "learned": checkin.learned,
            "decision": checkin.decision.value,
            "answered_at": checkin.answered_at or utcnow(),
        }
        async with self._tx() as conn:
            stmt = insert_for(conn.dialect.name, CoachingCheckInRow).values(values)
            changed = {k: stmt.excluded[k] for k in values if k not in ("round_id", "person")}
            row = (
                await conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=[CoachingCheckInRow.round_id, CoachingCheckInRow.person], set_=changed
                    ).returning(*CoachingCheckInRow.__table__.c)
                )
            ).one()
        return _checkin(row)

    async def checkins(self, round_id: str | None = None) -> Sequence[CheckIn]:
        query = select(CoachingCheckInRow.__table__).order_by(
            CoachingCheckInRow.round_id, CoachingCheckInRow.person
        )
        if round_id is not None:
            query = query.where(CoachingCheckInRow.round_id == round_id)
        async with self._read() as conn:
            return [_checkin(r) for r in await conn.execute(query)]

    async def rounds_to_follow_up(self, now: datetime) -> Sequence[Round]:
        where = and_(
            CoachingRoundRow.status == RoundStatus.CONFIRMED.value,
            or_(
                and_(CoachingRoundRow.checkins_sent_at.is_(None), CoachingRoundRow.checkin_due <= now),
                and_(
                    CoachingRoundRow.checkins_sent_at <= now - REMINDER_AFTER,
                    CoachingRoundRow.reminders_sent_at.is_(None),
                ),
            ),
        )
        async with self._read() as conn:
            return await _load_rounds(conn, where, CoachingRoundRow.confirmed_at)

    async def claim_followup(
        self, round_id: str, now: datetime, messages: Sequence[OutgoingMessage], *, reminder: bool
    ) -> int:
        column = CoachingRoundRow.reminders_sent_at if reminder else CoachingRoundRow.checkins_sent_at
        async with self._tx() as conn:
            result = await conn.execute(
                update(CoachingRoundRow)
                .where(CoachingRoundRow.id == round_id, column.is_(None))
                .values({column.key: now})
            )
            if result.rowcount == 0:
                return 0
            return await write_outbox(conn, messages)

    # Graph group chats

    async def pending_chats(self, limit: int) -> Sequence[tuple[Round, RoundGroup]]:
        async with self._read() as conn:
            ids = list(
                await conn.scalars(
                    select(CoachingGroupRow.round_id)
                    .where(CoachingGroupRow.chat_state == ChatState.PENDING.value)
                    .distinct()
                )
            )
            rounds = await _load_rounds(conn, CoachingRoundRow.id.in_(ids), CoachingRoundRow.confirmed_at)
        pending = [(r, g) for r in rounds for g in r.groups if g.chat is ChatState.PENDING]
        return pending[:limit]

    async def record_chat(
        self,
        round_id: str,
        number: int,
        state: ChatState,
        chat_id: str | None,
        messages: Sequence[OutgoingMessage] = (),
    ) -> None:
        async with self._tx() as conn:
            await conn.execute(
                update(CoachingGroupRow)
                .where(CoachingGroupRow.round_id == round_id, CoachingGroupRow.number == number)
                .values(chat_state=state.value, chat_id=chat_id)
            )
            await write_outbox(conn, messages)
