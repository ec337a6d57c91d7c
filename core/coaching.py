"""Peer coaching (vertaisvalmennus): the coaching pool and the profiles people keep in it.

The seed's model (`shared/seeds/003_...`): peer coaches of 76 education providers work in thematic partner
pairs or small groups ("temaattisia kumppanuuspareja tai pienryhmiä") by sparring, mentoring, light peer
review and benchmarking. Anyone joins the pool with `valmennus` and keeps a profile: organisation (from the
email domain, editable), role (coach, coachee, either), themes (a config file the coordinator edits),
preferred methods, languages, the group sizes they accept, and may pause until a date, leave and rejoin.

Matching rounds (`core.coaching_rounds`) read the pool; the algorithm is `core.coaching_match`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from core.errors import Invalid, NotAllowed

MIN_SIZE = 2
MAX_SIZE = 5
SIZES = tuple(range(MIN_SIZE, MAX_SIZE + 1))
LANGUAGES = ("fi", "sv", "en")
MAX_THEMES = 12


class Role(StrEnum):
    COACH = "coach"
    COACHEE = "coachee"
    EITHER = "either"

    @property
    def coaches(self) -> bool:
        return self is not Role.COACHEE

    @property
    def is_coached(self) -> bool:
        return self is not Role.COACH


class Method(StrEnum):
    """The seed's ways of peer learning, in the order suggestions prefer them."""

    SPARRING = "sparring"  # sparraus
    MENTORING = "mentoring"  # mentorointi
    PEER_REVIEW = "peer_review"  # kevyt vertaisarviointi
    BENCHMARKING = "benchmarking"  # benchmarkkaus


class PoolStatus(StrEnum):
    ACTIVE = "active"
    LEFT = "left"


@dataclass(frozen=True)
class Theme:
    """A theme coaches work on (`config/coaching.yml`); `key` is stable, the names may be edited."""

    key: str
    name_fi: str
    name_en: str

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_fi


@dataclass(frozen=True)
class Profile:
    """One person in the coaching pool (keyed by Entra object id).

    `organization` is an `Organization.key`: prefilled from the email domain, the person may change it (the
    same-organisation rule uses this one). `allow_same_organization` lets them be matched with colleagues
    (only with colleagues who allow it too). Paused until `paused_until` (inclusive, a Helsinki date).
    """

    person: str
    organization: str | None
    role: Role = Role.EITHER
    themes: tuple[str, ...] = ()
    methods: tuple[Method, ...] = (Method.SPARRING,)
    languages: tuple[str, ...] = ("fi",)
    sizes: tuple[int, ...] = (2, 3)
    allow_same_organization: bool = False
    status: PoolStatus = PoolStatus.ACTIVE
    paused_until: date | None = None
    joined_at: datetime | None = field(default=None, compare=False)
    updated_at: datetime | None = field(default=None, compare=False)

    def paused_on(self, today: date) -> bool:
        return self.paused_until is not None and today <= self.paused_until

    def accepts(self, size: int) -> bool:
        return size in self.sizes


@dataclass(frozen=True)
class CoachingConfig:
    """Built at start: the themes (`config/coaching.yml`), the organisations the seed file owns (edited
    there, not in Teams), and whether the bot creates a Graph group chat per group (`COACHING_GROUP_CHATS`)
    and installs itself there (`TEAMS_APP_CATALOG_ID`, the app's id in the tenant's app catalogue)."""

    themes: tuple[Theme, ...]
    file_organizations: frozenset[str] = frozenset()
    group_chats: bool = False
    teams_app_id: str | None = None


def validate_profile(profile: Profile, themes: Sequence[Theme], organizations: Sequence[str]) -> Profile:
    """The profile with its choices de-duplicated and ordered; raises `Invalid` naming the broken rule."""
    known_themes = [t.key for t in themes]
    if profile.organization is not None and profile.organization not in organizations:
        raise Invalid("coaching.error.unknown_organization")
    chosen = [t for t in known_themes if t in set(profile.themes)]
    if len(chosen) != len(set(profile.themes)):
        raise Invalid("coaching.error.unknown_theme")
    if not chosen:
        raise Invalid("coaching.error.no_theme")
    if len(chosen) > MAX_THEMES:
        raise Invalid("coaching.error.too_many_themes", max=MAX_THEMES)
    methods = tuple(m for m in Method if m in set(profile.methods))
    if not methods:
        raise Invalid("coaching.error.no_method")
    languages = tuple(lang for lang in LANGUAGES if lang in set(profile.languages))
    if len(languages) != len(set(profile.languages)) or not languages:
        raise Invalid("coaching.error.no_language")
    sizes = tuple(s for s in SIZES if s in set(profile.sizes))
    if len(sizes) != len(set(profile.sizes)) or not sizes:
        raise Invalid("coaching.error.no_size", min=MIN_SIZE, max=MAX_SIZE)
    return replace(profile, themes=tuple(chosen), methods=methods, languages=languages, sizes=sizes)


