"""Logging set-up from settings: readable text for people, one JSON object per line for collectors.

While a turn runs, every line it logs (the bot's, botbuilder's, SQLAlchemy's) carries the turn's activity,
conversation and tenant ids and a hash of the sender's id: `turn_scope` puts them in a context variable that
the handler's filter reads, so no call site has to pass them along.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s%(turn_fields)s"


@dataclass
class TurnLog:
    """What the log knows about the turn in progress; filled in as the request is understood."""

    activity: str = "-"
    conversation: str = "-"
    tenant: str = "-"
    user: str = "-"  # `user_hash` of the sender's Entra object id (or channel account id)
    type: str = "-"
    route: str = "-"  # the command, card verb or invoke name the turn went to
    outcome: str = ""  # set when the turn failed inside the bot (the HTTP status may still be 200)

    def fields(self) -> dict[str, str]:
        return {
            "activity": self.activity,
            "conversation": self.conversation,
            "tenant": self.tenant,
            "user": self.user,
        }


_TURN: ContextVar[TurnLog | None] = ContextVar("vertaisbotti_turn", default=None)


def user_hash(user_id: str | None) -> str:
    """A stable pseudonym for a user id in logs: the first 12 hex digits of its SHA-256 (lower-cased id).

    An operator finds a person's lines with `printf %s <object id> | sha256sum | cut -c1-12`."""
    if not user_id:
        return "-"
    return hashlib.sha256(user_id.lower().encode()).hexdigest()[:12]


@contextmanager
def turn_scope(turn: TurnLog | None = None) -> Iterator[TurnLog]:
    """Marks the code inside as one turn: its log lines carry the turn's ids (`current_turn()` fills them)."""
    turn = turn or TurnLog()
    token = _TURN.set(turn)
    try:
        yield turn
    finally:
        _TURN.reset(token)


def current_turn() -> TurnLog | None:
    return _TURN.get()


class TurnFieldsFilter(logging.Filter):
    """Adds the current turn's ids to every record: `turn` (a dict, or None) and `turn_fields` (text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        turn = _TURN.get()
        fields = turn.fields() if turn is not None else None
        record.turn = fields
        record.turn_fields = (
            " [" + " ".join(f"{key}={value}" for key, value in fields.items()) + "]" if fields else ""
        )
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        turn = getattr(record, "turn", None)
        if turn:
            entry.update(turn)
        summary = getattr(record, "summary", None)
        if isinstance(summary, dict):
            entry.update(summary)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str, fmt: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(TurnFieldsFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
