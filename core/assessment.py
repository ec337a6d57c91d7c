"""The leadership self-assessment (`arviointi`): answering over several cards, private results, growth
between a person's own assessments, anonymous comparisons, export and erasure.

Privacy rules, kept here once:
- A person's answers are theirs: every use case takes the acting person and reads only their rows;
  nobody else, the coordinator included, gets another person's answers or results.
- Comparison averages are of the *other* people in a fixed group (the whole project, or one of the
  viewer's networks) and are shown only when at least `THRESHOLD` others have a completed assessment
  there (per dimension: answered it with something other than "can't say"). There are no other filters.
- A network's average is not shown beside the project's when the project minus that network has 1 to
  `THRESHOLD - 1` people: the two averages together would give away the average of that small rest.
- The coordinator sees participation counts and the same kind of aggregate (whole project, networks),
  under the same two rules.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from core.errors import Conflict, Invalid, NotAllowed, NotFound
from core.networks import Network, NetworkStatus, NetworkStore
from core.questionnaire import (
    CANT_SAY,
    SCALE,
    Dimension,
    Questionnaire,
    parse_questionnaire,
    questionnaire_data,
)

THRESHOLD = 5
GOAL_MAX = 1000
STRENGTHS = 2

Answers = Mapping[str, Mapping[str, int]]  # dimension key -> statement key -> 1..5 or CANT_SAY


class Status(StrEnum):
    DRAFT = "draft"
    DONE = "done"


@dataclass(frozen=True)
class Assessment:
    """One person's answering of one questionnaire version. `position` is the index of the dimension the
    next card shows (resuming continues there)."""

    id: str
    person: str
    questionnaire: str
    version: int
    status: Status
    answers: Answers
    position: int
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    goal: str = ""


class AssessmentStore(Protocol):
    """Where questionnaire versions and assessments are kept."""

    async def save_questionnaire(self, questionnaire_id: str, version: int, content: dict[str, Any]) -> None:
        """Keep this version's content; a version already kept is left as it is."""
        ...

    async def questionnaire_content(self, questionnaire_id: str, version: int) -> dict[str, Any] | None: ...

    async def draft_assessment(self, person: str) -> Assessment | None:
        """The person's unfinished assessment, if any (there is at most one)."""
        ...

    async def create_assessment(self, assessment: Assessment) -> Assessment:
        """Insert a draft; when the person already has one (a double click), that one is returned."""
        ...

    async def save_assessment(self, assessment: Assessment) -> Assessment:
        """Replace answers, position, status, goal and times of the person's own assessment; `NotFound` when
        `assessment.id` is not theirs."""
        ...

    async def assessments_of(self, person: str) -> Sequence[Assessment]:
        """The person's assessments, newest first (drafts included)."""
        ...

    async def completed_assessments(self, questionnaire_id: str) -> Sequence[Assessment]:
        """Every person's latest completed assessment of the questionnaire (any version), one per person."""
        ...

    async def assessment_participation(self, questionnaire_id: str) -> Participation: ...

    async def erase_assessments(self, person: str) -> int:
        """Delete every assessment of the person (drafts included); returns how many there were. Used by
        `poista arviointini` and by the erasure of all of a person's data."""
        ...


@dataclass(frozen=True)
class Participation:
    started: int  # people with any assessment
    completed: int  # people with at least one completed
    repeated: int  # people with two or more completed
    drafts: int  # people with an unfinished one


# ---- answering -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """Where the person is: their unfinished assessment, if any, and how many they have completed."""

    draft: Assessment | None
    completed: int
    total: int  # drafts included


async def standing(store: AssessmentStore, person: str) -> Standing:
    mine = await store.assessments_of(person)
    draft = next((a for a in mine if a.status is Status.DRAFT), None)
    return Standing(draft, sum(1 for a in mine if a.status is Status.DONE), len(mine))


async def begin(
    store: AssessmentStore, questionnaire: Questionnaire, person: str, now: datetime
) -> Assessment:
    """The person's unfinished assessment (to resume), or a new one on the current questionnaire."""
    draft = await store.draft_assessment(person)
    if draft is not None:
        return draft
    await store.save_questionnaire(questionnaire.id, questionnaire.version, questionnaire_data(questionnaire))
    fresh = Assessment(
        id=uuid.uuid4().hex,
        person=person,
        questionnaire=questionnaire.id,
        version=questionnaire.version,
        status=Status.DRAFT,
        answers={},
        position=0,
        started_at=now,
        updated_at=now,
    )
    return await store.create_assessment(fresh)


