"""What people do with a network's meetings: the facilitator plans one, presenters fill in the plan,
members say they attend, the facilitator splits the attendees into small groups, the groups answer and the
facilitator files the summary into the meeting folder. The rules are `core.meetings` and `core.groups`;
these use cases fetch what they need from the store and apply them, once.

Posting into Teams is a port (`MeetingPost`), which the bot implements with cards and the outbox.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from core.errors import Conflict, Invalid, NotAllowed, NotFound, Unavailable
from core.groups import split_into_groups
from core.materials import Material, MaterialStore, meeting_folder
from core.meetings import (
    GroupAnswer,
    Meeting,
    MeetingDraft,
    MeetingRecords,
    Plan,
    Reach,
    may_organise,
    may_plan,
    new_meeting,
    reminder_due,
    summary_markdown,
)
from core.networks import Network, NetworkStore, network_of_channel
from core.outbox import OutgoingMessage
from core.people import PeopleStore, display_names, people_by_id, shown_name
from core.polls import ThemeResults
from core.teams import Team
from core.workspace import ConflictBehavior, FileInfo, Workspace

SUMMARY_FILE = "pienryhmat-yhteenveto.md"
LISTED = 20


class MeetingsStore(MeetingRecords, NetworkStore, PeopleStore, MaterialStore, ThemeResults, Protocol):
    """What the meetings' use cases read and write."""


class MeetingPost(Protocol):
    """How a planned meeting reaches Teams."""

    async def announce(
        self, meeting: Meeting, network: Network, names: dict[str, str]
    ) -> tuple[str, str] | None:
        """Post the announcement into the network channel; (conversation id, activity id) of the post, or
        None when it could not be posted (the meeting stands; the facilitator is told)."""
        ...

    async def to_presenters(self, meeting: Meeting, network: Network, names: dict[str, str]) -> None:
        """Send each presenter the shared planning card in their personal chat."""
        ...


def people_of(meeting: Meeting) -> list[str]:
    """The presenters and the facilitator: who the meeting's cards name."""
    return [*meeting.presenters, *([meeting.facilitator] if meeting.facilitator else [])]


async def network(store: NetworkStore, key: str) -> Network:
    found = await store.get_network(key)
    if found is None:
        raise NotFound("meetings.error.unknown_network")
    return found


async def meeting(store: MeetingRecords, meeting_id: str | None) -> Meeting:
    found = await store.get_meeting(meeting_id) if meeting_id else None
    if found is None:
        raise NotFound("meetings.error.unknown")
    return found


def _require_user(user: str | None) -> str:
    if not user:
        raise NotAllowed("meetings.error.no_identity")
    return user


@dataclass(frozen=True)
class Announcement:
    """What the channel's announcement card shows: the plan, names, and the files filed for the meeting."""

    meeting: Meeting
    network: Network
    names: dict[str, str]
    materials: Sequence[Material]


async def announcement(store: MeetingsStore, meeting: Meeting) -> Announcement:
    owner = await network(store, meeting.network_key)
    names = await display_names(store, people_of(meeting))
    records = await store.materials_of_meetings([meeting.id])
    return Announcement(meeting, owner, names, records.get(meeting.id, []))


@dataclass(frozen=True)
class PlanForm:
    """The facilitator's plan form: the network's members by name and the theme vote's winning themes."""

    network: Network
    members: dict[str, str]
    themes: list[str]


async def plan_form(store: MeetingsStore, key: str, user: str | None, *, is_coordinator: bool) -> PlanForm:
    owner = await network(store, key)
    if not may_organise(owner, user, is_coordinator):
        raise NotAllowed("meetings.error.not_organiser")
    members = await display_names(store, await store.network_members(owner.key))
    themes = [theme for result in await store.winning_themes(owner.key) for theme in result.themes]
    return PlanForm(owner, members, list(dict.fromkeys(themes)))


@dataclass(frozen=True)
class Here:
    """What `tapaamiset` shows where it was typed: the plan form (`form`) for an organiser in a network
    channel, else the list of meetings."""

    form: PlanForm | None
    listing: Listing | None


