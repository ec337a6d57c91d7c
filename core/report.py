"""The activity report for the funder (raportti): what the networks and the project did in a period.

Definitions (the workbook's front sheet states them in the reader's language):
- a meeting belongs to the period when it starts in it; it is *held* when it started by the time the report
  is made, *planned* when it starts later;
- a *presentation* is one presenter at one meeting; presenters are counted by their organisation;
- *attendance* is the "I'll attend" clicks on the period's meetings (one per person and meeting);
- a *small group* is one group the facilitator formed at a meeting;
- a person *takes part* in a network when they presented, said they would attend or were in a small group at
  one of its meetings, or voted in one of its named polls (anonymous ballots name no one); in the project,
  also by answering a needs survey started in the period, being matched in a coaching round confirmed in
  it, or completing a self-assessment in it. Organisations are those of the people taking part; a partner
  organisation of the catalogue with no one taking part is listed as not active;
- materials, polls, self-assessments and badges count when filed, posted, completed or awarded in the
  period; a poll's participation is its ballots against the members it was posted to (the network's
  members today when that was not recorded);
- a survey's response rate per organisation is answers against the people of the organisation the bot
  knows (as on the survey's own results card);
- coaching: rounds confirmed in the period, their pairs (two people) and groups (three or more), the
  meeting rate of the answered check-ins of those rounds, and the share of pairs and groups whose members
  all come from different organisations.
Only counts leave this module: no name or address of a person is in a report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from core.badges import BadgeStore
from core.coaching_rounds import Round, RoundStore
from core.errors import NotAllowed
from core.networks import Network, NetworkStatus, NetworkStore
from core.people import PeopleStore
from core.periods import Period
from core.ratios import percent
from core.survey import Survey, SurveyStore, summarize

PROJECT = "*"  # the key of the whole project's row


@dataclass(frozen=True)
class MeetingRecord:
    id: str
    network_key: str
    theme: str
    starts_at: datetime
    presenters: tuple[str, ...] = ()
    attendees: tuple[str, ...] = ()
    group_members: tuple[str, ...] = ()
    groups: int = 0


@dataclass(frozen=True)
class PollRecord:
    id: str
    network: str | None
    theme_vote: bool
    anonymous: bool
    voters: tuple[str, ...]  # keyed hashes for anonymous polls: counted, never taken for people
    audience: int  # members it was posted to; 0 when not recorded


@dataclass(frozen=True)
class AwardRecord:
    class_key: str
    organization: str | None
    revoked: bool


@dataclass(frozen=True)
class ActivityRecords:
    """What the store finds of one period, read in one transaction."""

    meetings: Sequence[MeetingRecord] = ()
    materials: Sequence[str] = ()  # the network key of each material filed
    polls: Sequence[PollRecord] = ()
    surveys: Sequence[Survey] = ()  # started in the period
    assessments: Sequence[str] = ()  # the person of each self-assessment completed
    awards: Sequence[AwardRecord] = ()
    network_members: Mapping[str, int] = field(default_factory=dict)
    organizations: Mapping[str, str] = field(default_factory=dict)  # person -> organisation key


class ActivityStore(Protocol):
    async def activity_between(self, start: datetime, end: datetime) -> ActivityRecords:
        """Everything of `start` <= time < `end`, plus every known person's organisation (their own, else
        their coaching profile's)."""
        ...


class ReportStore(ActivityStore, SurveyStore, NetworkStore, PeopleStore, RoundStore, BadgeStore, Protocol):
    """What the report reads."""


@dataclass(frozen=True)
class Figures:
    meetings_held: int = 0
    meetings_planned: int = 0
    presentations: int = 0
    attendance: int = 0
    small_groups: int = 0
    people: int = 0
    organizations: int = 0
    materials: int = 0
    polls: int = 0
    theme_votes: int = 0
    ballots: int = 0
    eligible: int = 0

    @property
    def participation(self) -> int:
        """Per cent of ballots against the members the polls were posted to."""
        return percent(self.ballots, self.eligible)


@dataclass(frozen=True)
class NetworkReport:
    key: str
    name_fi: str
    name_en: str
    figures: Figures
    themes: tuple[str, ...] = ()
    presenters: Mapping[str, int] = field(default_factory=dict)  # organisation key -> presentations

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_fi


@dataclass(frozen=True)
class OrganizationReport:
    key: str
    name: str
    people: int
    presentations: int
    attendance: int

    @property
    def active(self) -> bool:
        return self.people > 0


