"""Installed teams: table and queries (`core.teams.TeamStore`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapped, mapped_column

from core.errors import Invalid
from core.teams import Team, TeamMember
from store.base import Base, UtcDateTime, insert_for, utcnow
from store.database import Database

MEMBER_BATCH = 500  # rows per INSERT: a 25,000-member roster stays under every engine's parameter limit


class TeamMemberRow(Base):
    """Who is in a team now: from the team's roster and its membersAdded / membersRemoved events."""

    __tablename__ = "team_members"

    team_id: Mapped[str] = mapped_column(String, primary_key=True)  # the Graph team id
    person: Mapped[str] = mapped_column(String, primary_key=True, index=True)  # Entra object id
    member_id: Mapped[str | None] = mapped_column(String)  # the Teams id (29:...)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TeamRow(Base):
    __tablename__ = "teams"

    team_id: Mapped[str] = mapped_column(String, primary_key=True)
    thread_id: Mapped[str | None] = mapped_column(String)
    name: Mapped[str | None] = mapped_column(String)
    tenant_id: Mapped[str | None] = mapped_column(String)
    service_url: Mapped[str] = mapped_column(String)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


def _team(row: Any) -> Team:
    return Team(
        team_id=row.team_id,
        name=row.name,
        tenant_id=row.tenant_id,
        service_url=row.service_url,
        thread_id=row.thread_id,
        updated_at=row.updated_at,
    )


class TeamQueries(Database):
    async def save_team(self, team: Team) -> None:
        if not team.team_id or not team.service_url:
            raise Invalid("store.team.incomplete")
        async with self._tx() as conn:
            stmt = insert_for(self.dialect, TeamRow).values(
                team_id=team.team_id,
                thread_id=team.thread_id,
                name=team.name,
                tenant_id=team.tenant_id,
                service_url=team.service_url,
                updated_at=utcnow(),
            )
            new = stmt.excluded
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[TeamRow.team_id],
                    set_={
                        "thread_id": func.coalesce(new.thread_id, TeamRow.thread_id),
                        "name": func.coalesce(new.name, TeamRow.name),
                        "tenant_id": func.coalesce(new.tenant_id, TeamRow.tenant_id),
                        "service_url": new.service_url,
                        "updated_at": new.updated_at,
                    },
                )
            )

    async def get_team(self, team_id: str) -> Team | None:
        async with self._tx() as conn:
            row = (await conn.execute(select(TeamRow.__table__).where(TeamRow.team_id == team_id))).first()
        return _team(row) if row else None

    async def list_teams(self) -> Sequence[Team]:
        async with self._tx() as conn:
            return [
                _team(row) for row in await conn.execute(select(TeamRow.__table__).order_by(TeamRow.name))
            ]

    async def replace_team_members(self, team_id: str, members: Sequence[TeamMember]) -> None:
        async with self._tx() as conn:
            synced = utcnow()
            await self._upsert_members(conn, team_id, members, synced)
            # Everyone this roster did not name (their row is older than this sync) has left.
            await conn.execute(
                delete(TeamMemberRow).where(
                    TeamMemberRow.team_id == team_id, TeamMemberRow.updated_at < synced
                )
            )

    async def add_team_members(self, team_id: str, members: Sequence[TeamMember]) -> None:
        async with self._tx() as conn:
            await self._upsert_members(conn, team_id, members, utcnow())

    async def remove_team_members(self, team_id: str, ids: Sequence[str] | None) -> int:
        query = delete(TeamMemberRow).where(TeamMemberRow.team_id == team_id)
        if ids is not None:
            wanted = list(ids)
            query = query.where(or_(TeamMemberRow.person.in_(wanted), TeamMemberRow.member_id.in_(wanted)))
        async with self._tx() as conn:
            return (await conn.execute(query)).rowcount or 0

    async def team_member_count(self, team_id: str) -> int:
        async with self._read() as conn:
            query = select(func.count()).select_from(TeamMemberRow).where(TeamMemberRow.team_id == team_id)
            return int((await conn.execute(query)).scalar_one())

    async def _upsert_members(
        self, conn: AsyncConnection, team_id: str, members: Sequence[TeamMember], at: datetime
    ) -> None:
        unique = list({m.person: m for m in members if m.person}.values())
        for start in range(0, len(unique), MEMBER_BATCH):
            stmt = insert_for(self.dialect, TeamMemberRow).values(
                [
                    {"team_id": team_id, "person": m.person, "member_id": m.member_id, "updated_at": at}
                    for m in unique[start : start + MEMBER_BATCH]
                ]
            )
            new = stmt.excluded
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[TeamMemberRow.team_id, TeamMemberRow.person],
                    set_={
                        "member_id": func.coalesce(new.member_id, TeamMemberRow.member_id),
                        "updated_at": new.updated_at,
                    },
                )
            )
