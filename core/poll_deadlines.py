"""Polls closed at their closing time, without anyone touching them: the scheduler (`bot/schedules/polls.py`)
runs `close_due` every round. Each poll past its time is marked closed at that time and its notices (the
shared card updated to the closed card) are queued in the same transaction, so of two instances only one
closes it, and a crash between the two cannot close a poll whose card still says "open".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from core.polls import Poll, PollState, PollStore, Tally


class ClosedNotices(Protocol):
    def messages(self, state: PollState) -> Sequence[Any]:
        """The outbox messages telling the channel the poll has closed (as the shared card shows it)."""
        ...


async def close_due(store: PollStore, notices: ClosedNotices, now: datetime) -> list[Poll]:
    """Close every poll whose closing time has passed by `now`; returns those this call closed."""
    closed: list[Poll] = []

    def build(poll: Poll, tally: Tally) -> Sequence[Any]:
        return notices.messages(PollState(poll, now, tally if poll.results_visible_to(None) else None))

    for poll in await store.polls_past_closing(now):
        done = await store.claim_closing(poll.id, build)
        if done is not None:
            closed.append(done)
    return closed
