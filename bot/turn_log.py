"""What the log says about a turn: its ids (for every line it logs) and one summary line when it ends.

The summary, logger `bot.turns`, INFO: `turn type=message route=help outcome=ok status=200 ms=12.3`, and in
JSON the same as fields. `route` is the command (its registry name, whatever language was typed), the card
action's verb, the invoke's name, or `files` for files sent to the bot; never the text a person wrote.
"""

from __future__ import annotations

import logging
import re

from botbuilder.schema import Activity

from bot import commands
from bot.logs import TurnLog, user_hash
from bot.router import command_text

log = logging.getLogger("bot.turns")

_UNSAFE = re.compile(r"[^A-Za-z0-9_.:/@-]")
_MAX = 80


def _safe(value: object, limit: int = _MAX) -> str:
    """A value from the request as a log token: printable, no spaces, bounded length."""
    text = _UNSAFE.sub("?", str(value))[:limit]
    return text or "-"


def _tenant(activity: Activity) -> str | None:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant")
    tenant_id = tenant.get("id") if isinstance(tenant, dict) else None
    return tenant_id or getattr(activity.conversation, "tenant_id", None)


def _route(activity: Activity) -> str:
    if activity.type == "message":
        if activity.attachments and any(
            getattr(a, "content_type", "") == "application/vnd.microsoft.teams.file.download.info"
            for a in activity.attachments
        ):
            return "files"
        value = activity.value
        if isinstance(value, dict) and not activity.text:
            return f"submit:{_safe(value.get('verb') or '-', 40)}"
        word = command_text(activity.text).partition(" ")[0]
        command = commands.find(word) if word else None
        return command.name if command else "unknown"
    if activity.type == "invoke":
        name = activity.name or "-"
        value = activity.value
        action = value.get("action") if isinstance(value, dict) else None
        if name == "adaptiveCard/action" and isinstance(action, dict):
            return f"action:{_safe(action.get('verb') or '-', 40)}"
        return _safe(name, 40)
    if activity.type == "conversationUpdate":
        data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
        return _safe(data.get("eventType") or "-", 40)
    return "-"


def describe(turn: TurnLog, activity: Activity) -> None:
    """Fill `turn` from a parsed (not yet authenticated) activity."""
    sender = activity.from_property
    turn.activity = _safe(activity.id or "-")
    turn.conversation = _safe(activity.conversation.id if activity.conversation else "-", 160)
    turn.tenant = _safe(_tenant(activity) or "-")
    turn.user = user_hash(
        (getattr(sender, "aad_object_id", None) or getattr(sender, "id", None)) if sender else None
    )
    turn.type = _safe(activity.type or "-", 40)
    turn.route = _route(activity)


def outcome_of(status: int) -> str:
    if status < 400:
        return "ok"
    if status == 401:
        return "unauthorized"
    return "rejected" if status < 500 else "error"


def log_summary(turn: TurnLog, status: int, seconds: float) -> None:
    outcome = turn.outcome or outcome_of(status)
    ms = round(seconds * 1000, 1)
    summary = {"type": turn.type, "route": turn.route, "outcome": outcome, "status": status, "ms": ms}
    log.info(
        "turn type=%s route=%s outcome=%s status=%d ms=%.1f",
        turn.type,
        turn.route,
        outcome,
        status,
        ms,
        extra={"summary": summary},
    )
