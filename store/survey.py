"""The needs-mapping survey and its answers: tables and queries (`core.survey.SurveyStore`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from core.delivery_reports import ReportRequest
from core.errors import Conflict, NotFound
from core.outbox import OutgoingMessage
from core.people import Person
from core.survey import Answer, Survey, SurveyStatus
from store.base import Base, UtcDateTime, insert_for, utcnow
from store.database import Database
from store.delivery_reports import write_report_request
from store.outbox import write_outbox
from store.people import PersonRow, _person
from store.teams import TeamMemberRow

OPEN_SLOT = 1


class SurveyRow(Base):
    __tablename__ = "surveys"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String)
    status: Mapped[str] = mapped_column(String)
    # 1 while open, NULL when closed: the unique constraint lets only one survey be open at a time.
    open_slot: Mapped[int | None] = mapped_column(Integer, unique=True)
    started_by: Mapped[str] = mapped_column(String)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SurveyAnswerRow(Base):
    __tablename__ = "survey_answers"

    survey_id: Mapped[str] = mapped_column(ForeignKey(SurveyRow.id, ondelete="CASCADE"), primary_key=True)
    person: Mapped[str] = mapped_column(String, primary_key=True)
    organization: Mapped[str] = mapped_column(String)
    existing: Mapped[str] = mapped_column(Text)
    needs: Mapped[list[str]] = mapped_column(JSON)
    proposal: Mapped[str] = mapped_column(Text)
    join: Mapped[bool] = mapped_column(Boolean)
    present: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime)


def _survey(row: Any) -> Survey:
    return Survey(
        id=row.id,
        team_id=row.team_id,
        status=SurveyStatus(row.status),
        started_by=row.started_by,
        started_at=row.started_at,
        closed_at=row.closed_at,
    )


def _answer(row: Any) -> Answer:
    return Answer(
        survey_id=row.survey_id,
        person=row.person,
        organization=row.organization,
        existing=row.existing,
        needs=tuple(row.needs or ()),
        proposal=row.proposal,
        join=bool(row.join),
        present=bool(row.present),
        answered_at=row.answered_at,
    )


class SurveyQueries(Database):
    async def start_survey(
        self,
        survey_id: str,
        team_id: str | None,
        started_by: str,
        notices: Sequence[OutgoingMessage] = (),
        report: ReportRequest | None = None,
    ) -> Survey:
        try:
            async with self._tx() as conn:
                await conn.execute(
                    insert_for(self.dialect, SurveyRow).values(
                        id=survey_id,
                        team_id=team_id,
                        status=SurveyStatus.OPEN.value,
                        open_slot=OPEN_SLOT,
                        started_by=started_by,
                        started_at=utcnow(),
                        closed_at=None,
                    )
                )
                await write_outbox(conn, notices)
                if report is not None:
                    await write_report_request(conn, report)
        except IntegrityError as error:
            raise Conflict("survey.error.already_open") from error
        survey = await self.get_survey(survey_id)
        assert survey is not None
        return survey

    async def open_survey(self) -> Survey | None:
        return await self._one(SurveyRow.open_slot == OPEN_SLOT)

    async def get_survey(self, survey_id: str) -> Survey | None:
        return await self._one(SurveyRow.id == survey_id)

    async def latest_survey(self) -> Survey | None:
        return await self._one(None)

    async def close_survey(self, survey_id: str) -> Survey:
        async with self._tx() as conn:
            await conn.execute(
                update(SurveyRow)
                .where(SurveyRow.id == survey_id, SurveyRow.status == SurveyStatus.OPEN.value)
                .values(status=SurveyStatus.CLOSED.value, open_slot=None, closed_at=utcnow())
            )
        survey = await self.get_survey(survey_id)
        if survey is None:
            raise NotFound("survey.error.unknown")
        return survey

    async def save_answer(self, answer: Answer) -> Answer:
        async with self._tx() as conn:
            # FOR SHARE (PostgreSQL) waits for a close being committed and then reads the closed status; a
            # close waits for this answer to commit. An answer never lands after the close committed.
            # SQLite's BEGIN IMMEDIATE (store/engine.py) serialises the two already.
            status = (
                await conn.execute(
                    select(SurveyRow.status)
                    .where(SurveyRow.id == answer.survey_id)
                    .with_for_update(read=True)
                )
            ).scalar_one_or_none()
            if status is None:
                raise NotFound("survey.error.unknown")
            if status != SurveyStatus.OPEN.value:
                raise Conflict("survey.error.closed")
            stmt = insert_for(self.dialect, SurveyAnswerRow).values(
                survey_id=answer.survey_id,
                person=answer.person,
                organization=answer.organization,
                existing=answer.existing,
                needs=list(answer.needs),
                proposal=answer.proposal,
                join=answer.join,
                present=answer.present,
                answered_at=utcnow(),
            )
            new = stmt.excluded
            columns = ("organization", "existing", "needs", "proposal", "join", "present", "answered_at")
            stmt = stmt.on_conflict_do_update(
                index_elements=[SurveyAnswerRow.survey_id, SurveyAnswerRow.person],
                set_={name: new[name] for name in columns},
            ).returning(*SurveyAnswerRow.__table__.columns)
            return _answer((await conn.execute(stmt)).one())

    async def get_answer(self, survey_id: str, person: str) -> Answer | None:
        async with self._read() as conn:
            row = (
                await conn.execute(
                    select(SurveyAnswerRow.__table__).where(
                        SurveyAnswerRow.survey_id == survey_id, SurveyAnswerRow.person == person
                    )
                )
            ).first()
        return _answer(row) if row else None

    async def list_answers(self, survey_id: str) -> Sequence[Answer]:
        async with self._read() as conn:
            rows = await conn.execute(
                select(SurveyAnswerRow.__table__)
                .where(SurveyAnswerRow.survey_id == survey_id)
                .order_by(SurveyAnswerRow.organization, SurveyAnswerRow.answered_at, SurveyAnswerRow.person)
            )
            return [_answer(row) for row in rows]

    async def headcounts(self, team_id: str | None = None) -> Mapping[str, int]:
        query = (
            select(PersonRow.organization_key, func.count())
            .where(PersonRow.organization_key.is_not(None))
            .group_by(PersonRow.organization_key)
        )
        if team_id is not None:
            query = query.join(TeamMemberRow, TeamMemberRow.person == PersonRow.aad_object_id).where(
                TeamMemberRow.team_id == team_id
            )
        async with self._read() as conn:
            return {str(key): int(count) for key, count in await conn.execute(query)}

    async def survey_recipients(self, team_id: str) -> Sequence[Person]:
        async with self._read() as conn:
            rows = await conn.execute(
                select(PersonRow.__table__)
                .join(TeamMemberRow, TeamMemberRow.person == PersonRow.aad_object_id)
                .where(TeamMemberRow.team_id == team_id)
                .order_by(PersonRow.aad_object_id)
            )
            return [_person(row) for row in rows]

    async def _one(self, condition: Any) -> Survey | None:
        query = select(SurveyRow.__table__).order_by(SurveyRow.started_at.desc(), SurveyRow.id).limit(1)
        if condition is not None:
            query = query.where(condition)
        async with self._read() as conn:
            row = (await conn.execute(query)).first()
        return _survey(row) if row else None
