"""Who is in a team: its roster read from the connector (paged) into the store, every member upserted
with their organisation and recorded as a member, and the membersAdded / membersRemoved events applied.

The survey goes to the project team's current members only (`core.survey.SurveyStore.survey_recipients`):
the roster is read again when a survey starts; between starts the events keep it current.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema.teams import TeamsChannelAccount

from bot.teams import channel_data, tenant_of
from core.audit import AuditLog
from core.errors import Unavailable
from core.people import PeopleStore, Person
from core.teams import Team, TeamMember, TeamStore

log = logging.getLogger(__name__)

PAGE_SIZE = 100


class RosterStore(PeopleStore, TeamStore, AuditLog, Protocol):
    """The parts of the store a roster sync uses."""


def _person(member: TeamsChannelAccount, tenant_id: str | None) -> Person | None:
    if not member.aad_object_id:
        return None
    return Person(
        aad_object_id=member.aad_object_id,
        name=member.name or None,
        email=member.email or None,
        upn=member.user_principal_name or None,
        tenant_id=member.tenant_id or tenant_id,
    )


async def _read(context: TurnContext, thread_id: str) -> list[TeamsChannelAccount]:
    members: list[TeamsChannelAccount] = []
    token: str | None = None
    while True:
        page = await TeamsInfo.get_paged_team_members(context, thread_id, token, PAGE_SIZE)
        members += page.members or []
        token = page.continuation_token
        if not token:
            return members


async def _save(
    store: RosterStore, members: Sequence[TeamsChannelAccount], tenant_id: str | None
) -> list[TeamMember]:
    """Upsert the people among `members` (those with an Entra object id); the team members they are."""
    pairs = [(m, p) for m in members if (p := _person(m, tenant_id)) is not None]
    await store.upsert_people([person for _member, person in pairs])
    return [TeamMember(person.aad_object_id, member.id or None) for member, person in pairs]


async def sync_roster(turn_context: TurnContext, store: RosterStore, team_id: str | None = None) -> int:
    """Read the whole roster with `TeamsInfo` paged members, upsert every member and make them the team's
    members (no one else); returns how many.

    `team_id` is the Bot Framework team id (`channelData.team.id`); the team's Graph id
    (`channelData.team.aadGroupId`) is accepted too. Without it, the activity's team is used. The team is
    recorded (by Graph id) from `channelData.team` before the members are read. Connector and store
    failures raise.
    """
    activity = turn_context.activity
    team = channel_data(activity).get("team") or {}
    thread_id = team_id or team.get("id")
    if team_id and team_id == team.get("aadGroupId"):
        thread_id = team.get("id") or team_id
    if not thread_id:
        raise ValueError("sync_roster needs a team: no team_id and no channelData.team.id in the activity")
    tenant_id = tenant_of(activity)
    graph_id = team.get("aadGroupId")
    if graph_id and activity.service_url:
        await store.save_team(Team(graph_id, team.get("name"), tenant_id, activity.service_url, thread_id))
    members = await _save(store, await _read(turn_context, thread_id), tenant_id)
    if graph_id:
        await store.replace_team_members(graph_id, members)
    actor = activity.from_property.aad_object_id if activity.from_property else None
    count = len(members)
    await store.record(actor or "system", "roster.sync", f"team:{graph_id or thread_id}", {"members": count})
    log.info("roster of team %s synced: %d members", graph_id or thread_id, count)
    return count


async def refresh_roster(turn_context: TurnContext, store: RosterStore, team: Team) -> int:
    """Read the project team's roster again (from any conversation of the same Teams, e.g. the
    coordinator's personal chat) and make it the team's members; how many. When the connector cannot give
    it, the members known from earlier rosters and events stay (logged); with none known, `Unavailable`."""
    try:
        if not team.thread_id:
            raise ValueError("the team's Bot Framework id is not known")
        read = await _read(turn_context, team.thread_id)
    except Exception as error:  # the connector's failures have no common type; the fallback covers all
        known = await store.team_member_count(team.team_id)
        if not known:
            raise Unavailable("survey.error.roster") from error
        log.warning(
            "roster of team %s not read (%s): its %d known members are used", team.team_id, error, known
        )
        return known
    members = await _save(store, read, team.tenant_id)
    await store.replace_team_members(team.team_id, members)
    log.info("roster of team %s read: %d members", team.team_id, len(members))
    return len(members)


def _graph_id(turn_context: TurnContext) -> str | None:
    value = (channel_data(turn_context.activity).get("team") or {}).get("aadGroupId")
    return value if isinstance(value, str) and value else None


async def members_added(
    turn_context: TurnContext, store: RosterStore, members: Sequence[TeamsChannelAccount]
) -> None:
    """People added to the team (botbuilder has looked each one up): remembered and made members."""
    found = await _save(store, members, tenant_of(turn_context.activity))
    graph_id = _graph_id(turn_context)
    if graph_id and found:
        await store.add_team_members(graph_id, found)
        log.info("team %s: %d members added", graph_id, len(found))


async def members_removed(
    turn_context: TurnContext, store: RosterStore, members: Sequence[TeamsChannelAccount], *, bot: bool
) -> None:
    """People who left the team are members no longer; the bot itself removed: it knows no members."""
    graph_id = _graph_id(turn_context)
    if not graph_id:
        return
    ids = [i for m in members for i in (m.id, m.aad_object_id) if i]
    removed = await store.remove_team_members(graph_id, None if bot else ids)
    log.info("team %s: %d members removed%s", graph_id, removed, " (the bot was removed)" if bot else "")
