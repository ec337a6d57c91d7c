"""Meetings, their presenters, attendees, small groups and answers: tables and queries
(`core.meetings.MeetingRecords`).

Presenters get their own table so "meetings I present" is an indexed join on both engines. The plan carries
a version: a save names the version it was based on and loses (Conflict) when another presenter saved first.
`claim_reminder` flips `reminded_at` and writes the outbox rows in one transaction, so of two service
instances only one queues the reminders (and the outbox keys would drop a second copy anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapped, mapped_column

from core.errors import Conflict, NotFound
from core.meetings import Contribution, GroupAnswer, Meeting, Plan, Reach
from core.outbox import OutgoingMessage
from store.base import Base, UtcDateTime, insert_for, table_of, utcnow
from store.database import Database
from store.outbox import write_outbox

RECENT = timedelta(days=90)


class MeetingRow(Base):
    __tablename__ = "meetings"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    network_key: Mapped[str] = mapped_column(String, index=True)
    theme: Mapped[str] = mapped_column(String)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    facilitator: Mapped[str | None] = mapped_column(String)
    description: Mapped[str] = mapped_column(Text)
    agenda: Mapped[list[str]] = mapped_column(JSON)
    questions: Mapped[list[str]] = mapped_column(JSON)
    contributions: Mapped[list[list[str]]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)
    announcement_conversation: Mapped[str | None] = mapped_column(String)
    announcement_id: Mapped[str | None] = mapped_column(String)
    service_url: Mapped[str] = mapped_column(String)
    tenant_id: Mapped[str | None] = mapped_column(String)
    bot_id: Mapped[str | None] = mapped_column(String)
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MeetingPresenterRow(Base):
    __tablename__ = "meeting_presenters"

    meeting_id: Mapped[str] = mapped_column(
        String, ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    person: Mapped[str] = mapped_column(String, primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)


class MeetingAttendeeRow(Base):
    __tablename__ = "meeting_attendees"

    meeting_id: Mapped[str] = mapped_column(
        String, ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    person: Mapped[str] = mapped_column(String, primary_key=True)


class MeetingGroupRow(Base):
    """One person's small group in a meeting, and the answers they sent for it (None until they do)."""

    __tablename__ = "meeting_groups"

    meeting_id: Mapped[str] = mapped_column(
        String, ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    person: Mapped[str] = mapped_column(String, primary_key=True)
    group_no: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    answers: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))


_ATTENDEES = (
    select(func.count())
    .where(MeetingAttendeeRow.meeting_id == MeetingRow.id)
    .correlate(MeetingRow)
    .scalar_subquery()
    .label("attendee_count")
)


def _meeting(row: Any, presenters: Sequence[str]) -> Meeting:
    return Meeting(
        id=row.id,
        network_key=row.network_key,
        theme=row.theme,
        starts_at=row.starts_at,
        presenters=tuple(presenters),
        facilitator=row.facilitator,
        description=row.description,
        agenda=tuple(row.agenda or ()),
        questions=tuple(row.questions or ()),
        contributions=tuple(Contribution(p, w) for p, w in row.contributions or ()),
        attendees=row.attendee_count or 0,
        announcement_id=row.announcement_id,
        version=row.version,
        created_at=row.created_at,
    )


async def _load(conn: AsyncConnection, where: Any, order_newest: bool = True) -> list[Meeting]:
    query = select(MeetingRow.__table__, _ATTENDEES).where(where)
    if order_newest:
        query = query.order_by(MeetingRow.starts_at.desc(), MeetingRow.id)
    rows = (await conn.execute(query)).all()
    if not rows:
        return []
    ids = [row.id for row in rows]
    presenters: dict[str, list[str]] = {i: [] for i in ids}
    found = await conn.execute(
        select(MeetingPresenterRow.meeting_id, MeetingPresenterRow.person)
        .where(MeetingPresenterRow.meeting_id.in_(ids))
        .order_by(MeetingPresenterRow.meeting_id, MeetingPresenterRow.position)
    )
    for meeting_id, person in found:
        presenters[meeting_id].append(person)
    return [_meeting(row, presenters[row.id]) for row in rows]


