"""Digital competence badges (osaamismerkit): badge classes, awards as Open Badges 3.0 credentials,
automatic criteria from what the bot already knows, manual awards and revocation, verification.

A badge class (`BadgeClass`, OB "Achievement") is built in (`config/badges.yml`, with an automatic rule)
or defined by the coordinator from Teams (awarded by hand). An award is signed once, when it is made;
revoking sets its bit in the published status list, which is what verifiers check. A person gets each
class once (a revoked badge is not awarded again automatically).

Rules kept here once: only a coordinator defines classes, awards by hand and revokes; automatic awards
follow `Facts` (meetings presented and attended that have started, completed self-assessments, coaching
check-ins); a person's own badges are theirs to list, the coordinator sees counts per class and
organisation.

Erasure (`forget_badge_recipient`): the award stays, pseudonymous (no person, name or email is kept; the
credential itself carries only a salted hash of the email), so the published status list and any copy
the person already put in a wallet stay verifiable. The coordinator can revoke it first if it must die.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from core.credentials import STATUS_LIST_SIZE, AchievementText, Issuer, Signer, credential, jwt_claims
from core.errors import Conflict, Invalid, NotAllowed, NotFound
from core.people import Organization, Person

KEY = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
NAME_MAX, TEXT_MAX = 60, 1000
COLORS = ("teal", "blue", "purple", "red", "orange", "green")
EMBLEMS = ("star", "leaf", "bridge", "people", "compass", "spark")
INDEX_TRIES = 8


class Rule(StrEnum):
    MANUAL = "manual"
    PRESENTED = "presented"  # presented at this many network meetings (that have started)
    ATTENDED = "attended"  # attended this many meetings
    ASSESSED = "assessed"  # completed this many self-assessments
    COACHED = "coached"  # said in this many peer-coaching check-ins that the pair or group met


@dataclass(frozen=True)
class BadgeClass:
    key: str
    name_fi: str
    name_en: str
    description_fi: str
    description_en: str
    criteria_fi: str
    criteria_en: str
    rule: Rule = Rule.MANUAL
    threshold: int = 1
    color: str = "teal"
    emblem: str = "star"
    valid_months: int | None = None
    builtin: bool = False
    active: bool = True

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_fi

    def description(self, locale: str) -> str:
        return self.description_en if locale == "en" else self.description_fi

    def criteria(self, locale: str) -> str:
        return self.criteria_en if locale == "en" else self.criteria_fi

    def text(self, locale: str) -> AchievementText:
        lang = "en" if locale == "en" else "fi"
        return AchievementText(self.key, self.name(lang), self.description(lang), self.criteria(lang), lang)


def validate_class(badge: BadgeClass) -> BadgeClass:
    """The class with tidied texts; `Invalid` naming the broken rule."""

    def line(text: str) -> str:
        return " ".join(text.split())

    cleaned = replace(
        badge,
        key=badge.key.strip().lower(),
        name_fi=line(badge.name_fi),
        name_en=line(badge.name_en),
        description_fi=badge.description_fi.strip(),
        description_en=badge.description_en.strip(),
        criteria_fi=badge.criteria_fi.strip(),
        criteria_en=badge.criteria_en.strip(),
    )
    if not KEY.match(cleaned.key):
        raise Invalid("badges.error.bad_key")
    for name in (cleaned.name_fi, cleaned.name_en):
        if not name or len(name) > NAME_MAX:
            raise Invalid("badges.error.bad_name", max=NAME_MAX)
    for text in (cleaned.description_fi, cleaned.description_en, cleaned.criteria_fi, cleaned.criteria_en):
        if not text or len(text) > TEXT_MAX:
            raise Invalid("badges.error.bad_text", max=TEXT_MAX)
    if cleaned.color not in COLORS or cleaned.emblem not in EMBLEMS:
        raise Invalid("badges.error.bad_look")
    if not 1 <= cleaned.threshold <= 100:
        raise Invalid("badges.error.bad_threshold")
    if cleaned.valid_months is not None and not 1 <= cleaned.valid_months <= 120:
        raise Invalid("badges.error.bad_validity")
    return cleaned


def key_for(name: str, taken: Sequence[str]) -> str:
    """A class key from its Finnish name ("Verkostojen rakentaja" -> "verkostojen-rakentaja"), unique."""
    plain = name.lower().translate(str.maketrans("äöå", "aoa"))
    base = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:36] or "merkki"
    if len(base) < 2:
        base = f"{base}-merkki"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


@dataclass(frozen=True)
class Award:
    """One badge given to one person: the credential as signed (`jws`) and its status."""

    id: str
    class_key: str
    person: str | None  # None once the person's data is erased
    organization: str | None
    status_index: int
    issued_at: datetime
    valid_until: datetime | None
    jws: str
    locale: str
    awarded_by: str | None = None  # the coordinator, for manual awards
    revoked_at: datetime | None = None
    revoked_reason: str = ""


@dataclass(frozen=True)
class Facts:
    presented: int = 0
    attended: int = 0
    assessed: int = 0
    coached: int = 0

    def count(self, rule: Rule) -> int:
        return {
            Rule.PRESENTED: self.presented,
            Rule.ATTENDED: self.attended,
            Rule.ASSESSED: self.assessed,
            Rule.COACHED: self.coached,
        }.get(rule, 0)


@dataclass(frozen=True)
class Counts:
    by_class: Mapping[str, int]  # valid (unrevoked) awards per class key
    by_organization: Mapping[str, int]  # per organisation key ("" for unknown)
    revoked: int


class BadgeStore(Protocol):
    async def seed_badge_classes(self, classes: Sequence[BadgeClass]) -> int:
        """Insert built-in classes whose key is new (edited ones are left alone); how many were added."""
        ...

    async def list_badge_classes(self) -> Sequence[BadgeClass]: ...

    async def get_badge_class(self, key: str) -> BadgeClass | None: ...

    async def save_badge_class(self, badge: BadgeClass) -> BadgeClass:
        """Insert or update by key."""
        ...

    async def add_award(self, award: Award) -> Award | None:
        """Store an award; None when the person already has this class. `Conflict`
        ("badges.error.index_taken") when the status index is in use (draw another)."""
        ...

    async def get_award(self, award_id: str) -> Award | None: ...

    async def awards_of(self, person: str) -> Sequence[Award]:
        """The person's awards, newest first."""
        ...

    async def awards_of_class(self, key: str) -> Sequence[Award]: ...

    async def revoke_award(self, award_id: str, reason: str, now: datetime) -> Award:
        """Mark revoked (a second revocation keeps the first time); `NotFound`."""
        ...

    async def revoked_indexes(self) -> Sequence[int]: ...

    async def award_counts(self) -> Counts: ...

    async def badge_facts(self, person: str, now: datetime) -> Facts:
        """What the person has done that automatic criteria look at."""
        ...

    async def badge_candidates(self, now: datetime) -> Sequence[str]:
        """People with any fact an automatic rule could count (presenters, attendees, assessed)."""
        ...

    async def save_signing_key(self, kid: str, jwk: Mapping[str, object]) -> None:
        """Publish a public key (kept when the key is rotated, so older badges still verify)."""
        ...

    async def signing_keys(self) -> Mapping[str, Mapping[str, object]]:
        """Every public key ever used, by thumbprint."""
        ...

    async def forget_badge_recipient(self, person: str) -> int:
        """Erasure: the person's awards keep their credential and status but no longer name the person
        (or whoever awarded them, if it was this person). Returns how many awards were affected."""
        ...