async def here(
    store: MeetingsStore, channel_id: str | None, user: str | None, *, is_coordinator: bool
) -> Here:
    """In a network channel its organisers get the plan form and others its meetings; in another channel
    `Invalid`; in a chat the meetings the person takes part in."""
    owner = await network_of_channel(store, channel_id)
    if owner is not None and may_organise(owner, user, is_coordinator):
        return Here(await plan_form(store, owner.key, user, is_coordinator=is_coordinator), None)
    if channel_id is not None and owner is None:
        raise Invalid("meetings.error.not_network_channel")
    return Here(None, await listing(store, owner, user, is_coordinator=is_coordinator))


@dataclass(frozen=True)
class Listing:
    """Meetings newest first with their network, and the presenters' names; `network` None lists every
    network the person belongs to or presents in."""

    network: Network | None
    meetings: list[tuple[Meeting, Network | None]]
    names: dict[str, str]


async def listing(
    store: MeetingsStore, owner: Network | None, user: str | None, *, is_coordinator: bool
) -> Listing:
    networks = [owner] if owner else await store.list_networks()
    listed: list[tuple[Meeting, Network | None]] = []
    for each in networks:
        if owner is None and not is_coordinator:
            members = await store.network_members(each.key)
            if user not in members and each.facilitator != user:
                continue
        listed += [(m, each) for m in await store.meetings_of_network(each.key)]
    if owner is None and user:
        known = {m.id for m, _ in listed}
        for presented in await store.meetings_of_presenter(user):
            if presented.id not in known:
                listed.append((presented, await store.get_network(presented.network_key)))
    listed.sort(key=lambda pair: pair[0].starts_at, reverse=True)
    names = await display_names(store, [p for m, _ in listed for p in m.presenters])
    return Listing(owner, listed[:LISTED], names)


@dataclass(frozen=True)
class Planned:
    """A planned meeting; `new` False when its form had been submitted already (nothing was planned)."""

    meeting: Meeting
    names: dict[str, str]
    announced: bool
    new: bool = True


async def _planned_before(store: MeetingsStore, meeting_id: str | None, key: str) -> Planned | None:
    found = await store.get_meeting(meeting_id) if meeting_id else None
    if found is None:
        return None
    if found.network_key != key:
        raise NotFound("meetings.error.unknown")
    names = await display_names(store, people_of(found))
    return Planned(found, names, found.announcement_id is not None, new=False)


async def plan(
    store: MeetingsStore,
    post: MeetingPost,
    key: str,
    reply: Callable[[str], MeetingDraft],
    *,
    user: str | None,
    is_coordinator: bool,
    now: datetime,
    reach: Reach,
    meeting_id: str | None = None,
) -> Planned:
    """Plan a meeting of network `key` from the form `reply(key)` parses: stored, announced in the network
    channel (the post is kept for updates), and the planning card sent to each presenter. `NotAllowed` for
    anyone but an organiser, `Conflict` for a network without a channel, then `Invalid` for a form the
    rules refuse (only after the checks, so the form can be shown again with the reason). With
    `meeting_id` (the form's nonce) a second submit, or a concurrent one, plans nothing and returns the
    meeting the first one planned."""
    owner = await network(store, key)
    if not may_organise(owner, user, is_coordinator):
        raise NotAllowed("meetings.error.not_organiser")
    if not owner.channel_id:
        raise Conflict("meetings.error.no_channel")
    if (before := await _planned_before(store, meeting_id, owner.key)) is not None:
        return before
    checked = reply(owner.key).validated(now, await store.network_members(owner.key))
    planned = new_meeting(checked, user, now, meeting_id)
    if not await store.create_meeting(planned, reach):  # the same form, submitted at the same moment, won
        before = await _planned_before(store, planned.id, owner.key)
        return before or Planned(planned, {}, False, new=False)
    names = await display_names(store, people_of(planned))
    where = await post.announce(planned, owner, names)
    if where is not None:
        await store.set_announcement(planned.id, *where)
    await post.to_presenters(planned, owner, names)
    return Planned(planned, names, where is not None)


