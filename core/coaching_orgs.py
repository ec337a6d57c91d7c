"""The organisation catalogue grown from Teams: the coaching network has 76 providers, the seed file 15.

The coordinator adds organisations (a name, optionally "Long name (Short)", and email domains), one per line
or many at once, and adds domains to ones added earlier. Organisations from `config/organizations.yml` are
rewritten from that file at every start, so they are edited there, not here. Someone whose email domain
matches no organisation picks theirs from the list or names it: a name that matches a known organisation
(its name or short name, ignoring case) is that one, any other becomes a new organisation without domains.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from typing import Protocol

from core.coaching import Actor
from core.errors import Invalid, NotFound
from core.people import Organization, PeopleStore

NAME_MAX = 150
MAX_LINES = 100
DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
SHORT = re.compile(r"^(?P<name>.+?)\s*\((?P<short>[^()]{1,40})\)$")


class OrganizationStore(PeopleStore, Protocol):
    async def add_organizations(self, organizations: Sequence[Organization]) -> Sequence[Organization]:
        """Insert or update them all in one transaction (domains replaced); a domain that belongs to another
        organisation raises `Conflict` and nothing is saved."""
        ...


def slug(name: str) -> str:
    """A stable key from a name: `Ammattiopisto Luovi` -> `ammattiopisto-luovi` (ä -> a, ö -> o)."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c))
    key = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")
    return key[:60].rstrip("-") or "organisaatio"


def parse_domains(text: str) -> tuple[str, ...]:
    domains = []
    for raw in re.split(r"[,\s;]+", text.strip()):
        domain = raw.strip().strip(".").lower().removeprefix("@")
        if not domain:
            continue
        if not DOMAIN.match(domain):
            raise Invalid("coaching.error.bad_domain", domain=raw[:80])
        if domain not in domains:
            domains.append(domain)
    return tuple(domains)


def parse_lines(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """`Name (Short); domain, domain` per line -> (name, short name, domains); raises `Invalid` naming the
    line that is wrong."""
    found = []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise Invalid("coaching.error.no_organizations")
    if len(lines) > MAX_LINES:
        raise Invalid("coaching.error.too_many_lines", max=MAX_LINES)
    for number, line in enumerate(lines, start=1):
        name_part, _, domain_part = line.partition(";")
        name = " ".join(name_part.split())
        match = SHORT.match(name)
        name, short = (match["name"], match["short"].strip()) if match else (name, name)
        if not name or len(name) > NAME_MAX:
            raise Invalid("coaching.error.bad_line", line=number, max=NAME_MAX)
        try:
            domains = parse_domains(domain_part)
        except Invalid as error:
            raise Invalid(
                "coaching.error.bad_line_domain", line=number, domain=error.params["domain"]
            ) from error
        found.append((name, short, domains))
    return found


async def catalogue(store: OrganizationStore, who: Actor) -> Sequence[Organization]:
    """Every organisation (coordinators and coaching leads)."""
    who.require_rounds()
    return await store.list_organizations()


def _unique_key(name: str, taken: Collection[str]) -> str:
    base = slug(name)
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


async def add_organizations(
    store: OrganizationStore, who: Actor, text: str, from_file: Collection[str]
) -> Sequence[Organization]:
    """The coordinator adds organisations (one per line); one already known by name gets the domains added.
    Returns what was saved. Raises `NotAllowed`, `Invalid` (a bad line), `Conflict` (a domain taken)."""
    who.require_coordinator()
    existing = list(await store.list_organizations())
    keys = {o.key for o in existing}
    saved: list[Organization] = []
    for name, short, domains in parse_lines(text):
        known = _by_name(existing, name) or _by_name(existing, short)
        if known is not None:
            if known.key in from_file:
                raise Invalid("coaching.error.from_file", name=known.short_name)
            merged = tuple(dict.fromkeys([*known.domains, *domains]))
            saved.append(Organization(known.key, known.name, known.short_name, merged))
            continue
        key = _unique_key(name, keys | {o.key for o in saved})
        saved.append(Organization(key, name, short, domains))
    return await store.add_organizations(saved)


async def add_domains(
    store: OrganizationStore, who: Actor, key: str, text: str, from_file: Collection[str]
) -> Organization:
    """Give an organisation added in Teams more email domains."""
    who.require_coordinator()
    found = await store.get_organization(key)
    if found is None:
        raise NotFound("coaching.error.unknown_organization")
    if found.key in from_file:
        raise Invalid("coaching.error.from_file", name=found.short_name)
    domains = parse_domains(text)
    if not domains:
        raise Invalid("coaching.error.no_domains")
    merged = Organization(
        found.key, found.name, found.short_name, tuple(dict.fromkeys([*found.domains, *domains]))
    )
    (saved,) = await store.add_organizations([merged])
    return saved


async def organization_named(store: OrganizationStore, who: Actor, name: str) -> Organization:
    """The organisation a person names for themselves: a known one by name or short name, else a new one."""
    who.require_person()
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise Invalid("coaching.error.organization_name", max=NAME_MAX)
    existing = list(await store.list_organizations())
    known = _by_name(existing, name)
    if known is not None:
        return known
    if not any(c.isalpha() for c in name):
        raise Invalid("coaching.error.organization_name", max=NAME_MAX)
    key = _unique_key(name, {o.key for o in existing})
    (saved,) = await store.add_organizations([Organization(key, name, name, ())])
    return saved


def _by_name(organizations: Sequence[Organization], name: str) -> Organization | None:
    wanted = name.casefold()
    return next(
        (o for o in organizations if wanted in (o.name.casefold(), o.short_name.casefold(), o.key)), None
    )
