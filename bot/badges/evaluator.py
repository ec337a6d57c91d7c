"""Automatic badges without anyone asking: every `interval` seconds each instance finds the people with
facts an automatic rule counts (the store seeds the built-in classes at start) and awards what they now
meet (`core.badges.evaluate`), telling them through the outbox. Two instances racing award once: the store's
(class, person) uniqueness drops the second, and the outbox key per award drops a second card."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from bot.badges.notify import tell_awarded
from bot.services import Services
from core.badges import evaluate
from core.errors import DomainError

log = logging.getLogger(__name__)

INTERVAL_S = 300.0
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class BadgeEvaluator:
    def __init__(self, services: Services, *, interval: float = INTERVAL_S, clock: Clock = _utcnow) -> None:
        self._services = services
        self._interval = interval
        self._clock = clock
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="badge-evaluator")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        # The first round waits one interval: a start is busy enough, and merkit and a completed
        # self-assessment award at once anyway.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), self._interval)
        while not self._stopping.is_set():
            try:
                await self.tick()
            except DomainError as error:  # the database is away: next round
                log.warning("badge evaluation skipped this round: %s", error.key)
            except Exception:
                log.exception("badge evaluation failed this round")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._interval)

    async def tick(self) -> int:
        """Award what is due now; returns how many badges this round gave."""
        services = self._services
        badges = services.badges
        now = self._clock()
        given = 0
        for person in await services.store.badge_candidates(now):
            awards = await evaluate(services.store, services.store, badges.signer, badges.issuer, person, now)
            if awards:
                await tell_awarded(services, awards)
                given += len(awards)
        if given:
            log.info("badges: %d awarded automatically", given)
        return given


def start_evaluator(services: Services, *, interval: float = INTERVAL_S) -> BadgeEvaluator:
    evaluator = BadgeEvaluator(services, interval=interval)
    evaluator.start()
    services.badge_evaluator = evaluator
    return evaluator
