"""A team's roster into the store: every member upserted with their organisation, the team recorded."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema.teams import TeamsChannelAccount

from bot.teams import channel_data, tenant_of
from core.audit import AuditLog
from core.people import PeopleStore, Person
from core.teams import Team, TeamStore

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


async def sync_roster(turn_context: TurnContext, store: RosterStore, team_id: str | None = None) -> int:
    """Read the whole roster with `TeamsInfo` paged members and upsert every member; returns how many.

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

    count = 0
    token: str | None = None
    while True:
        page = await TeamsInfo.get_paged_team_members(turn_context, thread_id, token, PAGE_SIZE)
        people = [p for p in (_person(m, tenant_id) for m in page.members or []) if p is not None]
        await asyncio.gather(*(store.upsert_person(person) for person in people))
        count += len(people)
        token = page.continuation_token
        if not token:
            break
    actor = activity.from_property.aad_object_id if activity.from_property else None
    await store.record(actor or "system", "roster.sync", f"team:{graph_id or thread_id}", {"members": count})
    log.info("roster of team %s synced: %d members", graph_id or thread_id, count)
    return count
