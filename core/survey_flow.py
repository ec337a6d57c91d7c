"""What people do with the needs-mapping survey: the coordinator starts, follows, exports and closes it;
members open the form and answer. The rules and the results are `core.survey`; these use cases fetch what
they need from the store, apply the rules and record the coordinator's actions in the audit log.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.audit import AuditLog
from core.delivery_reports import ReportRequest
from core.errors import Conflict
from core.i18n import Translator
from core.networks import Network, NetworkStore
from core.outbox import OutgoingMessage
from core.people import PeopleStore, Person
from core.spreadsheets import csv_for_excel
from core.survey import (
    Answer,
    Reply,
    Survey,
    SurveyResults,
    SurveyStatus,
    SurveyStore,
    answer_of,
    export_name,
    export_table,
    find_survey,
    require_coordinator,
    require_team,
    summarize,
)
from core.teams import Team
from core.workspace import ConflictBehavior, Workspace


class SurveyRecords(SurveyStore, NetworkStore, PeopleStore, AuditLog, Protocol):
    """What the survey's use cases read and write."""


Organizations = Sequence[tuple[str, str]]  # (key, short name) of every partner organisation


class SurveyPost(Protocol):
    """How a started survey reaches Teams; the bot builds the messages (cards in each person's language),
    which the store queues in the outbox in the same transaction that opens the survey."""

    def announcement(self, survey: Survey, team: Team) -> OutgoingMessage:
        """The announcement in the team's General channel."""
        ...

    def form(
        self, survey: Survey, person: Person, networks: Sequence[Network], organizations: Organizations
    ) -> OutgoingMessage:
        """The answer form in one person's personal chat."""
        ...

    def delivery_report(self, survey: Survey) -> ReportRequest | None:
        """Who gets the report card once the announcement and forms have gone out (the starter)."""
        ...


async def organizations(store: PeopleStore) -> Organizations:
    return [(o.key, o.short_name) for o in await store.list_organizations()]


async def survey_of(store: SurveyStore, survey_id: str | None) -> Survey:
    """The survey a card names, or the open one; `NotFound` for neither."""
    return await find_survey(store, survey_id)


@dataclass(frozen=True)
class Form:
    """The answer form as one person sees it: their own answer, or their organisation from their address."""

    survey: Survey
    networks: Sequence[Network]
    organizations: Organizations
    answer: Answer | None
    organization: str | None


async def form(store: SurveyRecords, survey: Survey, user: str | None) -> Form:
    answer = await store.get_answer(survey.id, user) if user else None
    person = await store.get_person(user) if user else None
    return Form(
        survey,
        await store.list_networks(),
        await organizations(store),
        answer,
        person.organization if person else None,
    )


async def answer(store: SurveyRecords, survey_id: str | None, user: str | None, reply: Reply) -> Form:
    """Save (or replace) the person's answer; the form with it. Raises what `core.survey.answer_of` does."""
    survey = await survey_of(store, survey_id)
    known = await organizations(store)
    networks = await store.list_networks()
    saved = await store.save_answer(answer_of(survey, user, reply, networks, [key for key, _ in known]))
    person = await store.get_person(user) if user else None
    return Form(survey, networks, known, saved, person.organization if person else None)


async def start(
    store: SurveyRecords,
    post: SurveyPost,
    *,
    team: Team | None,
    actor: str | None,
    is_coordinator: bool,
    now: datetime,
) -> tuple[Survey, int]:
    """Open a survey and, in the same transaction, queue the General channel announcement and the form of
    every current member of the project team; returns (survey, forms queued). Only a coordinator, only once
    the bot knows the team (`Conflict`), and never while another survey is open (`Conflict` from the
    store). The caller reads the team's roster first (`bot.roster.refresh_roster`)."""
    require_coordinator(is_coordinator)
    networks = await store.list_networks()
    require_team(team.team_id if team else None, team.thread_id if team else None)
    if team is None:  # require_team refused it already; this says so to the type checker
        raise Conflict("survey.error.no_team")
    draft = Survey(uuid.uuid4().hex, team.team_id, SurveyStatus.OPEN, actor or "", now)
    known = await organizations(store)
    messages = [post.announcement(draft, team)] if team.thread_id else []
    people = await store.survey_recipients(team.team_id)
    messages += [post.form(draft, person, networks, known) for person in people]
    report = post.delivery_report(draft)
    survey = await store.start_survey(draft.id, draft.team_id, draft.started_by, messages, report)
    await store.record(actor or "", "survey.start", f"survey:{survey.id}", {"forms": len(people)})
    return survey, len(people)


@dataclass(frozen=True)
class Results:
    """The coordinator's view: the summary (None before any survey), organisations' names, and with
    `start_recipients` the number of people a new survey would reach (the card then offers to start one)."""

    summary: SurveyResults | None
    names: dict[str, str]
    start_recipients: int | None


async def results(
    store: SurveyRecords,
    survey: Survey | None,
    *,
    is_coordinator: bool,
    offer_start: bool = False,
    team_id: str | None = None,
) -> Results:
    """`team_id`: the project team, whose members a new survey would reach (none known: 0)."""
    require_coordinator(is_coordinator)
    recipients = None
    if offer_start:
        recipients = len(await store.survey_recipients(team_id)) if team_id else 0
    if survey is None:
        return Results(None, {}, recipients)
    answers = await store.list_answers(survey.id)
    # The response rate of each organisation: of the members of the team the survey was sent in.
    headcounts = await store.headcounts(survey.team_id)
    summary = summarize(survey, answers, await store.list_networks(), headcounts)
    return Results(summary, dict(await organizations(store)), recipients)


async def may_start_after(store: SurveyStore, survey: Survey) -> bool:
    """Whether a closed survey's results offer to start a new one (no other survey is open)."""
    return survey.status is SurveyStatus.CLOSED and await store.open_survey() is None


async def close(store: SurveyRecords, survey: Survey, *, actor: str | None, is_coordinator: bool) -> Survey:
    require_coordinator(is_coordinator)
    closed = await store.close_survey(survey.id)
    await store.record(actor or "", "survey.close", f"survey:{survey.id}", {})
    return closed


@dataclass(frozen=True)
class Exported:
    name: str
    web_url: str
    answers: int


async def export(
    store: SurveyRecords,
    workspace: Workspace | None,
    team: Team | None,
    survey: Survey,
    t: Translator,
    *,
    actor: str | None,
    is_coordinator: bool,
) -> Exported:
    """The answers as CSV for Finnish Excel (`core.survey.export_table`, headers in the language of `t`)
    in the General channel's Files folder, replacing the previous export of the survey; `Conflict` before
    the bot knows the team."""
    require_coordinator(is_coordinator)
    if team is None or not team.thread_id or workspace is None:
        raise Conflict("networks.error.no_team")
    header, rows, count = await export_table(store, t, survey)
    folder = await workspace.channel_folder(team.team_id, team.thread_id)
    data = csv_for_excel(header, rows)
    name = export_name(survey, "csv")
    stored = await workspace.upload(folder, name, data, conflict=ConflictBehavior.REPLACE)
    await store.record(actor or "", "survey.export", f"survey:{survey.id}", {"file": stored.name})
    return Exported(stored.name, stored.web_url, count)


async def current(store: SurveyStore) -> Survey | None:
    """The open survey, if any."""
    return await store.open_survey()


async def latest(store: SurveyStore) -> Survey | None:
    """The survey started last, open or closed."""
    return await store.latest_survey()
