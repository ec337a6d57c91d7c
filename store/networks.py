"""Peer networks and their members: tables and queries (`core.networks.NetworkStore`)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapped, mapped_column

from core.errors import Invalid, NotFound
from core.networks import LaunchStep, Network, NetworkStatus, validate_network
from store.base import Base, UtcDateTime, insert_for, utcnow
from store.database import Database
from store.people import PersonRow

DEFAULT_CATALOGUE_FILE = Path(__file__).resolve().parents[1] / "config" / "networks.yml"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=2)
    name_fi: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    purpose_fi: str = ""
    purpose_en: str = ""
    status: NetworkStatus = NetworkStatus.REQUESTED
    candidate: bool = False


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    networks: list[_Entry]


def parse_catalogue(text: str, source: str = "<text>") -> list[Network]:
    """The networks of a catalogue file (`config/networks.yml`); raises ValueError naming the problem."""
    try:
        entries = _File.model_validate(yaml.safe_load(text)).networks
        networks = [validate_network(Network(**entry.model_dump())) for entry in entries]
    except (yaml.YAMLError, ValidationError) as error:
        raise ValueError(f"{source}: not a valid network catalogue: {error}") from error
    except Invalid as error:
        raise ValueError(f"{source}: not a valid network catalogue: {error.key} {error.params}") from error
    keys = [n.key for n in networks]
    if len(keys) != len(set(keys)):
        raise ValueError(f"{source}: not a valid network catalogue: a key appears twice")
    return networks


async def load_catalogue(path: Path = DEFAULT_CATALOGUE_FILE) -> list[Network]:
    text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    return parse_catalogue(text, str(path))


class NetworkRow(Base):
    __tablename__ = "networks"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name_fi: Mapped[str] = mapped_column(String)
    name_en: Mapped[str] = mapped_column(String)
    purpose_fi: Mapped[str] = mapped_column(Text)
    purpose_en: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String)
    candidate: Mapped[bool] = mapped_column(Boolean)
    facilitator: Mapped[str | None] = mapped_column(String)
    channel_id: Mapped[str | None] = mapped_column(String)
    launch_step: Mapped[str] = mapped_column(String)
    launch_error: Mapped[str | None] = mapped_column(String)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class NetworkMemberRow(Base):
    __tablename__ = "network_members"

    network_key: Mapped[str] = mapped_column(ForeignKey(NetworkRow.key, ondelete="CASCADE"), primary_key=True)
    person: Mapped[str] = mapped_column(String, primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime)


def _network(row: Any, members: int = 0) -> Network:
    return Network(
        key=row.key,
        name_fi=row.name_fi,
        name_en=row.name_en,
        purpose_fi=row.purpose_fi,
        purpose_en=row.purpose_en,
        status=NetworkStatus(row.status),
        candidate=bool(row.candidate),
        facilitator=row.facilitator,
        channel_id=row.channel_id,
        launch_step=LaunchStep(row.launch_step),
        launch_error=row.launch_error,
        members=members,
        updated_at=row.updated_at,
    )


def _catalogue_values(network: Network) -> dict[str, Any]:
    return {
        "name_fi": network.name_fi,
        "name_en": network.name_en,
        "purpose_fi": network.purpose_fi,
        "purpose_en": network.purpose_en,
        "status": network.status.value,
        "candidate": network.candidate,
    }


async def seed_networks(conn: AsyncConnection, dialect: str, networks: Sequence[Network]) -> int:
    """Insert the networks whose key is new, in the caller's transaction; returns how many were added."""
    cleaned = [validate_network(n) for n in networks]
    if not cleaned:
        return 0
    now = utcnow()
    before = await _count(conn)
    start = await _next_position(conn)
    rows = [
        {
            "key": n.key,
            "position": start + i,
            **_catalogue_values(n),
            "facilitator": None,
            "channel_id": None,
            "launch_step": LaunchStep.NONE.value,
            "launch_error": None,
            "updated_at": now,
        }
        for i, n in enumerate(cleaned)
    ]
    await conn.execute(insert_for(dialect, NetworkRow).values(rows).on_conflict_do_nothing())
    return await _count(conn) - before


