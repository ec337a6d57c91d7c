"""People the bot has met and the partner organisations they belong to.

A person is keyed by their Entra object id (`aadObjectId`). The organisation is not asked from anyone:
it follows from the domain of their email address or UPN (`omnia.fi` -> Omnia): `organization_for_address`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Organization:
    """A partner organisation (education provider); `key` is stable, names and domains may be edited."""

    key: str
    name: str
    short_name: str
    domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    """Someone the bot has seen in an activity or a team roster.

    `email` and `upn` are whatever Teams told us (either may be missing); `organization` is an
    `Organization.key`. `first_seen`/`last_seen` are set by the store.
    """

    aad_object_id: str
    name: str | None = None
    email: str | None = None
    upn: str | None = None
    locale: str | None = None
    tenant_id: str | None = None
    organization: str | None = None
    first_seen: datetime | None = field(default=None, compare=False)
    last_seen: datetime | None = field(default=None, compare=False)

    @property
    def address(self) -> str | None:
        """The address the organisation is derived from: the email, else the UPN."""
        return self.email or self.upn


def same_person(one: str | None, other: str | None) -> bool:
    """Whether two Entra object ids name the same person (GUIDs: letter case carries no meaning)."""
    if not one or not other:
        return False
    return one.casefold() == other.casefold()


def domain_of(address: str | None) -> str | None:
    """The lower-case domain of an email address or UPN, or None when it has none."""
    if not address or "@" not in address:
        return None
    domain = address.rsplit("@", 1)[1].strip().strip(".").lower()
    return domain or None


def organization_for_address(
    address: str | None, organizations: Iterable[Organization]
) -> Organization | None:
    """The organisation whose domain matches the address; subdomains match too, the longest domain wins.

    `maija@edu.hel.fi` matches both `edu.hel.fi` and `hel.fi`; the more specific `edu.hel.fi` decides.
    """
    domain = domain_of(address)
    if domain is None:
        return None
    best: tuple[int, Organization] | None = None
    for org in organizations:
        for candidate in org.domains:
            candidate = candidate.lower()
            if (domain == candidate or domain.endswith("." + candidate)) and (
                best is None or len(candidate) > best[0]
            ):
                best = (len(candidate), org)
    return best[1] if best else None


class PeopleStore(Protocol):
    """Where people and organisations are kept."""

    async def upsert_person(self, person: Person) -> Person:
        """Insert or update by `aad_object_id` and return the stored person.

        Fields that are None in `person` keep their stored value (an activity carries no email, a roster
        does). When the person has an address, the organisation is derived from it with the stored
        organisations; an explicit `person.organization` wins. Concurrent calls for one person end as one row.
        Raises `core.errors.Unavailable` when the database cannot be reached.
        """
        ...

    async def upsert_people(self, people: Sequence[Person]) -> int:
        """`upsert_person` for each of many (a team's roster) in a few transactions; how many."""
        ...

    async def get_person(self, aad_object_id: str) -> Person | None: ...

    async def people_of_organization(self, organization: str) -> Sequence[Person]: ...

    async def save_organization(self, organization: Organization) -> Organization:
        """Insert or update by key; the domains are replaced. A domain owned by another organisation raises
        `core.errors.Conflict`."""
        ...

    async def get_organization(self, key: str) -> Organization | None: ...

    async def list_organizations(self) -> Sequence[Organization]: ...


async def display_names(
    store: PeopleStore, ids: Iterable[str], *, unknown: str | None = None
) -> dict[str, str]:
    """How to show people (Entra ids) the bot has met: their name, else their email. A person the store does
    not know shows as `unknown`, or as their id when `unknown` is None."""
    return {aad: shown_name(aad, person, unknown) for aad, person in (await people_by_id(store, ids)).items()}


async def people_by_id(store: PeopleStore, ids: Iterable[str]) -> dict[str, Person | None]:
    """Each of `ids` (read once, in order) with what the store knows of them; None for a stranger."""
    return {aad: await store.get_person(aad) for aad in dict.fromkeys(ids)}


def shown_name(aad: str, person: Person | None, unknown: str | None = None) -> str:
    """`display_names`' rule for one person: name, else email, else `unknown` (their id when None)."""
    fallback = aad if unknown is None else unknown
    return (person.name or person.email or fallback) if person else fallback