@dataclass(frozen=True)
class Planning:
    """The presenters' shared planning card; `saved` False when a save was based on an older version (the
    card then shows the newer plan)."""

    meeting: Meeting
    network: Network
    names: dict[str, str]
    saved: bool = True


async def planning(
    store: MeetingsStore, meeting_id: str | None, user: str | None, *, is_coordinator: bool
) -> Planning:
    """The plan as its presenters and organisers see it; `NotAllowed` for anyone else."""
    found = await meeting(store, meeting_id)
    owner = await _require_planner(store, found, user, is_coordinator)
    return Planning(found, owner, await display_names(store, people_of(found)))


async def _require_planner(
    store: MeetingsStore, found: Meeting, user: str | None, is_coordinator: bool
) -> Network:
    owner = await network(store, found.network_key)
    if not may_plan(found, owner, user, is_coordinator):
        raise NotAllowed("meetings.error.not_presenter")
    return owner


async def save_plan(
    store: MeetingsStore,
    meeting_id: str | None,
    reply: Callable[[Meeting], tuple[Plan, int]],
    user: str | None,
    *,
    is_coordinator: bool,
) -> Planning:
    """Save the plan a presenter sent (`reply(meeting)` parses it: the plan and the version it was based
    on); a stale save saves nothing and shows the newer plan."""
    found = await meeting(store, meeting_id)
    owner = await _require_planner(store, found, user, is_coordinator)
    plan, version = reply(found)
    checked = plan.validated(found.presenters)
    try:
        saved = await store.update_plan(found.id, checked, version)
    except Conflict:
        fresh = await meeting(store, found.id)
        return Planning(fresh, owner, await display_names(store, people_of(fresh)), saved=False)
    return Planning(saved, owner, await display_names(store, people_of(saved)))


@dataclass(frozen=True)
class Attendance:
    announcement: Announcement
    count: int
    new: bool


async def attend(store: MeetingsStore, meeting_id: str | None, user: str | None, now: datetime) -> Attendance:
    """Say "I'll attend" (once per person); refused once the meeting has started."""
    found = await meeting(store, meeting_id)
    if found.starts_at <= now:
        raise Conflict("meetings.error.started")
    count, new = await store.attend(found.id, _require_user(user))
    return Attendance(await announcement(store, await meeting(store, found.id)), count, new)


@dataclass(frozen=True)
class Split:
    """The attendees in small groups; `key` differs per split, so a new split is sent again."""

    meeting: Meeting
    groups: Sequence[Sequence[str]]
    names: dict[str, str]
    key: str


async def split(
    store: MeetingsStore, meeting_id: str | None, size: int, user: str | None, *, is_coordinator: bool
) -> Split:
    """Split the people who said they attend into groups of about `size`, mixing organisations."""
    found = await meeting(store, meeting_id)
    await _require_planner(store, found, user, is_coordinator)
    attendees = await store.attendees(found.id)
    known = await people_by_id(store, attendees)
    organisations = {aad: person.organization if person else None for aad, person in known.items()}
    groups = split_into_groups(organisations, size, seed=found.id)
    await store.save_groups(found.id, groups)
    key = hashlib.sha256(repr(groups).encode()).hexdigest()[:12]
    return Split(found, groups, {aad: shown_name(aad, person) for aad, person in known.items()}, key)


@dataclass(frozen=True)
class GroupView:
    meeting: Meeting
    group: int
    members: Sequence[str]
    names: dict[str, str]


async def answer(
    store: MeetingsStore, found: Meeting, group: int, answers: tuple[str, ...], user: str | None
) -> GroupView:
    """Save a group member's answers to the small-group questions."""
    await store.save_group_answer(found.id, group, _require_user(user), answers)
    groups = await store.groups_of(found.id)
    members = groups[group - 1] if group <= len(groups) else []
    return GroupView(found, group, members, await display_names(store, members))