async def own_assessment(store: AssessmentStore, person: str, assessment_id: str | None) -> Assessment:
    """The person's assessment by id (their latest completed one when None); `NotFound` for anything that
    is not theirs, so someone else's id reveals nothing."""
    mine = await store.assessments_of(person)
    if assessment_id is None:
        done = [a for a in mine if a.status is Status.DONE]
        if not done:
            raise NotFound("assessment.error.none_done")
        return done[0]
    for assessment in mine:
        if assessment.id == assessment_id:
            return assessment
    raise NotFound("assessment.error.not_found")


def check_values(dimension: Dimension, values: Mapping[str, int], *, complete: bool) -> dict[str, int]:
    """The card's answers for one dimension, checked: known statements only, values 1-5 or can't say.
    With `complete`, every statement must be answered (`Invalid` naming how many are missing)."""
    known = {s.key for s in dimension.statements}
    cleaned: dict[str, int] = {}
    for key, value in values.items():
        if key not in known or value not in (*SCALE, CANT_SAY):
            raise Invalid("assessment.error.bad_answer")
        cleaned[key] = value
    missing = len(known - cleaned.keys())
    if complete and missing:
        raise Invalid("assessment.error.missing", count=missing)
    return cleaned


async def answer(
    store: AssessmentStore,
    questionnaire: Questionnaire,
    person: str,
    assessment_id: str,
    dimension_key: str,
    values: Mapping[str, int],
    *,
    move: int,
    now: datetime,
) -> Assessment:
    """Save one card's answers and move `move` cards on (1 next, -1 back, 0 stay, e.g. "continue later").
    Moving on needs every statement of the card answered; going back or staying keeps what was given."""
    assessment = await own_assessment(store, person, assessment_id)
    if assessment.status is not Status.DRAFT:
        raise Conflict("assessment.error.already_done")
    dimension = questionnaire.dimension(dimension_key)
    if dimension is None:
        raise Invalid("assessment.error.bad_answer")
    cleaned = check_values(dimension, values, complete=move > 0)
    answers = {k: dict(v) for k, v in assessment.answers.items()}
    answers[dimension.key] = {**answers.get(dimension.key, {}), **cleaned}
    index = next(i for i, d in enumerate(questionnaire.dimensions) if d.key == dimension.key)
    position = max(0, min(len(questionnaire.dimensions), index + move))
    return await store.save_assessment(
        replace(assessment, answers=answers, position=position, updated_at=now)
    )


def unanswered(questionnaire: Questionnaire, answers: Answers) -> list[Dimension]:
    """Dimensions with a statement still unanswered."""
    return [
        d for d in questionnaire.dimensions if any(s.key not in answers.get(d.key, {}) for s in d.statements)
    ]


def clean_goal(text: str) -> str:
    goal = text.strip()
    if len(goal) > GOAL_MAX:
        raise Invalid("assessment.error.goal_long", max=GOAL_MAX)
    return goal


async def finish(
    store: AssessmentStore,
    questionnaire: Questionnaire,
    person: str,
    assessment_id: str,
    goal: str,
    now: datetime,
) -> Assessment:
    """Complete the assessment with the person's development goal; `Invalid` while a card is unanswered."""
    assessment = await own_assessment(store, person, assessment_id)
    if assessment.status is Status.DONE:
        return assessment  # a second click on "done" changes nothing
    missing = unanswered(questionnaire, assessment.answers)
    if missing:
        raise Invalid("assessment.error.unfinished", count=len(missing))
    done = replace(assessment, status=Status.DONE, goal=clean_goal(goal), completed_at=now, updated_at=now)
    return await store.save_assessment(done)


async def set_goal(
    store: AssessmentStore, person: str, assessment_id: str, goal: str, now: datetime
) -> Assessment:
    assessment = await own_assessment(store, person, assessment_id)
    return await store.save_assessment(replace(assessment, goal=clean_goal(goal), updated_at=now))


# ---- results -----------------------------------------------------------------------------------------


