"""Themed meetings (tapaamiset) of a peer network: the model both the meetings and materials features share.

A facilitator plans a meeting with a theme, a start time (shown in Europe/Helsinki), 1-3 presenters from the
network and a short description. The presenters fill in the plan (agenda, small-group questions, who brings
what); the meeting is announced in the network channel and members are reminded the day before.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from core.errors import Invalid
from core.networks import Network, is_facilitator, may_lead
from core.people import same_person
from core.timezone import HELSINKI

FOLDER_ROOT = "Tapaamiset"
MIN_PRESENTERS = 1
MAX_PRESENTERS = 3


@dataclass(frozen=True)
class Contribution:
    """One line of 'who brings what': a person (Entra object id) and what they bring."""

    person: str
    what: str


@dataclass(frozen=True)
class Meeting:
    id: str  # uuid4 hex
    network_key: str  # core.networks.Network.key
    theme: str
    starts_at: datetime  # timezone-aware; shown in Europe/Helsinki
    presenters: tuple[str, ...]  # Entra object ids, 1-3
    facilitator: str | None  # who planned it (Entra object id)
    description: str = ""
    agenda: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()  # small-group questions
    contributions: tuple[Contribution, ...] = ()
    attendees: int = field(default=0, compare=False)  # how many said "I'll attend"
    announcement_id: str | None = None  # activity id of the announcement card in the channel
    version: int = field(default=0, compare=False)  # bumped by every plan edit (optimistic concurrency)
    created_at: datetime | None = field(default=None, compare=False)

    def local_start(self) -> datetime:
        """The start time in Europe/Helsinki."""
        return self.starts_at.astimezone(HELSINKI)

    def folder_path(self) -> str:
        """'Tapaamiset/<YYYY-MM-DD in Helsinki> <theme>'.

        The materials engineer cleans names through graph rules.
        """
        return f"{FOLDER_ROOT}/{self.local_start().date().isoformat()} {self.theme}"


class MeetingStore(Protocol):
    async def get_meeting(self, meeting_id: str) -> Meeting | None: ...

    async def meetings_of_network(self, network_key: str) -> Sequence[Meeting]:
        """The network's meetings, newest (latest start) first."""
        ...

    async def meetings_of_presenter(self, aad_object_id: str) -> Sequence[Meeting]:
        """Meetings the person presents, upcoming and recent, newest first."""
        ...


def may_file_materials(
    meeting: Meeting, network: Network | None, aad_id: str | None, is_coordinator: bool
) -> bool:
    """Presenter of that meeting, the network's facilitator, or a coordinator may file its materials."""
    if is_coordinator:
        return True
    if not aad_id:
        return False
    if any(same_person(aad_id, presenter) for presenter in meeting.presenters):
        return True
    return network is not None and network.key == meeting.network_key and is_facilitator(network, aad_id)


MAX_THEME = 120
MAX_DESCRIPTION = 1000
MAX_ITEMS = 10
MAX_ITEM = 300
REMINDER_HOUR = 9  # the reminder goes out at 09:00 Helsinki time the day before the meeting