@dataclass(frozen=True)
class MeetingLine:
    network: str
    starts_at: datetime
    theme: str
    held: bool
    presenters: int
    attendance: int
    groups: int


@dataclass(frozen=True)
class RateLine:
    survey_started: datetime
    organization: str  # short name
    answered: int
    known: int

    @property
    def percent(self) -> int:
        return percent(self.answered, self.known)


@dataclass(frozen=True)
class CoachingReport:
    rounds: int
    pairs: int
    groups: int
    matched: int
    answers: int
    met: int
    cross_organization: int
    organizations: Mapping[str, int]  # organisation name -> people matched

    @property
    def meeting_rate(self) -> int:
        return percent(self.met, self.answers)

    @property
    def cross_rate(self) -> int:
        total = self.pairs + self.groups
        return percent(self.cross_organization, total)


@dataclass(frozen=True)
class BadgeLine:
    name_fi: str
    name_en: str
    awarded: int
    revoked: int

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_fi


@dataclass(frozen=True)
class ActivityReport:
    period: Period
    made_at: datetime
    networks: Sequence[NetworkReport]
    total: NetworkReport
    organizations: Sequence[OrganizationReport]
    meetings: Sequence[MeetingLine]
    rates: Sequence[RateLine]
    coaching: CoachingReport | None
    assessments: int
    assessed_people: int
    badges: Sequence[BadgeLine]

    @property
    def active_organizations(self) -> list[OrganizationReport]:
        return [o for o in self.organizations if o.active]

    @property
    def inactive_organizations(self) -> list[OrganizationReport]:
        return [o for o in self.organizations if not o.active]


def require_coordinator(is_coordinator: bool) -> None:
    if not is_coordinator:
        raise NotAllowed("report.error.coordinator_only")


async def build(store: ReportStore, period: Period, *, now: datetime, is_coordinator: bool) -> ActivityReport:
    """The report of `period` as the database has it at `now`; only for a coordinator."""
    require_coordinator(is_coordinator)
    records = await store.activity_between(period.starts_at, period.ends_at)
    networks = list(await store.list_networks())
    names = {o.key: o.short_name for o in await store.list_organizations()}
    orgs = dict(records.organizations)
    rates: list[RateLine] = []
    surveyed: set[str] = set()
    headcounts = await store.headcounts() if records.surveys else {}
    for survey in sorted(records.surveys, key=lambda s: s.started_at):
        answers = await store.list_answers(survey.id)
        for answer in answers:
            surveyed.add(answer.person)
            orgs.setdefault(answer.person, answer.organization)
        summary = summarize(survey, answers, networks, headcounts)
        rates += [
            RateLine(survey.started_at, names.get(r.organization, r.organization), r.answered, r.known)
            for r in summary.rates
        ]
    rounds = [r for r in await store.confirmed_rounds() if r.confirmed_at and period.contains(r.confirmed_at)]
    coaching = await _coaching(store, rounds, orgs, names) if rounds else None
    matched = {m for r in rounds for g in r.groups for m in g.members}

    by_network = _network_reports(records, networks, now, orgs)
    everyone = _people(records, None) | _poll_people(records.polls, None)
    everyone |= surveyed | matched | set(records.assessments)
    total = NetworkReport(
        PROJECT,
        "",
        "",
        _figures(records, None, now, everyone, orgs),
        presenters=_presenters(records, None, orgs),
    )
    return ActivityReport(
        period=period,
        made_at=now,
        networks=by_network,
        total=total,
        organizations=_organizations(records, names, everyone, orgs),
        meetings=[
            MeetingLine(
                m.network_key,
                m.starts_at,
                m.theme,
                m.starts_at <= now,
                len(m.presenters),
                len(m.attendees),
                m.groups,
            )
            for m in sorted(records.meetings, key=lambda m: (m.starts_at, m.network_key))
        ],
        rates=rates,
        coaching=coaching,
        assessments=len(records.assessments),
        assessed_people=len(set(records.assessments)),
        badges=await _badges(store, records),
    )


def _meetings(records: ActivityRecords, network: str | None) -> list[MeetingRecord]:
    return [m for m in records.meetings if network is None or m.network_key == network]


def _poll_people(polls: Iterable[PollRecord], network: str | None) -> set[str]:
    return {
        v for p in polls if not p.anonymous and (network is None or p.network == network) for v in p.voters
    }


def _people(records: ActivityRecords, network: str | None) -> set[str]:
    people = {p for m in _meetings(records, network) for p in (*m.presenters, *m.attendees, *m.group_members)}
    return people | _poll_people(records.polls, network) if network else people


