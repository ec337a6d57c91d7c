"""A meeting's announcement card in its network channel: posted when the meeting is planned, then updated in
place (activity PUT) when the plan, the attendee count or the filed materials change. The meetings and the
materials features both refresh it; what it shows is `core.meeting_flow.announcement`."""

from __future__ import annotations

import logging
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.i18n import Translator
from bot.services import Services
from bot.teams import post_to_channel, update_card
from bot.turn import Turn
from cards import meetings as cards
from core import meeting_flow
from core.meeting_flow import Announcement
from core.meetings import Meeting
from core.networks import Network

log = logging.getLogger(__name__)


def announcement_card(t: Translator, view: Announcement, notice: str | None = None) -> AdaptiveCard:
    links = [cards.MaterialLink(m.name, m.web_url) for m in view.materials]
    name = view.network.name(t.locale)
    return cards.meeting_announcement_card(t, view.meeting, name, view.names, links, notice=notice)


async def post_announcement(
    turn: Turn, meeting: Meeting, network: Network, names: dict[str, str]
) -> tuple[str, str] | None:
    """Post the announcement (in Finnish) as a new post in the network channel; (conversation id, activity
    id) of the post, None when it could not be posted (the meeting stands; the facilitator is told)."""
    client = turn.connector_client
    if client is None or not network.channel_id:
        return None
    t = turn.services.catalogs.for_locale("fi")
    value = cards.meeting_announcement_card(t, meeting, network.name_fi, names)
    try:
        return await post_to_channel(
            client, network.channel_id, value, tenant_id=turn.tenant_id, bot_id=turn.bot_id
        )
    except Exception as error:  # the meeting stands; the facilitator is told the post failed
        log.warning("could not post the announcement of meeting %s: %s", meeting.id, error)
        return None


async def refresh_announcement(services: Services, client: Any | None, meeting_id: str) -> None:
    """PUT the channel's announcement card with the newest plan, attendee count and materials, through
    `client` (a turn's connector client; pooled, so it may be used after the turn). Best effort: the
    clicking user's own card is right already, and the next change tries again."""
    store = services.store
    where = await meeting_flow.announced_at(store, meeting_id)
    if client is None or where is None:
        return
    view = await meeting_flow.announcement_of(store, meeting_id)
    if view is None:
        return
    value = announcement_card(services.catalogs.for_locale("fi"), view)
    conversation_id, activity_id = where
    try:
        await update_card(client, conversation_id, activity_id, value)
    except Exception as error:
        log.warning("could not update the announcement of meeting %s: %s", meeting_id, error)
