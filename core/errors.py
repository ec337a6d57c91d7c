"""A small error hierarchy whose messages a user may see.

Each error names a catalog key (`bot/locale/*/LC_MESSAGES/*.po`) and the values that fill it, so the edge can
answer in the user's language without string matching on exception text.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of errors the bot explains to the user; `key` is the catalog message, `params` fill it."""

    default_key = "error.generic"

    def __init__(self, key: str | None = None, /, **params: Any) -> None:
        self.key = key or self.default_key
        self.params = params
        super().__init__(f"{self.key} {params}" if params else self.key)


class NotAllowed(DomainError):
    """The user lacks the role the action needs."""

    default_key = "error.not_allowed"


class NotFound(DomainError):
    """The thing the user referred to does not exist (or is not theirs to see)."""

    default_key = "error.not_found"


class Invalid(DomainError):
    """The input breaks a rule: the message says which."""

    default_key = "error.invalid"


class Conflict(DomainError):
    """The action clashes with the current state (closed poll, name taken, ...)."""

    default_key = "error.conflict"


class Unavailable(DomainError):
    """An outside service (Graph, the database) failed or throttled; trying again later may work."""

    default_key = "error.unavailable"
