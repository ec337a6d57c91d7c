"""Work that runs on a clock inside the service: every instance runs each schedule, and each round is safe
to run on several instances at once (the store claims what is due, the outbox keys drop a second copy).

- `reminders`: the meetings' day-before reminders (09:00 Helsinki time the day before);
- `coaching`: peer coaching's follow-up check-ins, their reminder, and the groups' Graph chats;
- `badges`: automatic badges for what people have done.

`bot.app` starts them and stops them at shutdown. The outbox worker (`bot.outbox`) sends what they queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from core.errors import DomainError

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Periodic:
    """Runs `tick()` at start (or after one interval with `wait_first`) and then every `interval` seconds
    until `stop()`. A round that fails is logged and the next round tries again."""

    name = "schedule"
    wait_first = False

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def tick(self) -> int:
        """One round; returns how many things it did (messages queued, badges given)."""
        raise NotImplementedError

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        if self.wait_first:
            await self._pause()
        while not self._stopping.is_set():
            try:
                await self.tick()
            except DomainError as error:  # the database is away: try again next round
                log.warning("%s skipped this round: %s", self.name, error.key)
            except Exception:
                log.exception("%s failed this round", self.name)
            await self._pause()

    async def _pause(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), self._interval)
