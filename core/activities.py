"""Handling a delivered activity once: Teams redelivers when a reply is slow, and any instance may get it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class ActivityLog(Protocol):
    """Remembers which activities were taken for processing."""

    async def claim_activity(self, channel_id: str, conversation_id: str, activity_id: str) -> bool:
        """True for exactly one caller per (channel, conversation, activity id), across processes.

        Raises `core.errors.Unavailable` when the database cannot be reached (then nobody has claimed it).
        """
        ...

    async def forget_activities_before(self, moment: datetime) -> int:
        """Drop claims older than `moment` (redeliveries come within minutes); returns how many."""
        ...
