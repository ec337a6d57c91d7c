"""`tapaamiset` / `meetings`: themed meetings of a peer network.

- In a network channel, its facilitator (or a coordinator) gets the plan form: theme (the theme vote's
  winners or a new one), date and time (Europe/Helsinki), 1-3 presenters from the network, a description.
  Anyone else, and anyone in a personal chat, gets the list of meetings.
- Planning posts the announcement card into the network channel (its activity is kept and updated when
  the plan or the attendee count changes) and sends each presenter the shared planning card through the
  outbox. A presenter's save names the plan version it was based on; a stale save shows the newer plan.
- Small groups: the facilitator splits the people who said "I'll attend" into groups of a chosen size,
  mixing organisations (`core.groups`). Teams bots cannot open group chats, so each member gets their
  group's card in personal chat, listing the group's members and questions; answers come back as card
  actions. "Collect summary" files the answers as a Markdown document into the meeting folder
  (`Tapaamiset/<date> <theme>`) through the Workspace and posts the summary in the channel.
- Reminders the day before are sent by the scheduler in `bot/meetings/`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.announcements import refresh_announcement
from bot.outbox import send_later
from bot.proactive import card_message, cards_to_people, target
from bot.router import Router
from bot.teams import post_to_channel
from bot.turn import Turn
from cards import meetings as cards
from core.errors import Conflict, Invalid, NotAllowed, NotFound, Unavailable
from core.groups import split_into_groups
from core.materials import meeting_folder
from core.meetings import (
    Meeting,
    Reach,
    may_organise,
    may_plan,
    new_meeting,
    summary_markdown,
)
from core.networks import Network, network_of_channel
from core.outbox import OutgoingMessage
from core.workspace import ConflictBehavior
from graph.names import clean_folder_name

log = logging.getLogger(__name__)

SUMMARY_FILE = "pienryhmat-yhteenveto.md"


def now() -> datetime:
    return datetime.now(UTC)


async def names_of(turn: Turn, ids: Sequence[str]) -> dict[str, str]:
    """Display names of people (Entra ids) the bot has met; unknown ids map to themselves."""
    store = turn.services.store
    names: dict[str, str] = {}
    for aad in dict.fromkeys(ids):
        person = await store.get_person(aad)
        names[aad] = (person.name or person.email or aad) if person else aad
    return names


def _people_of(meeting: Meeting) -> list[str]:
    return [*meeting.presenters, *([meeting.facilitator] if meeting.facilitator else [])]


async def _network(turn: Turn, key: str) -> Network:
    network = await turn.services.store.get_network(key)
    if network is None:
        raise NotFound("meetings.error.unknown_network")
    return network


async def _meeting(turn: Turn, data: dict[str, Any]) -> Meeting:
    meeting_id = data.get("meeting")
    found = await turn.services.store.get_meeting(meeting_id) if isinstance(meeting_id, str) else None
    if found is None:
        raise NotFound("meetings.error.unknown")
    return found


def _user(turn: Turn) -> str:
    if not turn.user_aad_id:
        raise NotAllowed("meetings.error.no_identity")
    return turn.user_aad_id


async def materials_of(turn: Turn, meeting_id: str) -> list[cards.MaterialLink]:
    """The files filed for the meeting (newest first), for its announcement card."""
    records = await turn.services.store.materials_of_meetings([meeting_id])
    return [cards.MaterialLink(m.name, m.web_url) for m in records.get(meeting_id, [])]


async def _announcement(turn: Turn, meeting: Meeting, notice: str | None = None) -> AdaptiveCard:
    network = await _network(turn, meeting.network_key)
    names = await names_of(turn, _people_of(meeting))
    materials = await materials_of(turn, meeting.id)
    return cards.meeting_announcement_card(
        turn.t, meeting, network.name(turn.t.locale), names, materials, notice=notice
    )


async def _post_announcement(turn: Turn, meeting: Meeting, network: Network) -> bool:
    """Post the announcement as a new post in the network channel; remembers it for updates."""
    client = turn.connector_client
    if client is None or not network.channel_id:
        return False
    t = turn.services.catalogs.for_locale("fi")
    names = await names_of(turn, _people_of(meeting))
    value = cards.meeting_announcement_card(t, meeting, network.name_fi, names)
    try:
        where = await post_to_channel(
            client, network.channel_id, value, tenant_id=turn.tenant_id, bot_id=turn.bot_id
        )
    except Exception as error:  # the meeting stands; the facilitator is told the post failed
        log.warning("could not post the announcement of meeting %s: %s", meeting.id, error)
        return False
    if where is not None:
        await turn.services.store.set_announcement(meeting.id, *where)
    return True


async def update_announcement(turn: Turn, meeting_id: str) -> None:
    """PUT the channel's announcement card with the newest plan, attendee count and materials."""
    await refresh_announcement(turn.services, turn.connector_client, meeting_id)


def _reach(turn: Turn, service_url: str | None = None) -> Reach:
    return Reach(
        service_url=service_url or turn.activity.service_url or "",
        tenant_id=turn.tenant_id,
        bot_id=turn.bot_id,
    )


