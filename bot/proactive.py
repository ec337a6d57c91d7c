"""Building outbox messages from inside a turn: where to send (a `Target` in this turn's Teams) and what
(a card as the activity JSON the outbox stores), and one card per person in each person's language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.i18n import Translator
from bot.outbox import send_later
from bot.turn import Turn
from cards.base import to_json
from core.outbox import OutgoingMessage, Priority, Target, TargetKind

CARD_CONTENT = "application/vnd.microsoft.card.adaptive"


def card_message(value: AdaptiveCard) -> dict[str, Any]:
    return {"type": "message", "attachments": [{"contentType": CARD_CONTENT, "content": to_json(value)}]}


def target(turn: Turn, kind: TargetKind, service_url: str | None, **where: str) -> Target:
    """A target in the Teams this turn came from (its serviceUrl unless given, its tenant, this bot)."""
    return Target(
        kind=kind,
        service_url=service_url or turn.activity.service_url,
        tenant_id=turn.tenant_id,
        bot_id=turn.bot_id,
        **where,
    )


def to_channel(
    turn: Turn,
    conversation_id: str,
    value: AdaptiveCard | dict[str, Any],
    *,
    key: str,
    broadcast: str,
    recipient: str,
    service_url: str | None = None,
) -> OutgoingMessage:
    """An outbox message posting a card (or a ready activity) into a channel of this turn's Teams."""
    activity = value if isinstance(value, dict) else card_message(value)
    where = target(turn, "channel", service_url, conversation_id=conversation_id)
    return OutgoingMessage(key=key, broadcast=broadcast, recipient=recipient, target=where, activity=activity)


def to_person(
    turn: Turn,
    person_id: str,
    value: AdaptiveCard | dict[str, Any],
    *,
    key: str,
    broadcast: str,
    service_url: str | None = None,
    priority: Priority = Priority.NORMAL,
) -> OutgoingMessage:
    """An outbox message with a card (or a ready activity) for one person's personal chat (the outbox
    opens it when needed)."""
    where = target(turn, "person", service_url, user_id=person_id)
    return OutgoingMessage(
        key=key,
        broadcast=broadcast,
        recipient=person_id,
        target=where,
        activity=value if isinstance(value, dict) else card_message(value),
        priority=priority,
    )


async def cards_to_people(
    turn: Turn,
    people: Sequence[str],
    *,
    key: str,
    broadcast: str,
    build: Callable[[Translator], AdaptiveCard],
    service_url: str | None = None,
    priority: Priority = Priority.NORMAL,
) -> int:
    """Queue `build(translator)` for each person's personal chat, in their own language; each message is
    keyed `<key>:<person>` so queuing again sends nothing twice. Returns how many were queued."""
    store = turn.services.store
    messages = []
    for person_id in dict.fromkeys(people):
        person = await store.get_person(person_id)
        t = turn.services.catalogs.for_locale(person.locale if person else None)
        messages.append(
            OutgoingMessage(
                key=f"{key}:{person_id}",
                broadcast=broadcast,
                recipient=person_id,
                target=target(turn, "person", service_url, user_id=person_id),
                activity=card_message(build(t)),
                priority=priority,
            )
        )
    if messages:
        await send_later(turn.services, messages)
    return len(messages)
