"""What the coordinator sees of peer coaching: the pool, rounds, meeting rate, methods, organisations, and
the CSV of pairs and groups (for the coordinator only: it names people)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from core.coaching import Actor, Method, PoolStatus
from core.coaching_rounds import CheckIn, Decision, Round, RoundStore
from core.i18n import Translator
from core.people import Organization, PeopleStore, Person
from core.ratios import percent
from core.spreadsheets import Cell, csv_for_excel

LEARNED_SHOWN = 15
ORGANIZATIONS_CHARTED = 10


@dataclass(frozen=True)
class Overview:
    active: int
    paused: int
    left: int
    rounds: int
    pairs: int
    groups: int  # of three or more
    matched: int  # distinct people matched in any round
    checkins_sent: int
    answers: int
    met: int
    cross_organization: int  # groups without two people of one organisation
    methods: Mapping[Method, int]  # what those who met say they used
    organizations: Sequence[tuple[str, int]]  # organisation key -> people in the pool, largest first
    learned: Sequence[str] = ()  # newest first, without names
    proposal: Round | None = None
    latest: Round | None = None
    leads: Sequence[str] = field(default_factory=tuple)
    organization_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def meeting_rate(self) -> int:
        """Per cent of answered check-ins that say the group met."""
        return percent(self.met, self.answers)

    @property
    def cross_rate(self) -> int:
        total = self.pairs + self.groups
        return percent(self.cross_organization, total)


class ReportStore(RoundStore, PeopleStore, Protocol):
    pass


async def overview(store: ReportStore, who: Actor, today: date) -> Overview:
    """The coordinator's (or a coaching lead's) view of the whole programme."""
    who.require_rounds()
    profiles = await store.list_profiles()
    rounds = await store.confirmed_rounds()
    checkins = await store.checkins()
    in_pool = [p for p in profiles if p.status is not PoolStatus.LEFT]
    groups = [g for r in rounds for g in r.groups]
    met = [c for c in checkins if c.met]
    methods = Counter(c.method for c in met if c.method is not None)
    organizations = Counter(p.organization for p in in_pool if p.organization)
    learned = [c.learned for c in sorted(checkins, key=_answered, reverse=True) if c.learned]
    return Overview(
        active=sum(1 for p in in_pool if not p.paused_on(today)),
        paused=sum(1 for p in in_pool if p.paused_on(today)),
        left=len(profiles) - len(in_pool),
        rounds=len(rounds),
        pairs=sum(1 for g in groups if len(g.members) == 2),
        groups=sum(1 for g in groups if len(g.members) > 2),
        matched=len({m for g in groups for m in g.members}),
        checkins_sent=sum(r.matched for r in rounds if r.checkins_sent_at is not None),
        answers=len(checkins),
        met=len(met),
        cross_organization=sum(1 for g in groups if not g.same_organization),
        methods={m: methods[m] for m in Method if methods[m]},
        organizations=sorted(organizations.items(), key=lambda kv: (-kv[1], kv[0])),
        learned=learned[:LEARNED_SHOWN],
        proposal=await store.proposal(),
        latest=rounds[0] if rounds else None,
        leads=tuple(await store.coaching_leads()),
        organization_names={o.key: o.short_name for o in await store.list_organizations()},
    )


def _answered(checkin: CheckIn) -> str:
    return checkin.answered_at.isoformat() if checkin.answered_at else ""


async def pairs_csv(store: ReportStore, who: Actor, t: Translator) -> tuple[bytes, int]:
    """Every confirmed round's pairs and groups, one row a person, as the CSV Finnish Excel opens right
    (`core.spreadsheets.csv_for_excel`: semicolons, a byte order mark, formula guard; headers in the
    reader's language, the round's time as Excel reads a date); returns (file bytes, rows)."""
    who.require_coordinator()
    rounds = await store.confirmed_rounds()
    answers = {(c.round_id, c.person): c for c in await store.checkins()}
    organizations = {o.key: o for o in await store.list_organizations()}
    people: dict[str, Person | None] = {}
    rows: list[list[Cell]] = []
    for past in rounds:
        for group in past.groups:
            repeated = {m for p in group.repeats for m in p}
            for member in group.members:
                if member not in people:
                    people[member] = await store.get_person(member)
                person = people[member]
                profile_org = await _organization(store, member, person)
                answer = answers.get((past.id, member))
                rows.append(
                    [
                        past.confirmed_at or "",
                        past.id[:8],
                        str(group.number),
                        str(len(group.members)),
                        (person.name if person else None) or member,
                        (person.address if person else None) or "",
                        _organization_name(organizations, profile_org),
                        t(f"coaching.method.{group.method.value}"),
                        t("coaching.csv.yes") if member in repeated else t("coaching.csv.no"),
                        _met(t, answer),
                        _method_used(t, answer),
                        _decision(t, answer),
                    ]
                )
    header = [t(f"coaching.csv.{column}") for column in COLUMNS]
    return csv_for_excel(header, rows), len(rows)


COLUMNS = (
    "round_date",
    "round",
    "group",
    "size",
    "name",
    "email",
    "organization",
    "method",
    "repeat",
    "met",
    "method_used",
    "decision",
)


async def _organization(store: ReportStore, member: str, person: Person | None) -> str | None:
    profile = await store.get_profile(member)
    if profile is not None and profile.organization:
        return profile.organization
    return person.organization if person else None


def _organization_name(organizations: Mapping[str, Organization], key: str | None) -> str:
    if key is None:
        return ""
    found = organizations.get(key)
    return found.short_name if found else key


def _met(t: Translator, answer: CheckIn | None) -> str:
    if answer is None:
        return ""
    return t("coaching.csv.yes") if answer.met else t("coaching.csv.no")


def _method_used(t: Translator, answer: CheckIn | None) -> str:
    if answer is None or answer.method is None:
        return ""
    return t(f"coaching.method.{answer.method.value}")


def _decision(t: Translator, answer: CheckIn | None) -> str:
    if answer is None:
        return ""
    return t("coaching.csv.continue") if answer.decision is Decision.CONTINUE else t("coaching.csv.end")
