"""The bot being added to a team: remember the team, greet its General channel once, read its roster;
people joining and leaving the team afterwards (the survey goes to its current members)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from botbuilder.schema.teams import TeamInfo, TeamsChannelAccount

from bot.join_messages import JoinMessages
from bot.roster import members_added, members_removed, sync_roster
from bot.turn import Turn
from cards.welcome import welcome_card
from core.join_flow import arrived
from core.teams import claim_greeting

log = logging.getLogger(__name__)


async def on_install(turn: Turn, team: TeamInfo) -> None:
    """Teams may deliver the install more than once and to several instances: the greeting is claimed once
    per team in the store, like an activity id."""
    name = team.name or turn.channel_data.get("team", {}).get("name") or ""
    team_key = team.aad_group_id or team.id or ""
    log.info("installed in team %s (%s)", name, team_key)
    turn.services.graph.team_seen(team.aad_group_id, name)
    if await claim_greeting(turn.services.store, team_key):
        await turn.send_card(welcome_card(turn.t, name))
    await sync_roster(turn.context, turn.services.store, team.id)


async def on_members_added(turn: Turn, _team: TeamInfo, members: list[TeamsChannelAccount]) -> None:
    """New people in the team: remembered as its members, so surveys and response rates include them;
    someone let in by a join request is welcomed in their chat with the networks they asked for."""
    await members_added(turn.context, turn.services.store, members)
    for member in members:
        user = getattr(member, "aad_object_id", None)
        if not user:
            continue
        found = await arrived(turn.services.store, user, datetime.now(UTC))
        if found is not None:
            await JoinMessages(turn.services).welcome(*found)


async def on_members_removed(
    turn: Turn, _team: TeamInfo, members: list[TeamsChannelAccount], *, bot: bool
) -> None:
    """People who left the team (or the bot removed from it): no survey reaches them any more."""
    await members_removed(turn.context, turn.services.store, members, bot=bot)