def dimension_means(answers: Answers) -> dict[str, float]:
    """Mean of each dimension's answers, "can't say" left out; a dimension of only "can't say" has none."""
    means = {}
    for key, values in answers.items():
        scored = [v for v in values.values() if v in SCALE]
        if scored:
            means[key] = sum(scored) / len(scored)
    return means


@dataclass(frozen=True)
class Comparison:
    """An anonymous average of others: `group` is "project" or a network key; `means` holds only the
    dimensions at least `THRESHOLD` others answered."""

    group: str
    people: int
    means: Mapping[str, float]


@dataclass(frozen=True)
class Results:
    assessment: Assessment
    questionnaire: Questionnaire
    means: Mapping[str, float]
    strengths: Sequence[str]  # dimension keys, best first
    development: Sequence[str]  # dimension keys, weakest first
    earlier: Sequence[Assessment]  # the person's earlier completed assessments, newest first
    earlier_means: Sequence[Mapping[str, float]]
    comparisons: Sequence[Comparison]
    too_few: Sequence[str] = field(default_factory=tuple)  # groups not shown for want of answers
    networks: Mapping[str, Network] = field(default_factory=dict)  # the groups' networks, to name them


def strengths_and_development(
    means: Mapping[str, float], order: Sequence[str]
) -> tuple[list[str], list[str]]:
    """Up to `STRENGTHS` best dimensions above the person's own overall mean and as many weakest below it."""
    if len(means) < 2:
        return [], []
    overall = sum(means.values()) / len(means)
    ranked = sorted(means, key=lambda k: (-means[k], order.index(k) if k in order else 0))
    strengths = [k for k in ranked if means[k] > overall][:STRENGTHS]
    weakest = [k for k in reversed(ranked) if means[k] < overall and k not in strengths][:STRENGTHS]
    return strengths, weakest


def aggregate(group: str, assessments: Sequence[Assessment]) -> Comparison:
    """The group's per-dimension averages, keeping only dimensions `THRESHOLD` or more people answered."""
    sums: dict[str, list[float]] = {}
    for assessment in assessments:
        for key, mean in dimension_means(assessment.answers).items():
            sums.setdefault(key, []).append(mean)
    means = {key: sum(v) / len(v) for key, v in sums.items() if len(v) >= THRESHOLD}
    return Comparison(group, len(assessments), means)


def comparable_groups(
    everyone: Sequence[Assessment], groups: Mapping[str, Sequence[str]], exclude: str | None
) -> tuple[list[Comparison], list[str]]:
    """The project and each named group (network key -> member ids), each averaged over its members with a
    completed assessment except `exclude` (the viewer); groups below the threshold, or whose complement in
    the project is 1 to THRESHOLD-1 people, are listed as too few instead."""
    pool = [a for a in everyone if a.person != exclude]
    shown: list[Comparison] = []
    too_few: list[str] = []
    project = aggregate("project", pool)
    if project.people >= THRESHOLD and project.means:
        shown.append(project)
    else:
        too_few.append("project")
    for key, members in groups.items():
        wanted = set(members)
        inside = [a for a in pool if a.person in wanted]
        rest = len(pool) - len(inside)
        comparison = aggregate(key, inside)
        if comparison.people >= THRESHOLD and comparison.means and (rest == 0 or rest >= THRESHOLD):
            shown.append(comparison)
        else:
            too_few.append(key)
    return shown, too_few


async def results(
    store: AssessmentStore,
    networks: NetworkStore,
    questionnaire_of: QuestionnaireSource,
    person: str,
    assessment_id: str | None,
) -> Results:
    """The person's own results: means, strengths and development areas, their earlier assessments, and
    the anonymous comparisons that pass the rules (the whole project and each of the person's networks)."""
    assessment = await own_assessment(store, person, assessment_id)
    if assessment.status is not Status.DONE:
        raise Conflict("assessment.error.not_done")
    questionnaire = await questionnaire_of(assessment.questionnaire, assessment.version)
    means = dimension_means(assessment.answers)
    order = [d.key for d in questionnaire.dimensions]
    strengths, development = strengths_and_development(means, order)
    earlier = [
        a
        for a in await store.assessments_of(person)
        if a.status is Status.DONE
        and a.id != assessment.id
        and a.completed_at
        and assessment.completed_at
        and a.completed_at < assessment.completed_at
    ]
    everyone = await store.completed_assessments(assessment.questionnaire)
    groups, named = await network_groups(networks, person)
    shown, too_few = comparable_groups(everyone, groups, exclude=person)
    return Results(
        assessment,
        questionnaire,
        means,
        strengths,
        development,
        earlier,
        [dimension_means(a.answers) for a in earlier],
        shown,
        too_few,
        named,
    )