class NetworkQueries(Database):
    async def seed_networks(self, networks: Sequence[Network]) -> int:
        async with self._tx() as conn:
            return await seed_networks(conn, self.dialect, networks)

    async def list_networks(self) -> Sequence[Network]:
        async with self._read() as conn:
            return await _networks(conn)

    async def get_network(self, key: str) -> Network | None:
        async with self._read() as conn:
            found = await _networks(conn, key)
        return found[0] if found else None

    async def save_network(self, network: Network) -> Network:
        network = validate_network(network)
        now = utcnow()
        async with self._tx() as conn:
            stmt = insert_for(self.dialect, NetworkRow).values(
                key=network.key,
                position=await _next_position(conn),
                **_catalogue_values(network),
                facilitator=None,
                channel_id=None,
                launch_step=LaunchStep.NONE.value,
                launch_error=None,
                updated_at=now,
            )
            new = stmt.excluded
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[NetworkRow.key],
                    set_={name: new[name] for name in (*_catalogue_values(network), "updated_at")},
                )
            )
            return (await _networks(conn, network.key))[0]

    async def record_launch(
        self,
        key: str,
        step: LaunchStep,
        *,
        channel_id: str | None = None,
        status: NetworkStatus | None = None,
        error: str | None = None,
    ) -> Network:
        values: dict[str, Any] = {"launch_step": step.value, "launch_error": error, "updated_at": utcnow()}
        if channel_id is not None:
            values["channel_id"] = channel_id
        if status is not None:
            values["status"] = status.value
        return await self._update(key, values)

    async def set_facilitator(self, key: str, aad_object_id: str | None) -> Network:
        async with self._tx() as conn:
            result = await conn.execute(
                update(NetworkRow)
                .where(NetworkRow.key == key)
                .values(facilitator=aad_object_id, updated_at=utcnow())
            )
            if result.rowcount == 0:
                raise NotFound("networks.error.unknown", name=key)
            if aad_object_id:
                await _add_member(conn, key, aad_object_id)
            return (await _networks(conn, key))[0]

    async def join_network(self, key: str, aad_object_id: str) -> bool:
        async with self._tx() as conn:
            return await _add_member(conn, key, aad_object_id)

    async def network_members(self, key: str) -> Sequence[str]:
        async with self._tx() as conn:
            rows = await conn.execute(
                select(NetworkMemberRow.person)
                .where(NetworkMemberRow.network_key == key)
                .order_by(NetworkMemberRow.joined_at, NetworkMemberRow.person)
            )
            return [row.person for row in rows]

    async def find_person_id(self, address: str) -> str | None:
        wanted = address.strip().lower()
        async with self._tx() as conn:
            row = (
                await conn.execute(
                    select(PersonRow.aad_object_id)
                    .where(or_(func.lower(PersonRow.email) == wanted, func.lower(PersonRow.upn) == wanted))
                    .limit(1)
                )
            ).first()
        return row.aad_object_id if row else None

    async def _update(self, key: str, values: dict[str, Any]) -> Network:
        async with self._tx() as conn:
            result = await conn.execute(update(NetworkRow).where(NetworkRow.key == key).values(**values))
            if result.rowcount == 0:
                raise NotFound("networks.error.unknown", name=key)
            return (await _networks(conn, key))[0]


async def _add_member(conn: AsyncConnection, key: str, person: str) -> bool:
    if (await conn.execute(select(NetworkRow.key).where(NetworkRow.key == key))).first() is None:
        raise NotFound("networks.error.unknown", name=key)
    stmt = insert_for(conn.dialect.name, NetworkMemberRow).values(
        network_key=key, person=person, joined_at=utcnow()
    )
    result = await conn.execute(stmt.on_conflict_do_nothing())
    return bool(result.rowcount)


async def _count(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.count()).select_from(NetworkRow))).scalar_one())


async def _next_position(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.coalesce(func.max(NetworkRow.position), 0)))).scalar_one()) + 1


async def _networks(conn: AsyncConnection, key: str | None = None) -> list[Network]:
    counts = (
        select(NetworkMemberRow.network_key, func.count().label("members"))
        .group_by(NetworkMemberRow.network_key)
        .subquery()
    )
    query = (
        select(NetworkRow.__table__, func.coalesce(counts.c.members, 0).label("members"))
        .outerjoin(counts, counts.c.network_key == NetworkRow.key)
        .order_by(NetworkRow.position, NetworkRow.key)
    )
    if key is not None:
        query = query.where(NetworkRow.key == key)
    return [_network(row, int(row.members)) for row in await conn.execute(query)]