def _clean_line(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class MeetingDraft:
    """What a facilitator fills in; `validated` applies the rules or raises `Invalid`."""

    network_key: str
    theme: str
    starts_at: datetime
    presenters: tuple[str, ...]
    description: str = ""

    def validated(self, now: datetime, members: Sequence[str]) -> MeetingDraft:
        """Presenters must be members of the network (`members`, Entra ids), 1-3 of them, no repeats."""
        theme = _clean_line(self.theme)
        description = self.description.strip()
        presenters = tuple(dict.fromkeys(p.strip() for p in self.presenters if p and p.strip()))
        if not theme:
            raise Invalid("meetings.error.no_theme")
        if len(theme) > MAX_THEME:
            raise Invalid("meetings.error.theme_too_long", limit=MAX_THEME)
        if len(description) > MAX_DESCRIPTION:
            raise Invalid("meetings.error.description_too_long", limit=MAX_DESCRIPTION)
        if self.starts_at.tzinfo is None:
            raise ValueError("starts_at must be timezone-aware")
        if self.starts_at <= now:
            raise Invalid("meetings.error.in_past")
        if not MIN_PRESENTERS <= len(presenters) <= MAX_PRESENTERS:
            raise Invalid("meetings.error.presenter_count", min=MIN_PRESENTERS, max=MAX_PRESENTERS)
        known = set(members)
        if any(p not in known for p in presenters):
            raise Invalid("meetings.error.presenter_not_member")
        return MeetingDraft(self.network_key, theme, self.starts_at, presenters, description)


def new_meeting(
    draft: MeetingDraft, facilitator: str | None, now: datetime, meeting_id: str | None = None
) -> Meeting:
    """A meeting from a validated draft, with `meeting_id` (a form's nonce, `core.nonces`) or a fresh id."""
    return Meeting(
        id=meeting_id or uuid.uuid4().hex,
        network_key=draft.network_key,
        theme=draft.theme,
        starts_at=draft.starts_at,
        presenters=draft.presenters,
        facilitator=facilitator,
        description=draft.description,
        created_at=now,
    )


def local_start(day: str, clock: str) -> datetime:
    """The aware start time of a date ("2026-05-12") and a time ("14:00") read in Europe/Helsinki."""
    try:
        parsed_day = date.fromisoformat(day.strip())
        parsed_clock = time.fromisoformat(clock.strip())
    except ValueError as error:
        raise Invalid("meetings.error.bad_time") from error
    return datetime.combine(parsed_day, parsed_clock.replace(tzinfo=None), HELSINKI)


@dataclass(frozen=True)
class Plan:
    """The part of a meeting its presenters edit together."""

    agenda: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    contributions: tuple[Contribution, ...] = ()

    def validated(self, presenters: Sequence[str]) -> Plan:
        agenda = tuple(_clean_line(a) for a in self.agenda if a.strip())
        questions = tuple(_clean_line(q) for q in self.questions if q.strip())
        contributions = tuple(
            Contribution(c.person, _clean_line(c.what)) for c in self.contributions if c.what.strip()
        )
        for items in (agenda, questions, contributions):
            if len(items) > MAX_ITEMS:
                raise Invalid("meetings.error.too_many_items", limit=MAX_ITEMS)
        texts = [*agenda, *questions, *(c.what for c in contributions)]
        if any(len(text) > MAX_ITEM for text in texts):
            raise Invalid("meetings.error.item_too_long", limit=MAX_ITEM)
        if any(c.person not in presenters for c in contributions):
            raise Invalid("meetings.error.not_presenter")
        return Plan(agenda, questions, contributions)


def plan_of(meeting: Meeting) -> Plan:
    return Plan(meeting.agenda, meeting.questions, meeting.contributions)


def may_plan(meeting: Meeting, network: Network | None, aad_id: str | None, is_coordinator: bool) -> bool:
    """Who may edit the plan and run the small groups: the same people who may file its materials."""
    return may_file_materials(meeting, network, aad_id, is_coordinator)


def may_organise(network: Network, aad_id: str | None, is_coordinator: bool) -> bool:
    """Who may plan a meeting of a network: its facilitator or a coordinator (`core.networks.may_lead`, the
    same rule as for posting a poll there)."""
    return may_lead(network, aad_id, is_coordinator)


def reminder_time(meeting: Meeting) -> datetime:
    """09:00 Helsinki time on the day before the meeting."""
    day_before = meeting.local_start().date() - timedelta(days=1)
    return datetime.combine(day_before, time(REMINDER_HOUR), HELSINKI)


def reminder_due(meeting: Meeting, now: datetime) -> bool:
    """The reminder is due from 09:00 the day before until the meeting starts (a meeting planned later than
    that is reminded at once)."""
    return reminder_time(meeting) <= now < meeting.starts_at


def reminder_key(meeting_id: str, person: str) -> str:
    """The outbox idempotency key of one person's reminder of one meeting."""
    return f"meeting:{meeting_id}:{person}:reminder"


@dataclass(frozen=True)
class Reach:
    """Where the bot posts for a meeting without a turn (the reminder scheduler): Bot Connector service
    URL, tenant and the bot's own id, taken from the activity that planned it."""

    service_url: str
    tenant_id: str | None = None
    bot_id: str | None = None


@dataclass(frozen=True)
class GroupAnswer:
    group: int
    person: str
    answers: tuple[str, ...]  # one per small-group question


class MeetingRecords(MeetingStore, Protocol):
    """The whole meetings store (the materials side needs only `MeetingStore`)."""

    async def create_meeting(self, meeting: Meeting, reach: Reach) -> bool:
        """Store a new meeting; False (and nothing stored) when a meeting with its id exists already."""
        ...

    async def update_plan(self, meeting_id: str, plan: Plan, version: int) -> Meeting:
        """Replace the plan when the meeting is still at `version` (bumping it); `Conflict` when someone
        saved in between, `NotFound` for no meeting."""
        ...

    async def set_announcement(self, meeting_id: str, conversation_id: str, activity_id: str) -> None: ...

    async def announcement_of(self, meeting_id: str) -> tuple[str, str] | None:
        """(conversation id, activity id) of the channel card, once posted."""
        ...

    async def attend(self, meeting_id: str, aad_object_id: str) -> tuple[int, bool]:
        """Record that the person will attend; (attendee count, newly added). `NotFound` for no meeting."""
        ...

    async def attendees(self, meeting_id: str) -> Sequence[str]: ...

    async def meetings_to_remind(self, now: datetime, within: timedelta) -> Sequence[tuple[Meeting, Reach]]:
        """Meetings not yet reminded that start after `now` and within `within` of it."""
        ...

    async def claim_reminder(self, meeting_id: str, now: datetime, messages: Sequence[Any]) -> int:
        """Mark the meeting reminded and queue `messages` (outbox) in one transaction; 0 and nothing queued
        when another instance claimed it first."""
        ...

    async def save_groups(self, meeting_id: str, groups: Sequence[Sequence[str]]) -> None:
        """Replace the meeting's small groups (group numbers from 1); earlier answers are dropped."""
        ...

    async def groups_of(self, meeting_id: str) -> Sequence[Sequence[str]]: ...

    async def save_group_answer(
        self, meeting_id: str, group: int, person: str, answers: Sequence[str]
    ) -> None:
        """Replace the person's answers for their group; `NotFound` when they are not in that group."""
        ...

    async def group_answers(self, meeting_id: str) -> Sequence[GroupAnswer]: ...


def summary_markdown(
    meeting: Meeting,
    groups: Sequence[Sequence[str]],
    answers: Sequence[GroupAnswer],
    names: dict[str, str],
    labels: dict[str, str],
) -> str:
    """The small groups' answers as one Markdown document, by question and group. `labels` holds the
    translated headings: title, group, no_answers, members."""
    lines = [
        f"# {labels['title']}: {meeting.theme}",
        "",
        meeting.local_start().strftime("%Y-%m-%d %H:%M"),
        "",
    ]
    questions = meeting.questions or ("",)
    by_group: dict[int, list[GroupAnswer]] = {}
    for answer in answers:
        by_group.setdefault(answer.group, []).append(answer)
    for index, question in enumerate(questions):
        if question:
            lines += [f"## {index + 1}. {question}", ""]
        for number, members in enumerate(groups, start=1):
            who = ", ".join(names.get(m, m) for m in members)
            lines.append(f"### {labels['group']} {number} ({who})")
            texts = [
                a.answers[index].strip()
                for a in by_group.get(number, [])
                if index < len(a.answers) and a.answers[index].strip()
            ]
            lines += [f"- {text}" for text in texts] or [f"- {labels['no_answers']}"]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
