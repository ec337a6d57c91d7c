"""Records of meeting materials the bot filed, and drafts waiting for their meeting (`core.materials`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, Text, delete, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from core.materials import DRAFT_TTL_HOURS, Draft, Kind, Material
from store.base import Base, UtcDateTime, insert_for, utcnow
from store.database import Database


class MaterialRow(Base):
    __tablename__ = "materials"
    __table_args__ = (Index("ix_materials_meeting_added", "meeting_id", "added_at"),)

    id: Mapped[str] = mapped_column(String, primary_key=True)
    meeting_id: Mapped[str] = mapped_column(String)
    network_key: Mapped[str] = mapped_column(String)
    name: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String)
    web_url: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    added_by: Mapped[str | None] = mapped_column(String)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
    item_id: Mapped[str] = mapped_column(String, unique=True)
    link: Mapped[str | None] = mapped_column(Text)


class MaterialDraftRow(Base):
    __tablename__ = "material_drafts"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    owner: Mapped[str] = mapped_column(String, index=True)
    name: Mapped[str] = mapped_column(String)
    download_url: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text)
    conversation_id: Mapped[str] = mapped_column(String)
    service_url: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Set by the "file it" click: the meeting chosen and what the transfer needs to resume elsewhere; the
    # draft is deleted only once the file has landed.
    meeting_id: Mapped[str | None] = mapped_column(String)
    job: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)  # an instance is transferring it


_MATERIAL_FIELDS = (
    "meeting_id",
    "network_key",
    "name",
    "kind",
    "web_url",
    "size",
    "added_by",
    "added_at",
    "link",
)


class MaterialQueries(Database):
    async def save_material(self, material: Material) -> Material:
        values = _material_values(material)
        async with self._tx() as conn:
            stmt = insert_for(self.dialect, MaterialRow).values(**values)
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[MaterialRow.item_id],
                    set_={name: stmt.excluded[name] for name in _MATERIAL_FIELDS},
                )
            )
            row = (
                await conn.execute(select(MaterialRow).where(MaterialRow.item_id == material.item_id))
            ).one()
            return _material(row)

    async def materials_of_meetings(self, meeting_ids: Sequence[str]) -> dict[str, list[Material]]:
        found: dict[str, list[Material]] = {}
        if not meeting_ids:
            return found
        async with self._tx() as conn:
            rows = await conn.execute(
                select(MaterialRow)
                .where(MaterialRow.meeting_id.in_(list(dict.fromkeys(meeting_ids))))
                .order_by(MaterialRow.added_at.desc(), MaterialRow.name)
            )
            for row in rows:
                found.setdefault(row.meeting_id, []).append(_material(row))
        return found

    async def save_draft(self, draft: Draft) -> Draft:
        async with self._tx() as conn:
            stale = utcnow() - timedelta(hours=DRAFT_TTL_HOURS)
            await conn.execute(delete(MaterialDraftRow).where(MaterialDraftRow.created_at < stale))
            await conn.execute(
                insert_for(self.dialect, MaterialDraftRow).values(
                    id=draft.id,
                    owner=draft.owner,
                    name=draft.name,
                    download_url=draft.download_url,
                    link=draft.link,
                    conversation_id=draft.conversation_id,
                    service_url=draft.service_url,
                    created_at=draft.created_at,
                )
            )
        return draft

    async def get_draft(self, draft_id: str, owner: str) -> Draft | None:
        async with self._tx() as conn:
            row = (await conn.execute(_draft_query(draft_id, owner))).first()
        return _draft(row) if row is not None else None

    async def take_draft(self, draft_id: str, owner: str) -> Draft | None:
        async with self._tx() as conn:
            waiting = _draft_query(draft_id, owner).where(MaterialDraftRow.meeting_id.is_(None))
            row = (await conn.execute(waiting)).first()
            if row is None:
                return None
            gone = await conn.execute(
                delete(MaterialDraftRow).where(
                    MaterialDraftRow.id == draft_id, MaterialDraftRow.meeting_id.is_(None)
                )
            )
            return _draft(row) if gone.rowcount == 1 else None

    async def claim_draft(
        self, draft_id: str, owner: str, meeting_id: str, job: Mapping[str, str | None], until: datetime
    ) -> Draft | None:
        stale = utcnow() - timedelta(hours=DRAFT_TTL_HOURS)
        claim = (
            update(MaterialDraftRow)
            .where(
                MaterialDraftRow.id == draft_id,
                MaterialDraftRow.owner == owner,
                MaterialDraftRow.created_at >= stale,
                MaterialDraftRow.meeting_id.is_(None),  # one click wins
            )
            .values(meeting_id=meeting_id, job=dict(job), claimed_until=until)
            .returning(*MaterialDraftRow.__table__.columns)
        )
        async with self._tx() as conn:
            row = (await conn.execute(claim)).first()
        return _draft(row) if row is not None else None

    async def release_draft(self, draft_id: str, *, resume: bool) -> None:
        values: dict[str, Any] = {"claimed_until": None}
        if not resume:
            values |= {"meeting_id": None, "job": None}
        async with self._tx() as conn:
            await conn.execute(update(MaterialDraftRow).where(MaterialDraftRow.id == draft_id).values(values))

    async def resumable_drafts(self, now: datetime) -> Sequence[Draft]:
        async with self._read() as conn:
            rows = await conn.execute(
                select(MaterialDraftRow)
                .where(MaterialDraftRow.meeting_id.is_not(None), _unclaimed(now))
                .order_by(MaterialDraftRow.created_at)
            )
            return [_draft(row) for row in rows]

    async def reclaim_draft(self, draft_id: str, until: datetime, now: datetime) -> Draft | None:
        claim = (
            update(MaterialDraftRow)
            .where(MaterialDraftRow.id == draft_id, MaterialDraftRow.meeting_id.is_not(None), _unclaimed(now))
            .values(claimed_until=until)
            .returning(*MaterialDraftRow.__table__.columns)
        )
        async with self._tx() as conn:
            row = (await conn.execute(claim)).first()
        return _draft(row) if row is not None else None

    async def finish_draft(self, draft_id: str) -> None:
        async with self._tx() as conn:
            await conn.execute(delete(MaterialDraftRow).where(MaterialDraftRow.id == draft_id))


def _unclaimed(now: datetime) -> Any:
    return or_(MaterialDraftRow.claimed_until.is_(None), MaterialDraftRow.claimed_until < now)


def _draft_query(draft_id: str, owner: str) -> Any:
    stale = utcnow() - timedelta(hours=DRAFT_TTL_HOURS)
    return select(MaterialDraftRow).where(
        MaterialDraftRow.id == draft_id,
        MaterialDraftRow.owner == owner,
        MaterialDraftRow.created_at >= stale,
    )


def _material_values(material: Material) -> dict[str, Any]:
    return {
        "id": material.id,
        "meeting_id": material.meeting_id,
        "network_key": material.network_key,
        "name": material.name,
        "kind": material.kind.value,
        "web_url": material.web_url,
        "size": material.size,
        "added_by": material.added_by,
        "added_at": material.added_at,
        "item_id": material.item_id,
        "link": material.link,
    }


def _material(row: Any) -> Material:
    return Material(
        id=row.id,
        meeting_id=row.meeting_id,
        network_key=row.network_key,
        name=row.name,
        kind=Kind(row.kind) if row.kind in Kind.__members__.values() else Kind.OTHER,
        web_url=row.web_url,
        size=int(row.size),
        added_by=row.added_by,
        added_at=row.added_at,
        item_id=row.item_id,
        link=row.link,
    )


def _draft(row: Any) -> Draft:
    return Draft(
        id=row.id,
        owner=row.owner,
        name=row.name,
        created_at=row.created_at,
        download_url=row.download_url,
        link=row.link,
        conversation_id=row.conversation_id,
        service_url=row.service_url,
        meeting_id=row.meeting_id,
        job=dict(row.job) if row.job else None,
    )