def starter_profile(person: str, organization: str | None, locale: str | None) -> Profile:
    """What the profile card shows someone who has not joined yet (nothing stored)."""
    language = "en" if (locale or "").lower().startswith("en") else "fi"
    return Profile(person, organization, languages=(language,))


class CoachingStore(Protocol):
    """Where profiles, coaching leads, rounds and check-ins are kept (`store/coaching.py`)."""

    async def get_profile(self, person: str) -> Profile | None: ...

    async def save_profile(self, profile: Profile) -> Profile:
        """Insert or update by person; `joined_at` is kept from the first save."""
        ...

    async def list_profiles(self) -> Sequence[Profile]:
        """Every profile, those who left included, ordered by person id."""
        ...

    async def coaching_leads(self) -> Sequence[str]:
        """The Entra ids of people a coordinator named coaching leads (they may run rounds)."""
        ...

    async def set_coaching_lead(self, person: str, lead: bool) -> None: ...


@dataclass(frozen=True)
class Actor:
    """Who is acting and what they may do (from the turn: Entra id, coordinator setting, lead list)."""

    person: str | None
    coordinator: bool = False
    lead: bool = False

    @property
    def runs_rounds(self) -> bool:
        return self.coordinator or self.lead

    def require_person(self) -> str:
        if not self.person:
            raise NotAllowed("coaching.error.no_identity")
        return self.person

    def require_rounds(self) -> str:
        person = self.require_person()
        if not self.runs_rounds:
            raise NotAllowed("coaching.error.lead_only")
        return person

    def require_coordinator(self) -> str:
        person = self.require_person()
        if not self.coordinator:
            raise NotAllowed("coaching.error.coordinator_only")
        return person


async def actor(store: CoachingStore, person: str | None, *, coordinator: bool) -> Actor:
    """The acting person with their coaching rights."""
    lead = False
    if person:
        lead = person.casefold() in {p.casefold() for p in await store.coaching_leads()}
    return Actor(person, coordinator=coordinator, lead=lead)


async def save_profile(
    store: CoachingStore,
    who: Actor,
    profile: Profile,
    themes: Sequence[Theme],
    organizations: Sequence[str],
) -> Profile:
    """Join the pool or update one's own profile (a saved profile is active again: saving is rejoining)."""
    person = who.require_person()
    if profile.person != person:
        raise NotAllowed("coaching.error.not_yours")
    cleaned = validate_profile(replace(profile, status=PoolStatus.ACTIVE), themes, organizations)
    return await store.save_profile(cleaned)


async def pause(store: CoachingStore, who: Actor, until: date | None, today: date) -> Profile:
    """Pause one's matching until a date (inclusive), or resume at once with `until` None."""
    profile = await _own_profile(store, who)
    if until is not None and until < today:
        raise Invalid("coaching.error.pause_past")
    if until is not None and (until - today).days > 366:
        raise Invalid("coaching.error.pause_too_long")
    return await store.save_profile(replace(profile, paused_until=until, status=PoolStatus.ACTIVE))


async def leave(store: CoachingStore, who: Actor) -> Profile:
    """Leave the pool: no more rounds or check-ins; the profile is kept so rejoining is one click."""
    profile = await _own_profile(store, who)
    return await store.save_profile(replace(profile, status=PoolStatus.LEFT, paused_until=None))


async def rejoin(store: CoachingStore, who: Actor) -> Profile:
    profile = await _own_profile(store, who)
    return await store.save_profile(replace(profile, status=PoolStatus.ACTIVE, paused_until=None))


async def pool(store: CoachingStore, who: Actor) -> Sequence[Profile]:
    """Every profile of the pool (coordinators and coaching leads)."""
    who.require_rounds()
    return await store.list_profiles()


async def leads(store: CoachingStore, who: Actor) -> Sequence[str]:
    """The coaching leads (the coordinator's list)."""
    who.require_coordinator()
    return await store.coaching_leads()


async def set_lead(store: CoachingStore, who: Actor, person: str, lead: bool) -> None:
    """Name (or un-name) a coaching lead, who may run rounds: a coordinator's decision."""
    who.require_coordinator()
    await store.set_coaching_lead(person, lead)


async def _own_profile(store: CoachingStore, who: Actor) -> Profile:
    person = who.require_person()
    profile = await store.get_profile(person)
    if profile is None:
        raise Invalid("coaching.error.not_in_pool")
    return profile