class People(Protocol):
    async def get_person(self, aad_object_id: str) -> Person | None: ...

    async def find_person_id(self, address: str) -> str | None: ...

    async def list_organizations(self) -> Sequence[Organization]: ...


def require_coordinator(is_coordinator: bool) -> None:
    if not is_coordinator:
        raise NotAllowed("badges.error.coordinator_only")


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


async def define_class(
    store: BadgeStore, badge: BadgeClass, *, is_coordinator: bool, editing: bool = False
) -> BadgeClass:
    """The coordinator defines (or edits, by key) a class that is awarded by hand; a new class without a
    key gets one from its Finnish name. A built-in class keeps its automatic rule."""
    require_coordinator(is_coordinator)
    if not editing:
        others = await store.list_badge_classes()
        names = {n.casefold() for c in others for n in (c.name_fi, c.name_en)}
        if {" ".join(badge.name_fi.split()).casefold(), " ".join(badge.name_en.split()).casefold()} & names:
            raise Conflict("badges.error.key_taken")
        if not badge.key:
            badge = replace(badge, key=key_for(badge.name_fi, [c.key for c in others]))
    cleaned = validate_class(badge)
    existing = await store.get_badge_class(cleaned.key)
    if existing is not None and not editing:
        raise Conflict("badges.error.key_taken")
    if existing is not None and existing.builtin:
        cleaned = replace(cleaned, rule=existing.rule, threshold=existing.threshold, builtin=True)
    elif existing is None and editing:
        raise NotFound("badges.error.unknown_class")
    else:
        cleaned = replace(cleaned, rule=Rule.MANUAL, builtin=False)
    return await store.save_badge_class(cleaned)