async def _to_people(turn: Turn, people: Sequence[str], key: str, broadcast: str, build: Any) -> int:
    """Queue a card for each person's personal chat (`build(translator)` makes it in their language)."""
    return await cards_to_people(turn, people, key=key, broadcast=broadcast, build=build)


async def _network_here(turn: Turn) -> Network | None:
    return await network_of_channel(turn.services.store, turn.channel_id)


async def _plan_form(turn: Turn, network: Network, error: str | None = None) -> AdaptiveCard:
    store = turn.services.store
    members = await store.network_members(network.key)
    names = await names_of(turn, members)
    themes = [theme for result in await store.winning_themes(network.key) for theme in result.themes]
    return cards.plan_form_card(
        turn.t, network.key, network.name(turn.t.locale), names, list(dict.fromkeys(themes)), error
    )


async def _list(turn: Turn, network: Network | None) -> AdaptiveCard:
    store = turn.services.store
    networks = [network] if network else await turn.services.store.list_networks()
    user = turn.user_aad_id
    listed: list[tuple[Meeting, str]] = []
    for each in networks:
        if network is None and not turn.is_coordinator:
            members = await store.network_members(each.key)
            if user not in members and each.facilitator != user:
                continue
        listed += [(m, each.name(turn.t.locale)) for m in await store.meetings_of_network(each.key)]
    if network is None and user:
        known = {m.id for m, _ in listed}
        for meeting in await store.meetings_of_presenter(user):
            if meeting.id not in known:
                owner = await store.get_network(meeting.network_key)
                listed.append((meeting, owner.name(turn.t.locale) if owner else meeting.network_key))
    listed.sort(key=lambda pair: pair[0].starts_at, reverse=True)
    names = await names_of(turn, [p for m, _ in listed for p in m.presenters])
    title = (
        turn.t("meetings.list.title", network=network.name(turn.t.locale))
        if network
        else turn.t("meetings.list.title_all")
    )
    return cards.meetings_list_card(turn.t, listed[:20], names, title=title)


async def meetings_command(turn: Turn, _argument: str) -> None:
    network = await _network_here(turn)
    if network is not None and may_organise(network, turn.user_aad_id, turn.is_coordinator):
        await turn.send_card(await _plan_form(turn, network))
        return
    if turn.channel_id is not None and network is None:
        raise Invalid("meetings.error.not_network_channel")
    await turn.send_card(await _list(turn, network))


