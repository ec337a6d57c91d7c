"""Work that runs on a clock inside the service: every instance runs each schedule, and each round is safe
to run on several instances at once (the store claims what is due, the outbox keys drop a second copy).

- `reminders`: the meetings' day-before reminders (09:00 Helsinki time the day before);
- `coaching`: peer coaching's follow-up check-ins, their reminder, and the groups' Graph chats;
- `badges`: automatic badges for what people have done;
- `polls`: polls and theme votes closed at their closing time, their shared cards updated;
- `delivery_reports`: the report card of a finished broadcast (the survey) to whoever started it;
- `bot.retention`: forgetting what the retention settings keep no longer.

`bot.app` starts them and stops them at shutdown. The outbox worker (`bot.outbox`) sends what they queue.

A round that fails (the database is away, most often) is logged by `RoundLog`: the traceback once, then
one line per failed round, and one line when a round succeeds again, so an outage does not flood the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from bot.failures import one_line

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


class RoundLog:
    """How one schedule's failed rounds are logged: the first failed round with its traceback, every
    further one as one line (naming its root cause, so a change of cause shows), the recovery as one line."""

    def __init__(self, name: str, logger: logging.Logger = log) -> None:
        self._name = name
        self._log = logger
        self._failed = 0

    @property
    def failing(self) -> bool:
        return self._failed > 0

    def failed(self, error: BaseException) -> None:
        self._failed += 1
        if self._failed == 1:
            self._log.warning(
                "%s failed this round: %s (traceback shown once; one line a round until it recovers)",
                self._name,
                one_line(error),
                exc_info=error,
            )
        else:
            self._log.warning("%s failed again (%d rounds): %s", self._name, self._failed, one_line(error))

    def succeeded(self) -> None:
        if self._failed:
            self._log.warning("%s recovered after %d failed rounds", self._name, self._failed)
        self._failed = 0


class Periodic:
    """Runs `tick()` at start (or after one interval with `wait_first`) and then every `interval` seconds
    until `stop()`. A round that fails is logged (`RoundLog`) and the next round tries again."""

    name = "schedule"
    wait_first = False

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._rounds = RoundLog(self.name)

    async def tick(self) -> object:
        """One round; returns what it did (how many messages queued, badges given, ...)."""
        raise NotImplementedError

    async def run_round(self) -> bool:
        """One round with its failure logged, never raised; True when it succeeded."""
        try:
            await self.tick()
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the loop must outlive anything a round raises; the next one retries
            self._rounds.failed(error)
            return False
        self._rounds.succeeded()
        return True

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
            await self.run_round()
            await self._pause()

    async def _pause(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), self._interval)