def _figures(
    records: ActivityRecords, network: str | None, now: datetime, people: set[str], orgs: Mapping[str, str]
) -> Figures:
    meetings = _meetings(records, network)
    polls = [p for p in records.polls if network is None or p.network == network]
    return Figures(
        meetings_held=sum(1 for m in meetings if m.starts_at <= now),
        meetings_planned=sum(1 for m in meetings if m.starts_at > now),
        presentations=sum(len(m.presenters) for m in meetings),
        attendance=sum(len(m.attendees) for m in meetings),
        small_groups=sum(m.groups for m in meetings),
        people=len(people),
        organizations=len({orgs[p] for p in people if p in orgs}),
        materials=sum(1 for key in records.materials if network is None or key == network),
        polls=sum(1 for p in polls if not p.theme_vote),
        theme_votes=sum(1 for p in polls if p.theme_vote),
        ballots=sum(len(p.voters) for p in polls),
        eligible=sum(p.audience or records.network_members.get(p.network or "", 0) for p in polls),
    )


def _presenters(records: ActivityRecords, network: str | None, orgs: Mapping[str, str]) -> dict[str, int]:
    counts = Counter(orgs.get(p, "") for m in _meetings(records, network) for p in m.presenters)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _network_reports(
    records: ActivityRecords, networks: Sequence[Network], now: datetime, orgs: Mapping[str, str]
) -> list[NetworkReport]:
    """Every network that was active or did something in the period, in catalogue order; keys of
    networks no longer in the catalogue stand for their names."""
    touched = {m.network_key for m in records.meetings} | set(records.materials)
    touched |= {p.network for p in records.polls if p.network}
    known = {n.key for n in networks}
    shown = [n for n in networks if n.status is NetworkStatus.ACTIVE or n.key in touched]
    reports = [(n.key, n.name_fi, n.name_en) for n in shown]
    reports += [(key, key, key) for key in sorted(touched - known)]
    out = []
    for key, fi, en in reports:
        meetings = sorted(_meetings(records, key), key=lambda m: m.starts_at)
        out.append(
            NetworkReport(
                key,
                fi,
                en,
                _figures(records, key, now, _people(records, key), orgs),
                themes=tuple(dict.fromkeys(m.theme for m in meetings)),
                presenters=_presenters(records, key, orgs),
            )
        )
    return out


def _organizations(
    records: ActivityRecords, names: Mapping[str, str], people: set[str], orgs: Mapping[str, str]
) -> list[OrganizationReport]:
    """Every organisation of the catalogue, and any other that took part, by name."""
    taking_part = Counter(orgs[p] for p in people if p in orgs)
    presentations = Counter(orgs.get(p) for m in records.meetings for p in m.presenters)
    attendance = Counter(orgs.get(p) for m in records.meetings for p in m.attendees)
    keys = set(names) | set(taking_part)
    rows = [
        OrganizationReport(k, names.get(k, k), taking_part[k], presentations[k], attendance[k]) for k in keys
    ]
    return sorted(rows, key=lambda o: o.name.casefold())


async def _coaching(
    store: ReportStore, rounds: Sequence[Round], orgs: Mapping[str, str], names: Mapping[str, str]
) -> CoachingReport:
    ids = {r.id for r in rounds}
    checkins = [c for c in await store.checkins() if c.round_id in ids]
    groups = [g for r in rounds for g in r.groups]
    matched = {m for g in groups for m in g.members}
    organizations = Counter(names.get(orgs[m], orgs[m]) for m in matched if m in orgs)
    return CoachingReport(
        rounds=len(rounds),
        pairs=sum(1 for g in groups if len(g.members) == 2),
        groups=sum(1 for g in groups if len(g.members) > 2),
        matched=len(matched),
        answers=len(checkins),
        met=sum(1 for c in checkins if c.met),
        cross_organization=sum(1 for g in groups if not g.same_organization),
        organizations=dict(sorted(organizations.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


async def _badges(store: ReportStore, records: ActivityRecords) -> list[BadgeLine]:
    classes = {b.key: b for b in await store.list_badge_classes()}
    awarded = Counter(a.class_key for a in records.awards)
    revoked = Counter(a.class_key for a in records.awards if a.revoked)
    lines = []
    for key, count in sorted(awarded.items(), key=lambda kv: (-kv[1], kv[0])):
        badge = classes.get(key)
        lines.append(
            BadgeLine(badge.name_fi if badge else key, badge.name_en if badge else key, count, revoked[key])
        )
    return lines
