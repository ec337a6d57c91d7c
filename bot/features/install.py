"""The bot being added to a team: remember the team and greet its General channel once."""

from __future__ import annotations

import logging

from botbuilder.schema.teams import TeamInfo

from bot.turn import Turn
from cards.welcome import welcome_card

log = logging.getLogger(__name__)


async def on_install(turn: Turn, team: TeamInfo) -> None:
    name = team.name or turn.channel_data.get("team", {}).get("name") or ""
    log.info("installed in team %s (%s)", name, team.aad_group_id)
    await turn.send_card(welcome_card(turn.t, name))
