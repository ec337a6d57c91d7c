"""Badge classes, awards (their signed credentials and revocation) and the published public keys
(`core.badges.BadgeStore`), plus reading the built-in classes (`config/badges.yml`).

An award's status index is unique (its bit in the revocation list), and (class, person) is unique so a
badge is given once; after erasure `person` is NULL, which the unique constraint allows many times.
The facts automatic rules count are read from the meetings and assessments tables.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import (
    JSON,
    Boolean,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
    union,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapped, mapped_column

from core.assessment import Status
from core.badges import Award, BadgeClass, Counts, Facts, Rule, validate_class
from core.errors import Conflict, Invalid, NotFound
from store.assessment import AssessmentRow
from store.base import Base, UtcDateTime, insert_for, table_of, utcnow
from store.coaching import CoachingCheckInRow
from store.database import Database
from store.meetings import MeetingAttendeeRow, MeetingPresenterRow, MeetingRow

DEFAULT_BADGES_FILE = Path(__file__).resolve().parents[1] / "config" / "badges.yml"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str
    rule: Rule
    threshold: int = Field(1, ge=1)
    color: str = "teal"
    emblem: str = "star"
    valid_months: int | None = None
    name_fi: str
    name_en: str
    description_fi: str
    description_en: str
    criteria_fi: str
    criteria_en: str


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    badges: list[_Entry]


def parse_badge_classes(text: str, source: str = "<text>") -> list[BadgeClass]:
    try:
        entries = _File.model_validate(yaml.safe_load(text)).badges
        return [validate_class(BadgeClass(**e.model_dump(), builtin=True)) for e in entries]
    except (yaml.YAMLError, ValidationError) as error:
        raise ValueError(f"{source}: not a valid badge file: {error}") from error
    except Invalid as error:
        raise ValueError(f"{source}: not a valid badge file: {error.key} {error.params}") from error


async def load_badge_classes(path: Path = DEFAULT_BADGES_FILE) -> list[BadgeClass]:
    text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    return parse_badge_classes(text, str(path))


class BadgeClassRow(Base):
    __tablename__ = "badge_classes"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    name_fi: Mapped[str] = mapped_column(String)
    name_en: Mapped[str] = mapped_column(String)
    description_fi: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    criteria_fi: Mapped[str] = mapped_column(Text)
    criteria_en: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String)
    threshold: Mapped[int] = mapped_column(Integer)
    color: Mapped[str] = mapped_column(String)
    emblem: Mapped[str] = mapped_column(String)
    valid_months: Mapped[int | None] = mapped_column(Integer)
    builtin: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class BadgeAwardRow(Base):
    __tablename__ = "badge_awards"
    __table_args__ = (UniqueConstraint("class_key", "person", name="uq_badge_awards_class_person"),)

    id: Mapped[str] = mapped_column(String, primary_key=True)
    class_key: Mapped[str] = mapped_column(String, index=True)
    person: Mapped[str | None] = mapped_column(String, index=True)
    organization: Mapped[str | None] = mapped_column(String)
    status_index: Mapped[int] = mapped_column(Integer, unique=True)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    jws: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String)
    awarded_by: Mapped[str | None] = mapped_column(String)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_reason: Mapped[str] = mapped_column(Text)


class BadgeKeyRow(Base):
    __tablename__ = "badge_keys"

    kid: Mapped[str] = mapped_column(String, primary_key=True)
    jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


_CLASS_FIELDS = (
    "name_fi",
    "name_en",
    "description_fi",
    "description_en",
    "criteria_fi",
    "criteria_en",
    "rule",
    "threshold",
    "color",
    "emblem",
    "valid_months",
    "builtin",
    "active",
)


def _class(row: Any) -> BadgeClass:
    return BadgeClass(
        key=row.key, **{f: getattr(row, f) for f in _CLASS_FIELDS if f != "rule"}, rule=Rule(row.rule)
    )


def _class_values(badge: BadgeClass) -> dict[str, Any]:
    values = {f: getattr(badge, f) for f in _CLASS_FIELDS}
    values["rule"] = badge.rule.value
    return {"key": badge.key, **values, "updated_at": utcnow()}


def _award(row: Any) -> Award:
    return Award(
        id=row.id,
        class_key=row.class_key,
        person=row.person,
        organization=row.organization,
        status_index=row.status_index,
        issued_at=row.issued_at,
        valid_until=row.valid_until,
        jws=row.jws,
        locale=row.locale,
        awarded_by=row.awarded_by,
        revoked_at=row.revoked_at,
        revoked_reason=row.revoked_reason or "",
    )


_AWARDS = table_of(BadgeAwardRow)
_CLASSES = table_of(BadgeClassRow)
_KEYS = table_of(BadgeKeyRow)


async def seed_badge_classes(conn: AsyncConnection, dialect: str, classes: Sequence[BadgeClass]) -> int:
    """Insert the built-in classes whose key is new (at start, in the migration's transaction)."""
    added = 0
    for badge in classes:
        statement = insert_for(dialect, _CLASSES).values(_class_values(badge))
        result = await conn.execute(statement.on_conflict_do_nothing(index_elements=["key"]))
        added += result.rowcount or 0
    return added


class BadgeQueries(Database):
    async def seed_badge_classes(self, classes: Sequence[BadgeClass]) -> int:
        async with self._tx() as conn:
            return await seed_badge_classes(conn, self.dialect, classes)

    async def list_badge_classes(self) -> Sequence[BadgeClass]:
        async with self._read() as conn:
            rows = await conn.execute(
                select(_CLASSES).order_by(_CLASSES.c.builtin.desc(), _CLASSES.c.name_fi)
            )
            return [_class(row) for row in rows]

    async def get_badge_class(self, key: str) -> BadgeClass | None:
        async with self._read() as conn:
            row = (await conn.execute(select(_CLASSES).where(_CLASSES.c.key == key))).first()
            return _class(row) if row else None

    async def save_badge_class(self, badge: BadgeClass) -> BadgeClass:
        values = _class_values(badge)
        async with self._tx() as conn:
            statement = insert_for(self.dialect, _CLASSES).values(values)
            statement = statement.on_conflict_do_update(
                index_elements=["key"], set_={k: v for k, v in values.items() if k != "key"}
            )
            await conn.execute(statement)
        return badge

    async def add_award(self, award: Award) -> Award | None:
        try:
            async with self._tx() as conn:
                if award.person is not None:
                    existing = await conn.scalar(
                        select(_AWARDS.c.id).where(
                            _AWARDS.c.class_key == award.class_key, _AWARDS.c.person == award.person
                        )
                    )
                    if existing is not None:
                        return None
                taken = await conn.scalar(
                    select(_AWARDS.c.id).where(_AWARDS.c.status_index == award.status_index)
                )
                if taken is not None:
                    raise Conflict("badges.error.index_taken")
                await conn.execute(
                    _AWARDS.insert().values(
                        id=award.id,
                        class_key=award.class_key,
                        person=award.person,
                        organization=award.organization,
                        status_index=award.status_index,
                        issued_at=award.issued_at,
                        valid_until=award.valid_until,
                        jws=award.jws,
                        locale=award.locale,
                        awarded_by=award.awarded_by,
                        revoked_at=award.revoked_at,
                        revoked_reason=award.revoked_reason,
                    )
                )
        except IntegrityError:  # a racing instance: the same badge for the person, or the same index
            async with self._read() as conn:
                same = await conn.scalar(
                    select(_AWARDS.c.id).where(
                        _AWARDS.c.class_key == award.class_key, _AWARDS.c.person == award.person
                    )
                )
            if same is not None:
                return None
            raise Conflict("badges.error.index_taken") from None
        return award

    async def get_award(self, award_id: str) -> Award | None:
        async with self._read() as conn:
            row = (await conn.execute(select(_AWARDS).where(_AWARDS.c.id == award_id))).first()
            return _award(row) if row else None

    async def awards_of(self, person: str) -> Sequence[Award]:
        async with self._read() as conn:
            rows = await conn.execute(
                select(_AWARDS).where(_AWARDS.c.person == person).order_by(_AWARDS.c.issued_at.desc())
            )
            return [_award(row) for row in rows]

    async def awards_of_class(self, key: str) -> Sequence[Award]:
        async with self._read() as conn:
            rows = await conn.execute(
                select(_AWARDS).where(_AWARDS.c.class_key == key).order_by(_AWARDS.c.issued_at.desc())
            )
            return [_award(row) for row in rows]

    async def revoke_award(self, award_id: str, reason: str, now: datetime) -> Award:
        async with self._tx() as conn:
            await conn.execute(
                update(_AWARDS)
                .where(_AWARDS.c.id == award_id, _AWARDS.c.revoked_at.is_(None))
                .values(revoked_at=now, revoked_reason=reason)
            )
            row = (await conn.execute(select(_AWARDS).where(_AWARDS.c.id == award_id))).first()
        if row is None:
            raise NotFound("badges.error.unknown_award")
        return _award(row)

    async def revoked_indexes(self) -> Sequence[int]:
        async with self._read() as conn:
            rows = await conn.scalars(
                select(BadgeAwardRow.status_index).where(BadgeAwardRow.revoked_at.is_not(None))
            )
            return list(rows)

    async def award_counts(self) -> Counts:
        async with self._read() as conn:
            valid = _AWARDS.c.revoked_at.is_(None)
            by_class: dict[str, int] = dict(
                (
                    await conn.execute(
                        select(_AWARDS.c.class_key, func.count()).where(valid).group_by(_AWARDS.c.class_key)
                    )
                ).all()
            )
            by_org_rows = (
                await conn.execute(
                    select(BadgeAwardRow.organization, func.count())
                    .where(valid)
                    .group_by(BadgeAwardRow.organization)
                )
            ).all()
            revoked = await conn.scalar(
                select(func.count()).select_from(_AWARDS).where(_AWARDS.c.revoked_at.is_not(None))
            )
        return Counts(by_class, {org or "": n for org, n in by_org_rows}, revoked or 0)

    async def badge_facts(self, person: str, now: datetime) -> Facts:
        async with self._read() as conn:
            presented = await conn.scalar(
                select(func.count())
                .select_from(MeetingPresenterRow)
                .join(MeetingRow, MeetingRow.id == MeetingPresenterRow.meeting_id)
                .where(MeetingPresenterRow.person == person, MeetingRow.starts_at <= now)
            )
            attended = await conn.scalar(
                select(func.count())
                .select_from(MeetingAttendeeRow)
                .join(MeetingRow, MeetingRow.id == MeetingAttendeeRow.meeting_id)
                .where(MeetingAttendeeRow.person == person, MeetingRow.starts_at <= now)
            )
            assessed = await conn.scalar(
                select(func.count())
                .select_from(AssessmentRow)
                .where(AssessmentRow.person == person, AssessmentRow.status == Status.DONE.value)
            )
            coached = await conn.scalar(
                select(func.count())
                .select_from(CoachingCheckInRow)
                .where(CoachingCheckInRow.person == person, CoachingCheckInRow.met.is_(True))
            )
        return Facts(presented or 0, attended or 0, assessed or 0, coached or 0)

    async def badge_candidates(self, now: datetime) -> Sequence[str]:
        started = select(MeetingRow.id).where(MeetingRow.starts_at <= now)
        query = union(
            select(MeetingPresenterRow.person).where(MeetingPresenterRow.meeting_id.in_(started)),
            select(MeetingAttendeeRow.person).where(MeetingAttendeeRow.meeting_id.in_(started)),
            select(AssessmentRow.person).where(AssessmentRow.status == Status.DONE.value),
            select(CoachingCheckInRow.person).where(CoachingCheckInRow.met.is_(True)),
        )
        async with self._read() as conn:
            return sorted({person for (person,) in await conn.execute(query)})

    async def save_signing_key(self, kid: str, jwk: Mapping[str, object]) -> None:
        async with self._tx() as conn:
            statement = insert_for(self.dialect, _KEYS).values(kid=kid, jwk=dict(jwk), created_at=utcnow())
            await conn.execute(statement.on_conflict_do_nothing(index_elements=["kid"]))

    async def signing_keys(self) -> Mapping[str, Mapping[str, object]]:
        async with self._read() as conn:
            rows = await conn.execute(
                select(BadgeKeyRow.kid, BadgeKeyRow.jwk).order_by(BadgeKeyRow.created_at)
            )
            return {row.kid: row.jwk for row in rows}

    async def forget_badge_recipient(self, person: str) -> int:
        async with self._tx() as conn:
            named = await conn.execute(update(_AWARDS).where(_AWARDS.c.person == person).values(person=None))
            await conn.execute(update(_AWARDS).where(_AWARDS.c.awarded_by == person).values(awarded_by=None))
            return named.rowcount or 0
