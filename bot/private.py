"""Answers only the person who asked may see (survey results, a member's own answer, a coaching profile):
in a personal chat they come here; asked in a channel or group chat, they go into the person's personal chat
through the outbox and the shared conversation gets at most a short notice."""

from __future__ import annotations

import uuid

from microsoft_teams.cards import AdaptiveCard

from bot.outbox import send_later
from bot.proactive import to_person
from bot.turn import Turn
from core.errors import NotAllowed


def is_personal(turn: Turn) -> bool:
    return turn.conversation_type == "personal"


async def to_personal_chat(turn: Turn, value: AdaptiveCard, *, topic: str) -> None:
    """Queue the card for the user's personal chat with the bot (`topic` names the messages: `survey`)."""
    aad = turn.user_aad_id
    if not aad:
        raise NotAllowed(f"{topic}.error.no_identity")
    team = await turn.project_team()
    message = to_person(
        turn,
        aad,
        value,
        key=f"{topic}:private:{uuid.uuid4().hex}",
        broadcast=f"{topic}:private:{aad}",
        service_url=team.service_url if team else None,
    )
    await send_later(turn.services, [message])


async def show(turn: Turn, value: AdaptiveCard, *, topic: str, notice: str) -> None:
    """Send a private card: here in a personal chat, elsewhere into the personal chat with `notice` here."""
    if is_personal(turn):
        await turn.send_card(value)
        return
    await to_personal_chat(turn, value, topic=topic)
    await turn.send_text(notice)


async def reply(turn: Turn, value: AdaptiveCard, *, topic: str) -> AdaptiveCard | None:
    """A card action's private answer: the clicker's card in a personal chat; clicked on a card in a channel
    or group chat, the answer goes to the personal chat and the shared card stays as it was (None)."""
    if is_personal(turn):
        return value
    await to_personal_chat(turn, value, topic=topic)
    return None