class QuestionnaireSource(Protocol):
    async def __call__(self, questionnaire_id: str, version: int) -> Questionnaire: ...


class Versions:
    """`QuestionnaireSource` over the store: the current questionnaire, or an earlier version's kept copy."""

    def __init__(self, store: AssessmentStore, current: Questionnaire) -> None:
        self._store = store
        self._current = current

    async def __call__(self, questionnaire_id: str, version: int) -> Questionnaire:
        if (questionnaire_id, version) == (self._current.id, self._current.version):
            return self._current
        content = await self._store.questionnaire_content(questionnaire_id, version)
        if content is None:
            raise NotFound("assessment.error.not_found")
        return parse_questionnaire(content)


async def network_groups(
    networks: NetworkStore, person: str | None
) -> tuple[dict[str, list[str]], dict[str, Network]]:
    """The comparison groups: the active networks `person` belongs to (every active one for None), by key,
    with their members; and the networks themselves."""
    groups, named = {}, {}
    for network in await networks.list_networks():
        if network.status is not NetworkStatus.ACTIVE:
            continue
        members = list(await networks.network_members(network.key))
        if person is None or person in members:
            groups[network.key] = members
            named[network.key] = network
    return groups, named


# ---- export, erasure, the coordinator's view -------------------------------------------------------


async def export(
    store: AssessmentStore, questionnaire_of: QuestionnaireSource, person: str, locale: str
) -> dict[str, Any]:
    """Everything the person's assessments hold, with the texts they answered, as a JSON-ready document."""
    items = []
    for assessment in await store.assessments_of(person):
        questionnaire = await questionnaire_of(assessment.questionnaire, assessment.version)
        means = dimension_means(assessment.answers)
        dimensions = []
        for dimension in questionnaire.dimensions:
            given = assessment.answers.get(dimension.key, {})
            dimensions.append(
                {
                    "key": dimension.key,
                    "name": dimension.name(locale),
                    "mean": round(means[dimension.key], 2) if dimension.key in means else None,
                    "statements": [
                        {
                            "key": s.key,
                            "text": s.text(locale),
                            "answer": given.get(s.key),
                            "label": questionnaire.label(given[s.key], locale) if s.key in given else None,
                        }
                        for s in dimension.statements
                    ],
                }
            )
        items.append(
            {
                "id": assessment.id,
                "questionnaire": {"id": questionnaire.id, "version": questionnaire.version},
                "title": questionnaire.title(locale),
                "status": assessment.status.value,
                "started": assessment.started_at.isoformat(),
                "completed": assessment.completed_at.isoformat() if assessment.completed_at else None,
                "goal": assessment.goal,
                "dimensions": dimensions,
            }
        )
    return {"person": person, "assessments": items}


async def erase(store: AssessmentStore, person: str, *, confirmed: bool) -> int:
    if not confirmed:
        raise Invalid("assessment.error.not_confirmed")
    return await store.erase_assessments(person)


@dataclass(frozen=True)
class Overview:
    participation: Participation
    comparisons: Sequence[Comparison]
    too_few: Sequence[str]
    networks: Mapping[str, Network] = field(default_factory=dict)


async def overview(
    store: AssessmentStore,
    networks: NetworkStore,
    questionnaire: Questionnaire,
    *,
    is_coordinator: bool,
) -> Overview:
    """Participation and anonymous aggregates (the project, every active network) for the coordinator;
    nobody else."""
    if not is_coordinator:
        raise NotAllowed("assessment.error.coordinator_only")
    participation = await store.assessment_participation(questionnaire.id)
    everyone = await store.completed_assessments(questionnaire.id)
    groups, named = await network_groups(networks, None)
    shown, too_few = comparable_groups(everyone, groups, exclude=None)
    return Overview(participation, shown, too_few, named)