async def plan(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    key = data.get("network")
    network = await _network(turn, key if isinstance(key, str) else "")
    if not may_organise(network, turn.user_aad_id, turn.is_coordinator):
        raise NotAllowed("meetings.error.not_organiser")
    if not network.channel_id:
        raise Conflict("meetings.error.no_channel")
    store = turn.services.store
    moment = now()
    try:
        draft = cards.parse_plan_form(data, network.key).validated(
            moment, await store.network_members(network.key)
        )
    except Invalid as error:
        return await _plan_form(turn, network, turn.t(error.key, **error.params))
    meeting = new_meeting(draft, turn.user_aad_id, moment)
    team = await turn.project_team()
    await store.create_meeting(meeting, _reach(turn, team.service_url if team else None))
    announced = await _post_announcement(turn, meeting, network)
    names = await names_of(turn, _people_of(meeting))
    await _to_people(
        turn,
        meeting.presenters,
        f"meeting:{meeting.id}:planning",
        f"meeting:{meeting.id}:planning",
        lambda t: cards.planning_card(t, meeting, network.name(t.locale), names),
    )
    log.info("meeting %s planned in %s (%d presenters)", meeting.id, network.key, len(meeting.presenters))
    notice = None if announced else turn.t("meetings.form.announce_failed")
    return cards.planned_card(turn.t, meeting, names, notice)


async def _require_planner(turn: Turn, meeting: Meeting) -> Network:
    network = await _network(turn, meeting.network_key)
    if not may_plan(meeting, network, turn.user_aad_id, turn.is_coordinator):
        raise NotAllowed("meetings.error.not_presenter")
    return network


async def _planning(
    turn: Turn, meeting: Meeting, network: Network, notice: str | None = None
) -> AdaptiveCard:
    names = await names_of(turn, _people_of(meeting))
    return cards.planning_card(turn.t, meeting, network.name(turn.t.locale), names, notice)


async def save_plan(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    meeting = await _meeting(turn, data)
    network = await _require_planner(turn, meeting)
    plan, version = cards.parse_plan(data, meeting)
    plan = plan.validated(meeting.presenters)
    try:
        saved = await turn.services.store.update_plan(meeting.id, plan, version)
    except Conflict:
        fresh = await _meeting(turn, data)
        return await _planning(turn, fresh, network, turn.t("meetings.planning.changed"))
    await update_announcement(turn, meeting.id)
    return await _planning(turn, saved, network, turn.t("meetings.planning.saved"))


async def refresh_plan(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    meeting = await _meeting(turn, data)
    return await _planning(turn, meeting, await _require_planner(turn, meeting))


async def attend(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    meeting = await _meeting(turn, data)
    if meeting.starts_at <= now():
        raise Conflict("meetings.error.started")
    count, new = await turn.services.store.attend(meeting.id, _user(turn))
    if new:
        await update_announcement(turn, meeting.id)
    fresh = await _meeting(turn, data)
    return await _announcement(
        turn,
        fresh,
        turn.t.plural("meetings.announce.you_attend" if new else "meetings.announce.already", count),
    )


def _group_size(data: dict[str, Any]) -> int:
    raw = data.get("size")
    try:
        return int(float(raw)) if isinstance(raw, (int, float, str)) and str(raw).strip() else 0
    except ValueError as error:
        raise Invalid("meetings.error.group_size", min=2, max=20) from error


async def split_groups(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    meeting = await _meeting(turn, data)
    await _require_planner(turn, meeting)
    store = turn.services.store
    size = _group_size(data)
    attendees = await store.attendees(meeting.id)
    organisations: dict[str, str | None] = {}
    for person_id in attendees:
        person = await store.get_person(person_id)
        organisations[person_id] = person.organization if person else None
    groups = split_into_groups(organisations, size, seed=meeting.id)
    await store.save_groups(meeting.id, groups)
    names = await names_of(turn, attendees)
    split = hashlib.sha256(repr(groups).encode()).hexdigest()[:12]
    for number, members in enumerate(groups, start=1):
        await _to_people(
            turn,
            members,
            f"meeting:{meeting.id}:group:{split}",
            f"meeting:{meeting.id}:groups",
            lambda t, number=number, members=members: cards.group_card(t, meeting, number, members, names),
        )
    log.info("meeting %s: %d attendees split into %d groups", meeting.id, len(attendees), len(groups))
    return cards.groups_done_card(turn.t, meeting, groups, names)


async def answer(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    meeting = await _meeting(turn, data)
    group, answers = cards.parse_answers(data, meeting)
    await turn.services.store.save_group_answer(meeting.id, group, _user(turn), answers)
    groups = await turn.services.store.groups_of(meeting.id)
    members = groups[group - 1] if group <= len(groups) else []
    names = await names_of(turn, members)
    return cards.group_card(turn.t, meeting, group, members, names, answers, turn.t("meetings.group.sent"))


async def summary(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    meeting = await _meeting(turn, data)
    network = await _require_planner(turn, meeting)
    store = turn.services.store
    groups = await store.groups_of(meeting.id)
    if not groups:
        raise Conflict("meetings.error.no_groups")
    if not network.channel_id:
        raise Conflict("meetings.error.no_channel")
    answers = await store.group_answers(meeting.id)
    names = await names_of(turn, [p for g in groups for p in g])
    t = turn.services.catalogs.for_locale("fi")
    labels = {
        "title": t("meetings.summary.title", theme="").rstrip(": "),
        "group": t("meetings.summary.group"),
        "no_answers": t("meetings.summary.no_answers"),
    }
    markdown = summary_markdown(meeting, groups, answers, names, labels)
    document = await _file_summary(turn, meeting, network, markdown)
    answered = len({a.group for a in answers})
    message = OutgoingMessage(
        key=f"meeting:{meeting.id}:summary:{hashlib.sha256(markdown.encode()).hexdigest()[:12]}",
        broadcast=f"meeting:{meeting.id}:summary",
        recipient=network.name_fi,
        target=target(turn, "channel", None, conversation_id=network.channel_id),
        activity={
            "type": "message",
            "attachments": [
                card_message(cards.summary_card(t, meeting, document, answered, len(groups)))["attachments"][
                    0
                ],
                card_message(cards.summary_text_card(t, meeting, markdown))["attachments"][0],
            ],
        },
    )
    await send_later(turn.services, [message])
    return await _announcement(
        turn, meeting, turn.t.plural("meetings.summary.done", len(groups), answered=answered)
    )


async def _file_summary(turn: Turn, meeting: Meeting, network: Network, markdown: str) -> cards.MaterialLink:
    workspace = turn.services.workspace
    team = await turn.project_team()
    if workspace is None or team is None:
        raise Unavailable("meetings.error.no_workspace")
    root = await workspace.channel_folder(team.team_id, network.channel_id or "")
    # The same folder materials are filed into (a "/" in a theme must not make a subfolder).
    folder = await workspace.ensure_folder(root, meeting_folder(meeting, clean_folder_name))
    stored = await workspace.upload(
        folder, SUMMARY_FILE, markdown.encode(), conflict=ConflictBehavior.REPLACE
    )
    return cards.MaterialLink(stored.name, stored.web_url)


def register(router: Router) -> None:
    router.command("meetings", meetings_command)
    router.action(cards.PLAN, plan)
    router.action(cards.SAVE, save_plan)
    router.action(cards.REFRESH, refresh_plan)
    router.action(cards.ATTEND, attend)
    router.action(cards.GROUPS, split_groups)
    router.action(cards.ANSWER, answer)
    router.action(cards.SUMMARY, summary)