@dataclass(frozen=True)
class Summary:
    meeting: Meeting
    network: Network
    markdown: str
    document: FileInfo
    answered: int
    groups: int


async def file_summary(
    store: MeetingsStore,
    workspace: Workspace | None,
    team: Team | None,
    meeting_id: str | None,
    user: str | None,
    *,
    is_coordinator: bool,
    labels: dict[str, str],
    clean: Callable[[str], str],
) -> Summary:
    """The groups' answers as one Markdown document (`labels`: its translated headings), filed into the
    meeting folder (`Tapaamiset/<date> <theme>`, the one materials go to; `clean` makes the theme a valid
    folder name, so a "/" in it makes no subfolder), replacing an earlier summary."""
    found = await meeting(store, meeting_id)
    owner = await _require_planner(store, found, user, is_coordinator)
    groups = await store.groups_of(found.id)
    if not groups:
        raise Conflict("meetings.error.no_groups")
    if not owner.channel_id:
        raise Conflict("meetings.error.no_channel")
    answers: Sequence[GroupAnswer] = await store.group_answers(found.id)
    names = await display_names(store, [p for g in groups for p in g])
    markdown = summary_markdown(found, groups, answers, names, labels)
    if workspace is None or team is None:
        raise Unavailable("meetings.error.no_workspace")
    root = await workspace.channel_folder(team.team_id, owner.channel_id)
    folder = await workspace.ensure_folder(root, meeting_folder(found, clean))
    document = await workspace.upload(
        folder, SUMMARY_FILE, markdown.encode(), conflict=ConflictBehavior.REPLACE
    )
    return Summary(found, owner, markdown, document, len({a.group for a in answers}), len(groups))


async def announced_at(store: MeetingsStore, meeting_id: str) -> tuple[str, str] | None:
    """(conversation id, activity id) of the meeting's announcement post, None before it was posted."""
    return await store.announcement_of(meeting_id)


async def announcement_of(store: MeetingsStore, meeting_id: str) -> Announcement | None:
    """The announcement of a meeting, None when the meeting or its network is gone."""
    found = await store.get_meeting(meeting_id)
    if found is None or await store.get_network(found.network_key) is None:
        return None
    return await announcement(store, found)


# ---- the day-before reminder --------------------------------------------------------------------------

REMINDER_LOOKAHEAD = timedelta(days=2)


@dataclass(frozen=True)
class Reminded:
    """Who a meeting's reminder goes to (the network's members and the presenters, each once), with names
    and languages, and where the bot reaches them (`Reach` of the activity that planned it)."""

    meeting: Meeting
    network: Network | None
    reach: Reach
    people: Sequence[str]
    names: dict[str, str]
    locales: dict[str, str | None]


class Reminders(Protocol):
    """Builds the reminder's outbox messages (one card per person, in their language)."""

    def messages(self, reminded: Reminded) -> Sequence[OutgoingMessage]: ...


async def send_reminders(store: MeetingsStore, reminders: Reminders, now: datetime) -> int:
    """Queue the reminders due now (`core.meetings.reminder_due`: from 09:00 Helsinki time the day before
    until the start) of meetings not reminded yet; returns how many messages this call queued. The store
    marks a meeting reminded and queues its messages in one transaction, so of two instances racing for a
    meeting only one queues anything."""
    queued = 0
    for meeting, reach in await store.meetings_to_remind(now, REMINDER_LOOKAHEAD):
        if not reminder_due(meeting, now):
            continue
        people = list(dict.fromkeys([*await store.network_members(meeting.network_key), *meeting.presenters]))
        known = await people_by_id(store, people)
        names = {aad: shown_name(aad, person) for aad, person in known.items()}
        locales = {aad: person.locale if person else None for aad, person in known.items()}
        owner = await store.get_network(meeting.network_key)
        reminded = Reminded(meeting, owner, reach, people, names, locales)
        queued += await store.claim_reminder(meeting.id, now, reminders.messages(reminded))
    return queued
