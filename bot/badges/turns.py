"""What the two badge features (`bot.features.badges`, `bot.features.badge_admin`) take from a turn: the
person acting in their personal chat, the time, and where their outbox messages go without a chat."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.proactive import target
from bot.turn import Turn
from core.errors import Conflict, NotAllowed
from core.outbox import Target


def now() -> datetime:
    return datetime.now(UTC)


def fallback(turn: Turn) -> Target:
    """The asker's own chat through this turn's service: where a badge message goes when the recipient
    has no personal chat with the bot yet."""
    return target(turn, "person", None, user_id=turn.user_aad_id or "-")


def person(turn: Turn) -> str:
    """The acting person's id; badges are handled only in personal chat (`Conflict` elsewhere)."""
    if turn.conversation_type != "personal":
        raise Conflict("badges.error.personal_only")
    if not turn.user_aad_id:
        raise NotAllowed("badges.error.no_identity")
    return turn.user_aad_id