async def issue(
    store: BadgeStore,
    signer: Signer,
    issuer: Issuer,
    badge: BadgeClass,
    person: Person,
    now: datetime,
    *,
    awarded_by: str | None = None,
) -> Award | None:
    """Sign and store the person's award of `badge`; None when they already have it."""
    locale = "en" if (person.locale or "").lower().startswith("en") else "fi"
    valid_until = add_months(now, badge.valid_months) if badge.valid_months else None
    award_id = uuid.uuid4().hex
    for _ in range(INDEX_TRIES):
        index = secrets.randbelow(STATUS_LIST_SIZE)  # random positions: nothing to infer from one
        document = credential(
            issuer,
            badge.text(locale),
            award_id=award_id,
            subject_id=f"urn:uuid:{uuid.uuid4()}",
            address=person.address,
            salt=secrets.token_hex(8),
            status_index=index,
            valid_from=now,
            valid_until=valid_until,
        )
        await store.save_signing_key(signer.kid, signer.public_jwk)
        token = signer.sign(jwt_claims(document), issuer.key_url(signer.kid))
        award = Award(
            award_id,
            badge.key,
            person.aad_object_id,
            person.organization,
            index,
            now,
            valid_until,
            token,
            locale,
            awarded_by,
        )
        try:
            return await store.add_award(award)
        except Conflict as error:
            if error.key != "badges.error.index_taken":
                raise
    raise Conflict("badges.error.list_full")


async def evaluate(
    store: BadgeStore, people: People, signer: Signer, issuer: Issuer, person_id: str, now: datetime
) -> list[Award]:
    """Award every automatic badge the person now meets and does not have yet."""
    facts = await store.badge_facts(person_id, now)
    person = await people.get_person(person_id)
    if person is None:
        return []
    have = {a.class_key for a in await store.awards_of(person_id)}
    awarded = []
    for badge in await store.list_badge_classes():
        if not badge.active or badge.rule is Rule.MANUAL or badge.key in have:
            continue
        if facts.count(badge.rule) >= badge.threshold:
            award = await issue(store, signer, issuer, badge, person, now)
            if award is not None:
                awarded.append(award)
    return awarded


async def my_badges(store: BadgeStore, person: str) -> list[tuple[Award, BadgeClass | None]]:
    """The person's own awards, newest first, each with its class."""
    classes = {c.key: c for c in await store.list_badge_classes()}
    return [(a, classes.get(a.class_key)) for a in await store.awards_of(person)]


async def own_award(store: BadgeStore, person: str | None, award_id: str) -> tuple[Award, BadgeClass]:
    """One of the person's own valid awards with its class (to download); `NotFound` for anyone else's,
    `Conflict` once it is revoked."""
    award = await store.get_award(award_id)
    if award is None or person is None or award.person != person:
        raise NotFound("badges.error.unknown_award")
    if award.revoked_at is not None:
        raise Conflict("badges.error.revoked")
    badge = await store.get_badge_class(award.class_key)
    if badge is None:
        raise NotFound("badges.error.unknown_class")
    return award, badge


async def badge_class(store: BadgeStore, key: str, *, is_coordinator: bool) -> BadgeClass:
    """A class for the coordinator's forms."""
    require_coordinator(is_coordinator)
    badge = await store.get_badge_class(key)
    if badge is None:
        raise NotFound("badges.error.unknown_class")
    return badge


@dataclass(frozen=True)
class Management:
    classes: Sequence[BadgeClass]
    counts: Counts
    organizations: Mapping[str, str]  # key -> short name


