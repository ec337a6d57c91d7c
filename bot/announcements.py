"""A meeting's announcement card in its network channel: posted when the meeting is planned, then updated in
place (activity PUT) when the plan, the attendee count or the filed materials change. The meetings and the
materials features both refresh it."""

from __future__ import annotations

import logging
from typing import Any

from bot.services import Services
from bot.teams import update_card
from cards import meetings as cards

log = logging.getLogger(__name__)


async def refresh_announcement(services: Services, client: Any | None, meeting_id: str) -> None:
    """PUT the channel's announcement card with the newest plan, attendee count and materials, through
    `client` (a turn's connector client; pooled, so it may be used after the turn). Best effort: the
    clicking user's own card is right already, and the next change tries again."""
    store = services.store
    where = await store.announcement_of(meeting_id)
    meeting = await store.get_meeting(meeting_id)
    if client is None or where is None or meeting is None:
        return
    network = await store.get_network(meeting.network_key)
    if network is None:
        return
    names: dict[str, str] = {}
    for aad in dict.fromkeys([*meeting.presenters, *([meeting.facilitator] if meeting.facilitator else [])]):
        person = await store.get_person(aad)
        names[aad] = (person.name or person.email or aad) if person else aad
    t = services.catalogs.for_locale("fi")
    records = await store.materials_of_meetings([meeting_id])
    materials = [cards.MaterialLink(m.name, m.web_url) for m in records.get(meeting_id, [])]
    value = cards.meeting_announcement_card(t, meeting, network.name_fi, names, materials)
    conversation_id, activity_id = where
    try:
        await update_card(client, conversation_id, activity_id, value)
    except Exception as error:
        log.warning("could not update the announcement of meeting %s: %s", meeting_id, error)
