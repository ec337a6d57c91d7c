"""People and partner organisations: tables and queries (`core.people.PeopleStore`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, bindparam, case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapped, mapped_column

from core.errors import Conflict, Invalid
from core.people import Organization, Person, domain_of, organization_for_address
from store.base import Base, UtcDateTime, insert_for, utcnow
from store.database import Database


class OrganizationRow(Base):
    __tablename__ = "organizations"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    short_name: Mapped[str] = mapped_column(String)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OrganizationDomainRow(Base):
    __tablename__ = "organization_domains"

    domain: Mapped[str] = mapped_column(String, primary_key=True)
    organization_key: Mapped[str] = mapped_column(
        ForeignKey(OrganizationRow.key, ondelete="CASCADE"), index=True
    )


class PersonRow(Base):
    __tablename__ = "people"

    aad_object_id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str | None] = mapped_column(String)
    email: Mapped[str | None] = mapped_column(String)
    upn: Mapped[str | None] = mapped_column(String)
    locale: Mapped[str | None] = mapped_column(String)
    tenant_id: Mapped[str | None] = mapped_column(String)
    organization_key: Mapped[str | None] = mapped_column(
        ForeignKey(OrganizationRow.key, ondelete="SET NULL"), index=True
    )
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime)


def _person(row: Any) -> Person:
    return Person(
        aad_object_id=row.aad_object_id,
        name=row.name,
        email=row.email,
        upn=row.upn,
        locale=row.locale,
        tenant_id=row.tenant_id,
        organization=row.organization_key,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
    )


def _upsert_person(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO UPDATE of one person's row, with the bind parameter `keep_organization`
    beside the columns: true keeps the stored organisation, false writes the one given (None included).
    Without RETURNING it runs as an executemany, each parameter set its own upsert in order."""
    table = PersonRow.__table__
    stmt = insert_for(dialect, table)
    new = stmt.excluded
    changes: dict[str, Any] = {
        name: func.coalesce(new[name], table.c[name])
        for name in ("name", "email", "upn", "locale", "tenant_id")
    }
    keep = bindparam("keep_organization", type_=Boolean)
    changes["organization_key"] = case((keep, table.c.organization_key), else_=new.organization_key)
    changes["last_seen"] = new.last_seen
    return stmt.on_conflict_do_update(index_elements=[table.c.aad_object_id], set_=changes)


def _candidate_domains(domain: str) -> list[str]:
    """`a.edu.hel.fi` -> [`a.edu.hel.fi`, `edu.hel.fi`, `hel.fi`, `fi`]: every domain that could own it."""
    parts = domain.split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]


def clean_domains(domains: Iterable[str]) -> tuple[str, ...]:
    """Lower-cased, de-duplicated domains; raises `Invalid` for something that is not a domain name."""
    cleaned: list[str] = []
    for raw in domains:
        domain = raw.strip().strip(".").lower()
        if not domain or "@" in domain or " " in domain or "." not in domain:
            raise Invalid("store.organization.bad_domain", domain=raw)
        if domain not in cleaned:
            cleaned.append(domain)
    return tuple(cleaned)


PEOPLE_BATCH = 250  # people per transaction in `upsert_people` (SQLite's one writer is not held long)


class PeopleQueries(Database):
    async def upsert_person(self, person: Person) -> Person:
        if not person.aad_object_id:
            raise Invalid("store.person.no_id")
        upsert = self._statement(
            "upsert_person:one", lambda d: _upsert_person(d).returning(*PersonRow.__table__.c)
        )
        async with self._tx() as conn:
            [values] = await _person_values(conn, [person], utcnow())
            return _person((await conn.execute(upsert, values)).one())

    async def upsert_people(self, people: Sequence[Person]) -> int:
        """`upsert_person` for many (a team's roster), a few hundred to a transaction, each transaction one
        executemany of the upsert; how many."""
        # In one order (by id), so two rosters saved at once never wait on each other's rows in a cycle.
        wanted = sorted((p for p in people if p.aad_object_id), key=lambda p: p.aad_object_id)
        upsert = self._statement("upsert_person:many", _upsert_person)
        for start in range(0, len(wanted), PEOPLE_BATCH):
            async with self._tx() as conn:
                await conn.execute(
                    upsert, await _person_values(conn, wanted[start : start + PEOPLE_BATCH], utcnow())
                )
        return len(wanted)

    async def get_person(self, aad_object_id: str) -> Person | None:
        async with self._read() as conn:
            row = (
                await conn.execute(
                    select(PersonRow.__table__).where(PersonRow.aad_object_id == aad_object_id)
                )
            ).first()
        return _person(row) if row else None

    async def people_of_organization(self, organization: str) -> Sequence[Person]:
        async with self._tx() as conn:
            rows = await conn.execute(
                select(PersonRow.__table__)
                .where(PersonRow.organization_key == organization)
                .order_by(PersonRow.name, PersonRow.aad_object_id)
            )
            return [_person(row) for row in rows]

    async def save_organization(self, organization: Organization) -> Organization:
        async with self._tx() as conn:
            saved = await save_organizations(conn, [organization])
        return saved[0]

    async def get_organization(self, key: str) -> Organization | None:
        async with self._read() as conn:
            found = await _load_organizations(conn, key)
        return found[0] if found else None

    async def list_organizations(self) -> Sequence[Organization]:
        async with self._read() as conn:
            return await _load_organizations(conn)


