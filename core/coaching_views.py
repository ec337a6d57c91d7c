"""What the coaching cards show about people, and the profile use cases that need the people's store too.

`Member` is a person as the cards name them (name, organisation, the address Teams knows them by); the
profile view is everything the profile card needs for one person.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from core.coaching import Actor, Profile, Theme, actor, save_profile, set_lead, starter_profile
from core.coaching_orgs import OrganizationStore, organization_named
from core.coaching_rounds import RoundStore
from core.errors import Invalid
from core.people import same_person


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    organization: str = ""
    address: str | None = None
    locale: str | None = None


class CoachingPeople(RoundStore, OrganizationStore, Protocol):
    """The store as the coaching features use it: rounds and profiles, people and organisations."""

    async def find_person_id(self, address: str) -> str | None: ...


async def members_of(store: CoachingPeople, ids: Collection[str]) -> dict[str, Member]:
    """Each person's name (the Entra id when unknown), organisation name (the coaching profile's, else the
    one from their email) and address."""
    organizations = {o.key: o.short_name for o in await store.list_organizations()}
    found: dict[str, Member] = {}
    for person_id in dict.fromkeys(ids):
        person = await store.get_person(person_id)
        profile = await store.get_profile(person_id)
        org = (profile.organization if profile else None) or (person.organization if person else None)
        found[person_id] = Member(
            person_id,
            (person.name or person.email or person_id) if person else person_id,
            organizations.get(org, org or "") if org else "",
            person.address if person else None,
            person.locale if person else None,
        )
    return found


@dataclass(frozen=True)
class ProfileView:
    profile: Profile
    joined: bool
    organizations: Sequence[tuple[str, str]]  # (key, short name), for the choice
    partners: Sequence[Member]  # the people of one's newest confirmed group
    who: Actor


async def profile_view(
    store: CoachingPeople, person: str | None, *, coordinator: bool, locale: str | None
) -> ProfileView:
    """The profile card's content: the stored profile, or a starter one with the organisation from the
    person's email domain."""
    who = await actor(store, person, coordinator=coordinator)
    me = who.require_person()
    stored = await store.get_profile(me)
    if stored is None:
        known = await store.get_person(me)
        profile = starter_profile(me, known.organization if known else None, locale)
    else:
        profile = stored
    partners: list[Member] = []
    for past in await store.confirmed_rounds():
        group = past.group_of(me)
        if group is not None:
            others = [m for m in group.members if not same_person(m, me)]
            people = await members_of(store, others)
            partners = [people[m] for m in others]
            break
    organizations = [(o.key, o.short_name) for o in await store.list_organizations()]
    return ProfileView(profile, stored is not None, organizations, partners, who)


@dataclass(frozen=True)
class ProfileChoices:
    """The profile form: `organization_name` names an organisation missing from the list."""

    organization: str | None
    organization_name: str
    profile: Profile


async def save_choices(
    store: CoachingPeople,
    who: Actor,
    choices: ProfileChoices,
    themes: Sequence[Theme],
) -> Profile:
    """Join or update one's profile; a named organisation is found or added first."""
    organization = choices.organization
    if choices.organization_name:
        organization = (await organization_named(store, who, choices.organization_name)).key
    keys = [o.key for o in await store.list_organizations()]
    if organization is not None and organization not in keys:
        raise Invalid("coaching.error.unknown_organization")
    profile = replace(choices.profile, person=who.require_person(), organization=organization)
    return await save_profile(store, who, profile, themes, keys)


async def name_lead(store: CoachingPeople, who: Actor, email: str, lead: bool) -> str:
    """Name (or un-name) the person with this email a coaching lead; `Invalid` when nobody has it."""
    who.require_coordinator()
    person = await store.find_person_id(email)
    if person is None:
        raise Invalid("coaching.error.unknown_person", email=email)
    await set_lead(store, who, person, lead)
    return person
