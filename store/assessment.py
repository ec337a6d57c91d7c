"""Self-assessments and the questionnaire versions they were answered on (`core.assessment.AssessmentStore`),
plus reading the questionnaire file (`config/assessment.yml`).

At most one draft per person: `create_assessment` looks for one inside its transaction (SQLite has one
writer; on PostgreSQL a partial unique index on drafts makes a racing second insert fail, and the existing
draft is returned instead).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import JSON, Integer, String, Text, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapped, mapped_column

from core.assessment import Assessment, Participation, Status
from core.errors import Invalid, NotFound
from core.questionnaire import Questionnaire, parse_questionnaire
from store.base import Base, PartialIndex, UtcDateTime, table_of, utcnow
from store.database import Database

DEFAULT_QUESTIONNAIRE_FILE = Path(__file__).resolve().parents[1] / "config" / "assessment.yml"


def read_questionnaire(text: str, source: str = "<text>") -> Questionnaire:
    """The questionnaire of a YAML file; raises ValueError naming the file and the broken rule."""
    try:
        return parse_questionnaire(yaml.safe_load(text))
    except yaml.YAMLError as error:
        raise ValueError(f"{source}: not valid YAML: {error}") from error
    except Invalid as error:
        where, problem = error.params.get("where", "?"), error.params.get("problem", "?")
        raise ValueError(f"{source}: not a valid questionnaire at {where}: expected {problem}") from error


async def load_questionnaire(path: Path = DEFAULT_QUESTIONNAIRE_FILE) -> Questionnaire:
    text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    return read_questionnaire(text, str(path))


class QuestionnaireRow(Base):
    __tablename__ = "questionnaires"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AssessmentRow(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        PartialIndex("ux_assessments_one_draft", "person", unique=True, where="status = 'draft'"),
    )

    id: Mapped[str] = mapped_column(String, primary_key=True)
    person: Mapped[str] = mapped_column(String, index=True)
    questionnaire: Mapped[str] = mapped_column(String, index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String)
    answers: Mapped[dict[str, dict[str, int]]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer)
    goal: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


def _assessment(row: Any) -> Assessment:
    return Assessment(
        id=row.id,
        person=row.person,
        questionnaire=row.questionnaire,
        version=row.version,
        status=Status(row.status),
        answers={k: {s: int(v) for s, v in values.items()} for k, values in (row.answers or {}).items()},
        position=row.position,
        started_at=row.started_at,
        updated_at=row.updated_at,
        completed_at=row.completed_at,
        goal=row.goal or "",
    )


_TABLE = table_of(AssessmentRow)

_QUESTIONNAIRES = table_of(QuestionnaireRow)


class AssessmentQueries(Database):
    async def save_questionnaire(self, questionnaire_id: str, version: int, content: dict[str, Any]) -> None:
        async with self._tx() as conn:
            found = await conn.scalar(
                select(func.count())
                .select_from(QuestionnaireRow)
                .where(QuestionnaireRow.id == questionnaire_id, QuestionnaireRow.version == version)
            )
            if not found:
                await conn.execute(
                    _QUESTIONNAIRES.insert().values(
                        id=questionnaire_id, version=version, content=content, saved_at=utcnow()
                    )
                )

    async def questionnaire_content(self, questionnaire_id: str, version: int) -> dict[str, Any] | None:
        async with self._read() as conn:
            return await conn.scalar(
                select(QuestionnaireRow.content).where(
                    QuestionnaireRow.id == questionnaire_id, QuestionnaireRow.version == version
                )
            )

    @staticmethod
    async def _draft(conn: AsyncConnection, person: str) -> Assessment | None:
        row = (
            await conn.execute(
                select(_TABLE).where(_TABLE.c.person == person, _TABLE.c.status == Status.DRAFT.value)
            )
        ).first()
        return _assessment(row) if row else None

    async def draft_assessment(self, person: str) -> Assessment | None:
        async with self._read() as conn:
            return await self._draft(conn, person)

    async def create_assessment(self, assessment: Assessment) -> Assessment:
        try:
            async with self._tx() as conn:
                existing = await self._draft(conn, assessment.person)
                if existing is not None:
                    return existing
                await conn.execute(
                    _TABLE.insert().values(
                        id=assessment.id,
                        person=assessment.person,
                        questionnaire=assessment.questionnaire,
                        version=assessment.version,
                        status=assessment.status.value,
                        answers={k: dict(v) for k, v in assessment.answers.items()},
                        position=assessment.position,
                        goal=assessment.goal,
                        started_at=assessment.started_at,
                        updated_at=assessment.updated_at,
                        completed_at=assessment.completed_at,
                    )
                )
                return assessment
        except IntegrityError:  # another instance created the draft first
            found = await self.draft_assessment(assessment.person)
            if found is None:
                raise
            return found

    async def save_assessment(self, assessment: Assessment) -> Assessment:
        async with self._tx() as conn:
            result = await conn.execute(
                update(_TABLE)
                .where(_TABLE.c.id == assessment.id, _TABLE.c.person == assessment.person)
                .values(
                    status=assessment.status.value,
                    answers={k: dict(v) for k, v in assessment.answers.items()},
                    position=assessment.position,
                    goal=assessment.goal,
                    updated_at=assessment.updated_at,
                    completed_at=assessment.completed_at,
                )
            )
            if not result.rowcount:
                raise NotFound("assessment.error.not_found")
        return assessment

    async def assessments_of(self, person: str) -> Sequence[Assessment]:
        async with self._read() as conn:
            rows = await conn.execute(
                select(_TABLE)
                .where(_TABLE.c.person == person)
                .order_by(_TABLE.c.started_at.desc(), _TABLE.c.id)
            )
            found = [_assessment(row) for row in rows]
        # newest first by completion (drafts, still open, first of all)
        return sorted(
            found, key=lambda a: (a.completed_at is not None, -(a.completed_at or a.started_at).timestamp())
        )

    async def completed_assessments(self, questionnaire_id: str) -> Sequence[Assessment]:
        async with self._read() as conn:
            rows = await conn.execute(
                select(_TABLE)
                .where(_TABLE.c.questionnaire == questionnaire_id, _TABLE.c.status == Status.DONE.value)
                .order_by(_TABLE.c.person, _TABLE.c.completed_at.desc())
            )
            latest: dict[str, Assessment] = {}
            for row in rows:
                latest.setdefault(row.person, _assessment(row))
        return list(latest.values())

    async def assessment_participation(self, questionnaire_id: str) -> Participation:
        async with self._read() as conn:
            rows = (
                await conn.execute(
                    select(AssessmentRow.person, AssessmentRow.status, func.count())
                    .where(AssessmentRow.questionnaire == questionnaire_id)
                    .group_by(AssessmentRow.person, AssessmentRow.status)
                )
            ).all()
        people = {person for person, _, _ in rows}
        done = {person: count for person, status, count in rows if status == Status.DONE.value}
        drafts = {person for person, status, _ in rows if status == Status.DRAFT.value}
        return Participation(
            started=len(people),
            completed=len(done),
            repeated=sum(1 for count in done.values() if count >= 2),
            drafts=len(drafts),
        )

    async def erase_assessments(self, person: str) -> int:
        async with self._tx() as conn:
            result = await conn.execute(delete(_TABLE).where(_TABLE.c.person == person))
            return result.rowcount or 0