async def _person_values(
    conn: AsyncConnection, people: Sequence[Person], now: datetime
) -> list[dict[str, Any]]:
    """The upsert's parameters for each of `people`, in order, with the organisation each one gets: an
    explicit one (which must exist: else `Invalid`), else the one derived from their address; no address
    and no explicit organisation keeps the stored one. One query per kind of lookup, for all of them."""
    explicit = sorted({p.organization for p in people if p.organization is not None})
    if explicit:
        query = select(OrganizationRow.key).where(OrganizationRow.key.in_(explicit))
        known = set((await conn.execute(query)).scalars())
        for person in people:
            if person.organization is not None and person.organization not in known:
                raise Invalid("store.person.unknown_organization", organization=person.organization)
    by_domain = await _organization_keys_for(
        conn, {domain_of(p.address) for p in people if p.organization is None and p.address}
    )
    values = []
    for person in people:
        organization = person.organization
        if organization is None and person.address:
            organization = by_domain.get(domain_of(person.address))
        values.append(
            {
                "aad_object_id": person.aad_object_id,
                "name": person.name,
                "email": person.email,
                "upn": person.upn,
                "locale": person.locale,
                "tenant_id": person.tenant_id,
                "organization_key": organization,
                "first_seen": now,
                "last_seen": now,
                # With an address the derived organisation replaces the stored one (even when none
                # matched); without one (and no explicit organisation), the stored organisation stays.
                "keep_organization": person.organization is None and not person.address,
            }
        )
    return values


async def _organization_keys_for(
    conn: AsyncConnection, domains: Iterable[str | None]
) -> dict[str | None, str | None]:
    """The organisation key of each email domain (None where no organisation's domain matches), in one
    query over every domain that could own one of them."""
    candidates = {domain: _candidate_domains(domain) for domain in domains if domain is not None}
    if not candidates:
        return {}
    wanted = {c for found in candidates.values() for c in found}
    rows = (
        await conn.execute(
            select(OrganizationDomainRow.domain, OrganizationDomainRow.organization_key).where(
                OrganizationDomainRow.domain.in_(sorted(wanted))
            )
        )
    ).all()
    owner_of = {row.domain: row.organization_key for row in rows}
    keys: dict[str | None, str | None] = {}
    for domain, found in candidates.items():
        owners = [
            Organization(key=owner_of[c], name=c, short_name=c, domains=(c,)) for c in found if c in owner_of
        ]
        match = organization_for_address(f"@{domain}", owners)
        keys[domain] = match.key if match else None
    return keys


async def _load_organizations(conn: AsyncConnection, key: str | None = None) -> list[Organization]:
    query = select(OrganizationRow.__table__).order_by(OrganizationRow.short_name)
    domains_query = select(OrganizationDomainRow.__table__).order_by(OrganizationDomainRow.domain)
    if key is not None:
        query = query.where(OrganizationRow.key == key)
        domains_query = domains_query.where(OrganizationDomainRow.organization_key == key)
    domains: dict[str, list[str]] = {}
    for row in await conn.execute(domains_query):
        domains.setdefault(row.organization_key, []).append(row.domain)
    return [
        Organization(
            key=row.key, name=row.name, short_name=row.short_name, domains=tuple(domains.get(row.key, ()))
        )
        for row in await conn.execute(query)
    ]


async def save_organizations(
    conn: AsyncConnection, organizations: Sequence[Organization]
) -> list[Organization]:
    """Insert or update organisations by key and replace their domains, in the caller's transaction.

    A domain that belongs to an organisation outside `organizations` raises `Conflict`.
    """
    cleaned = [
        Organization(o.key.strip(), o.name.strip(), o.short_name.strip(), clean_domains(o.domains))
        for o in organizations
    ]
    keys = [o.key for o in cleaned]
    for org in cleaned:
        if not org.key or not org.name or not org.short_name:
            raise Invalid("store.organization.incomplete", key=org.key)
    all_domains = [d for o in cleaned for d in o.domains]
    if len(all_domains) != len(set(all_domains)):
        duplicate = next(d for d in all_domains if all_domains.count(d) > 1)
        raise Conflict("store.organization.domain_taken", domain=duplicate, organization=duplicate)
    if all_domains:
        taken = (
            await conn.execute(
                select(OrganizationDomainRow.domain, OrganizationDomainRow.organization_key).where(
                    OrganizationDomainRow.domain.in_(all_domains),
                    OrganizationDomainRow.organization_key.not_in(keys),
                )
            )
        ).first()
        if taken is not None:
            raise Conflict(
                "store.organization.domain_taken", domain=taken.domain, organization=taken.organization_key
            )
    now = utcnow()
    dialect = conn.dialect.name
    for org in cleaned:
        stmt = insert_for(dialect, OrganizationRow).values(
            key=org.key, name=org.name, short_name=org.short_name, updated_at=now
        )
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[OrganizationRow.key],
                set_={"name": stmt.excluded.name, "short_name": stmt.excluded.short_name, "updated_at": now},
            )
        )
    await conn.execute(delete(OrganizationDomainRow).where(OrganizationDomainRow.organization_key.in_(keys)))
    rows = [{"domain": d, "organization_key": o.key} for o in cleaned for d in o.domains]
    if rows:
        await conn.execute(insert_for(dialect, OrganizationDomainRow), rows)
    return cleaned
