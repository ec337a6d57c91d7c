"""The needs-mapping survey (kartoitus): who may start and close it, one answer per person, the results.

One survey is open at a time. Each person has at most one answer per survey; answering again replaces it
(the latest wins) until the survey closes. Results count people and distinct organisations per needed
network, list the free-text proposals and the response rate per organisation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from core.delivery_reports import ReportRequest
from core.errors import Conflict, Invalid, NotAllowed, NotFound
from core.i18n import Translator
from core.networks import Network, NetworkStatus
from core.outbox import OutgoingMessage
from core.people import Organization, Person
from core.ratios import percent
from core.spreadsheets import Cell

TEXT_MAX = 1000


class SurveyStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Survey:
    id: str
    team_id: str | None
    status: SurveyStatus
    started_by: str
    started_at: datetime
    closed_at: datetime | None = None

    @property
    def broadcast(self) -> str:
        """The outbox broadcast of its announcement and forms (its delivery report's name)."""
        return f"survey:{self.id}"


@dataclass(frozen=True)
class Answer:
    """A person's answer. `needs` are network keys; `existing` names the organisation's internal networks."""

    survey_id: str
    person: str
    organization: str
    existing: str = ""
    needs: tuple[str, ...] = ()
    proposal: str = ""
    join: bool = False
    present: bool = False
    answered_at: datetime | None = field(default=None, compare=False)


class SurveyStore(Protocol):
    async def start_survey(
        self,
        survey_id: str,
        team_id: str | None,
        started_by: str,
        notices: Sequence[OutgoingMessage] = (),
        report: ReportRequest | None = None,
    ) -> Survey:
        """Open a new survey and queue its `notices` in the outbox in the same transaction (both or
        neither), with the request for their delivery report (`core.delivery_reports`); raises `Conflict`
        while another one is open (also under concurrent starts)."""
        ...

    async def open_survey(self) -> Survey | None: ...

    async def get_survey(self, survey_id: str) -> Survey | None: ...

    async def latest_survey(self) -> Survey | None:
        """The most recently started survey, open or closed."""
        ...

    async def close_survey(self, survey_id: str) -> Survey:
        """Close it (idempotent); raises `NotFound`."""
        ...

    async def save_answer(self, answer: Answer) -> Answer:
        """Insert or replace the person's answer in one statement; raises `NotFound` for an unknown survey
        and `Conflict` when it is closed."""
        ...

    async def get_answer(self, survey_id: str, person: str) -> Answer | None: ...

    async def list_answers(self, survey_id: str) -> Sequence[Answer]: ...

    async def headcounts(self, team_id: str | None = None) -> Mapping[str, int]:
        """People per organisation key (the denominator of the response rate): the members of the team
        `team_id`, or everyone the bot knows."""
        ...

    async def survey_recipients(self, team_id: str) -> Sequence[Person]:
        """The current members of the team (`core.teams.TeamStore` keeps its roster), for sending the
        survey: no one who left it, nor anyone who only wrote to the bot from elsewhere."""
        ...


def require_coordinator(is_coordinator: bool) -> None:
    if not is_coordinator:
        raise NotAllowed("survey.error.coordinator_only")


def require_team(team_id: str | None, general_channel_id: str | None) -> None:
    """A survey is announced in the project team's General channel and sent to the team's members: before
    the bot knows the team it would reach no one but the coordinator and lose the announcement, so it does
    not start (the coordinator is told to add the bot to the team first)."""
    if not team_id or not general_channel_id:
        raise Conflict("survey.error.no_team")


@dataclass(frozen=True)
class Reply:
    """What the survey form sends back, typed (`cards.survey.parse_answer`) but not yet checked against
    the catalogue and the organisations (`answer_of`)."""

    organization: str
    needs: tuple[str, ...]
    existing: str
    proposal: str
    join: bool
    present: bool


def answer_of(
    survey: Survey,
    person: str | None,
    reply: Reply,
    networks: Sequence[Network],
    organizations: Iterable[str],
) -> Answer:
    """An `Answer` from the form's reply; raises `Invalid` for an unknown organisation or network or a text
    too long, `Conflict` when the survey is closed."""
    if not person:
        raise NotAllowed("survey.error.no_identity")
    if survey.status is not SurveyStatus.OPEN:
        raise Conflict("survey.error.closed")
    if reply.organization not in set(organizations):
        raise Invalid("survey.error.organization")
    allowed = {n.key for n in networks if n.status is not NetworkStatus.ARCHIVED}
    unknown = [k for k in reply.needs if k not in allowed]
    if unknown:
        raise Invalid("survey.error.network", key=unknown[0])
    if len(reply.existing) > TEXT_MAX or len(reply.proposal) > TEXT_MAX:
        raise Invalid("survey.error.too_long", max=TEXT_MAX)
    return Answer(
        survey_id=survey.id,
        person=person,
        organization=reply.organization,
        existing=reply.existing,
        needs=reply.needs,
        proposal=reply.proposal,
        join=reply.join,
        present=reply.present,
    )


@dataclass(frozen=True)
class NeedCount:
    network: Network
    people: int
    organizations: int
    joiners: int


@dataclass(frozen=True)
class OrganizationRate:
    organization: str
    answered: int
    known: int

    @property
    def percent(self) -> int:
        return percent(self.answered, self.known)


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    answers: int
    needs: list[NeedCount]
    proposals: list[tuple[str, str]]  # (organisation, text)
    existing: list[tuple[str, str]]
    rates: list[OrganizationRate]
    presenters: int


def summarize(
    survey: Survey, answers: Sequence[Answer], networks: Sequence[Network], headcounts: Mapping[str, int]
) -> SurveyResults:
    """Count needs per network (people and distinct organisations), response rate per organisation."""
    needs = []
    for network in networks:
        wanting = [a for a in answers if network.key in a.needs]
        if wanting or network.status is not NetworkStatus.ARCHIVED:
            needs.append(
                NeedCount(
                    network,
                    len(wanting),
                    len({a.organization for a in wanting}),
                    sum(1 for a in wanting if a.join),
                )
            )
    needs.sort(key=lambda n: (-n.people, -n.organizations, n.network.name_fi))
    answered: dict[str, int] = {}
    for answer in answers:
        answered[answer.organization] = answered.get(answer.organization, 0) + 1
    rates = [
        OrganizationRate(org, answered.get(org, 0), max(headcounts.get(org, 0), answered.get(org, 0)))
        for org in sorted(set(headcounts) | set(answered))
    ]
    return SurveyResults(
        survey=survey,
        answers=len(answers),
        needs=needs,
        proposals=[(a.organization, a.proposal) for a in answers if a.proposal],
        existing=[(a.organization, a.existing) for a in answers if a.existing],
        rates=rates,
        presenters=sum(1 for a in answers if a.present),
    )


def requesters(answers: Sequence[Answer], network_key: str) -> list[str]:
    """Who asked for the network in the survey."""
    return [a.person for a in answers if network_key in a.needs]


class ExportStore(SurveyStore, Protocol):
    """What the export reads besides the answers: the names of networks and organisations."""

    async def list_networks(self) -> Sequence[Network]: ...

    async def list_organizations(self) -> Sequence[Organization]: ...


async def export_table(
    store: ExportStore, t: Translator, survey: Survey
) -> tuple[list[str], list[list[Cell]], int]:
    """The survey's answers as a table for the reader of `t` (see `answers_table`), and how many."""
    answers = await store.list_answers(survey.id)
    names = {o.key: o.short_name for o in await store.list_organizations()}
    header, rows = answers_table(t, answers, await store.list_networks(), names)
    return header, rows, len(answers)


def export_name(survey: Survey, extension: str) -> str:
    """The export's file name, the same for the CSV and the workbook of one survey."""
    return f"kartoitus-{survey.started_at:%Y-%m-%d}-{survey.id[:8]}.{extension}"


EXPORT_COLUMNS = ("organization", "needs", "existing", "proposal", "join", "present", "answered_at")


def answers_table(
    t: Translator,
    answers: Sequence[Answer],
    networks: Sequence[Network],
    organization_names: Mapping[str, str],
) -> tuple[list[str], list[list[Cell]]]:
    """The answers as a table for the reader of `t`: headers in their language, organisations and networks
    by name (a key stays where no name is known), yes/no in words; one row per answer, by organisation.

    The file lands in the General channel, which every member of the team can open: it names organisations,
    never people (who answered what stays with the coordinator, in the bot)."""
    names = {n.key: n.name(t.locale) for n in networks}
    yes, no = t("survey.export.yes"), t("survey.export.no")
    header = [t(f"survey.export.column.{column}") for column in EXPORT_COLUMNS]
    rows: list[list[Cell]] = []
    for a in sorted(
        answers, key=lambda answer: organization_names.get(answer.organization, answer.organization)
    ):
        rows.append(
            [
                organization_names.get(a.organization, a.organization),
                ", ".join(names.get(key, key) for key in a.needs),
                a.existing,
                a.proposal,
                yes if a.join else no,
                yes if a.present else no,
                a.answered_at if a.answered_at else "",
            ]
        )
    return header, rows


async def find_survey(store: SurveyStore, survey_id: str | None = None) -> Survey:
    """The survey a card refers to (or the open one); raises `NotFound`."""
    survey = await (store.get_survey(survey_id) if survey_id else store.open_survey())
    if survey is None:
        raise NotFound("survey.error.none_open" if not survey_id else "survey.error.unknown")
    return survey