class MeetingQueries(Database):
    async def create_meeting(self, meeting: Meeting, reach: Reach) -> bool:
        insert = insert_for(self.dialect, MeetingRow).on_conflict_do_nothing(index_elements=[MeetingRow.id])
        async with self._tx() as conn:
            created = await conn.execute(
                insert.values(
                    id=meeting.id,
                    network_key=meeting.network_key,
                    theme=meeting.theme,
                    starts_at=meeting.starts_at,
                    facilitator=meeting.facilitator,
                    description=meeting.description,
                    agenda=list(meeting.agenda),
                    questions=list(meeting.questions),
                    contributions=[[c.person, c.what] for c in meeting.contributions],
                    version=meeting.version,
                    announcement_conversation=None,
                    announcement_id=meeting.announcement_id,
                    service_url=reach.service_url,
                    tenant_id=reach.tenant_id,
                    bot_id=reach.bot_id,
                    reminded_at=None,
                    created_at=meeting.created_at or utcnow(),
                ).returning(MeetingRow.id)
            )
            if created.first() is None:  # the same form, submitted twice
                return False
            await conn.execute(
                table_of(MeetingPresenterRow).insert(),
                [
                    {"meeting_id": meeting.id, "person": person, "position": index}
                    for index, person in enumerate(meeting.presenters)
                ],
            )
        return True

    async def get_meeting(self, meeting_id: str) -> Meeting | None:
        async with self._tx() as conn:
            found = await _load(conn, MeetingRow.id == meeting_id)
        return found[0] if found else None

    async def meetings_of_network(self, network_key: str) -> Sequence[Meeting]:
        async with self._tx() as conn:
            return await _load(conn, MeetingRow.network_key == network_key)

    async def meetings_of_presenter(self, aad_object_id: str) -> Sequence[Meeting]:
        mine = select(MeetingPresenterRow.meeting_id).where(MeetingPresenterRow.person == aad_object_id)
        async with self._tx() as conn:
            return await _load(conn, MeetingRow.id.in_(mine) & (MeetingRow.starts_at >= utcnow() - RECENT))

    async def update_plan(self, meeting_id: str, plan: Plan, version: int) -> Meeting:
        async with self._tx() as conn:
            result = await conn.execute(
                update(MeetingRow)
                .where(MeetingRow.id == meeting_id, MeetingRow.version == version)
                .values(
                    agenda=list(plan.agenda),
                    questions=list(plan.questions),
                    contributions=[[c.person, c.what] for c in plan.contributions],
                    version=MeetingRow.version + 1,
                )
            )
            found = await _load(conn, MeetingRow.id == meeting_id)
            if not found:
                raise NotFound("meetings.error.unknown")
            if result.rowcount == 0:
                raise Conflict("meetings.error.plan_changed")
            return found[0]

    async def set_announcement(self, meeting_id: str, conversation_id: str, activity_id: str) -> None:
        async with self._tx() as conn:
            result = await conn.execute(
                update(MeetingRow)
                .where(MeetingRow.id == meeting_id)
                .values(announcement_conversation=conversation_id, announcement_id=activity_id)
            )
            if result.rowcount == 0:
                raise NotFound("meetings.error.unknown")

    async def announcement_of(self, meeting_id: str) -> tuple[str, str] | None:
        async with self._tx() as conn:
            row = (
                await conn.execute(
                    select(MeetingRow.announcement_conversation, MeetingRow.announcement_id).where(
                        MeetingRow.id == meeting_id
                    )
                )
            ).first()
        if row is None or not row[0] or not row[1]:
            return None
        return row[0], row[1]

    async def attend(self, meeting_id: str, aad_object_id: str) -> tuple[int, bool]:
        async with self._tx() as conn:
            if await conn.scalar(select(MeetingRow.id).where(MeetingRow.id == meeting_id)) is None:
                raise NotFound("meetings.error.unknown")
            result = await conn.execute(
                insert_for(self.dialect, MeetingAttendeeRow)
                .values(meeting_id=meeting_id, person=aad_object_id)
                .on_conflict_do_nothing()
            )
            count = await conn.scalar(select(func.count()).where(MeetingAttendeeRow.meeting_id == meeting_id))
        return int(count or 0), bool(result.rowcount)

    async def attendees(self, meeting_id: str) -> Sequence[str]:
        async with self._tx() as conn:
            rows = await conn.scalars(
                select(MeetingAttendeeRow.person)
                .where(MeetingAttendeeRow.meeting_id == meeting_id)
                .order_by(MeetingAttendeeRow.person)
            )
            return list(rows)

    async def meetings_to_remind(self, now: datetime, within: timedelta) -> Sequence[tuple[Meeting, Reach]]:
        where = (
            MeetingRow.reminded_at.is_(None)
            & (MeetingRow.starts_at > now)
            & (MeetingRow.starts_at <= now + within)
        )
        async with self._tx() as conn:
            meetings = await _load(conn, where, order_newest=False)
            reach = {
                row.id: Reach(row.service_url, row.tenant_id, row.bot_id)
                for row in await conn.execute(
                    select(
                        MeetingRow.id, MeetingRow.service_url, MeetingRow.tenant_id, MeetingRow.bot_id
                    ).where(where)
                )
            }
        return [(m, reach[m.id]) for m in meetings if m.id in reach]

    async def claim_reminder(
        self, meeting_id: str, now: datetime, messages: Sequence[OutgoingMessage]
    ) -> int:
        async with self._tx() as conn:
            result = await conn.execute(
                update(MeetingRow)
                .where(MeetingRow.id == meeting_id, MeetingRow.reminded_at.is_(None))
                .values(reminded_at=now)
            )
            if result.rowcount == 0:
                return 0
            return await write_outbox(conn, messages)

    async def save_groups(self, meeting_id: str, groups: Sequence[Sequence[str]]) -> None:
        rows = [
            {
                "meeting_id": meeting_id,
                "person": person,
                "group_no": number,
                "position": index,
                "answers": None,
            }
            for number, members in enumerate(groups, start=1)
            for index, person in enumerate(members)
        ]
        async with self._tx() as conn:
            if await conn.scalar(select(MeetingRow.id).where(MeetingRow.id == meeting_id)) is None:
                raise NotFound("meetings.error.unknown")
            await conn.execute(delete(MeetingGroupRow).where(MeetingGroupRow.meeting_id == meeting_id))
            if rows:
                await conn.execute(table_of(MeetingGroupRow).insert(), rows)

    async def groups_of(self, meeting_id: str) -> Sequence[Sequence[str]]:
        async with self._tx() as conn:
            rows = await conn.execute(
                select(MeetingGroupRow.group_no, MeetingGroupRow.person)
                .where(MeetingGroupRow.meeting_id == meeting_id)
                .order_by(MeetingGroupRow.group_no, MeetingGroupRow.position)
            )
            groups: dict[int, list[str]] = {}
            for number, person in rows:
                groups.setdefault(number, []).append(person)
        return [groups[n] for n in sorted(groups)]

    async def save_group_answer(
        self, meeting_id: str, group: int, person: str, answers: Sequence[str]
    ) -> None:
        async with self._tx() as conn:
            result = await conn.execute(
                update(MeetingGroupRow)
                .where(
                    MeetingGroupRow.meeting_id == meeting_id,
                    MeetingGroupRow.person == person,
                    MeetingGroupRow.group_no == group,
                )
                .values(answers=list(answers))
            )
            if result.rowcount == 0:
                raise NotFound("meetings.error.not_in_group")

    async def group_answers(self, meeting_id: str) -> Sequence[GroupAnswer]:
        async with self._tx() as conn:
            rows = await conn.execute(
                select(MeetingGroupRow.group_no, MeetingGroupRow.person, MeetingGroupRow.answers)
                .where(MeetingGroupRow.meeting_id == meeting_id, MeetingGroupRow.answers.is_not(None))
                .order_by(MeetingGroupRow.group_no, MeetingGroupRow.position)
            )
            return [GroupAnswer(n, p, tuple(a or ())) for n, p, a in rows]