async def management(store: BadgeStore, people: People, *, is_coordinator: bool) -> Management:
    """The coordinator's view: every class, and valid awards per class and organisation."""
    require_coordinator(is_coordinator)
    organizations = {o.key: o.short_name for o in await people.list_organizations()}
    return Management(await store.list_badge_classes(), await store.award_counts(), organizations)


@dataclass(frozen=True)
class ClassAwards:
    badge: BadgeClass
    awards: Sequence[Award]
    names: Mapping[str, str]  # recipient id -> name (the coordinator sees who holds a badge)


async def class_awards(
    store: BadgeStore, people: People, key: str, *, is_coordinator: bool, limit: int = 30
) -> ClassAwards:
    badge = await badge_class(store, key, is_coordinator=is_coordinator)
    awards = await store.awards_of_class(key)
    names: dict[str, str] = {}
    for award in awards[:limit]:
        if award.person and award.person not in names:
            person = await people.get_person(award.person)
            names[award.person] = (person.name or person.email or award.person) if person else award.person
    return ClassAwards(badge, awards, names)


@dataclass(frozen=True)
class ManualOutcome:
    address: str
    person: Person | None
    award: Award | None  # None: unknown person, or they already had it

    @property
    def already(self) -> bool:
        return self.person is not None and self.award is None


@dataclass(frozen=True)
class ManualAwards:
    badge: BadgeClass
    outcomes: Sequence[ManualOutcome]

    @property
    def awards(self) -> list[Award]:
        return [o.award for o in self.outcomes if o.award is not None]


async def award_by_hand(
    store: BadgeStore,
    people: People,
    signer: Signer,
    issuer: Issuer,
    key: str,
    addresses: Sequence[str],
    *,
    is_coordinator: bool,
    by: str | None,
    now: datetime,
) -> ManualAwards:
    """The coordinator awards a class to people named by email address."""
    require_coordinator(is_coordinator)
    badge = await store.get_badge_class(key)
    if badge is None or not badge.active:
        raise NotFound("badges.error.unknown_class")
    wanted = [a.strip() for a in addresses if a.strip()]
    if not wanted:
        raise Invalid("badges.error.no_people")
    if len(wanted) > 50:
        raise Invalid("badges.error.too_many", max=50)
    outcomes = []
    for address in dict.fromkeys(wanted):
        person_id = await people.find_person_id(address)
        person = await people.get_person(person_id) if person_id else None
        award = await issue(store, signer, issuer, badge, person, now, awarded_by=by) if person else None
        outcomes.append(ManualOutcome(address, person, award))
    return ManualAwards(badge, outcomes)


async def revoke(
    store: BadgeStore, award_id: str, reason: str, *, is_coordinator: bool, now: datetime
) -> Award:
    require_coordinator(is_coordinator)
    if len(reason) > TEXT_MAX:
        raise Invalid("badges.error.bad_text", max=TEXT_MAX)
    if await store.get_award(award_id) is None:
        raise NotFound("badges.error.unknown_award")
    return await store.revoke_award(award_id, " ".join(reason.split()), now)


class Verdict(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    INVALID = "invalid"  # the signature does not verify with a published key


@dataclass(frozen=True)
class Verification:
    award: Award
    badge: BadgeClass | None
    verdict: Verdict
    claims: Mapping[str, object] | None


async def verify_award(store: BadgeStore, signer: Signer, award_id: str, now: datetime) -> Verification:
    """What a verifier should conclude of an award: its signature, status and validity period."""
    award = await store.get_award(award_id)
    if award is None:
        raise NotFound("badges.error.unknown_award")
    badge = await store.get_badge_class(award.class_key)
    claims = signer.verify(award.jws, await store.signing_keys())
    if claims is None:
        verdict = Verdict.INVALID
    elif award.revoked_at is not None:
        verdict = Verdict.REVOKED
    elif award.valid_until is not None and award.valid_until <= now:
        verdict = Verdict.EXPIRED
    else:
        verdict = Verdict.VALID
    return Verification(award, badge, verdict, claims)


def is_valid(award: Award, now: datetime) -> bool:
    return award.revoked_at is None and (award.valid_until is None or award.valid_until > now)


async def counts(store: BadgeStore, *, is_coordinator: bool) -> Counts:
    require_coordinator(is_coordinator)
    return await store.award_counts()


STATUS_LIST_TTL = timedelta(minutes=5)
