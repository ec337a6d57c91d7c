"""Automatic badges without anyone asking: every `interval` seconds each instance finds the people with
facts an automatic rule counts (the store seeds the built-in classes at start) and awards what they now
meet (`core.badges.evaluate`), telling them through the outbox. Two instances racing award once: the store's
(class, person) uniqueness drops the second, and the outbox key per award drops a second card."""

from __future__ import annotations

import logging

from bot.badges.notify import tell_awarded
from bot.schedules import Clock, Periodic, utcnow
from bot.services import Services
from core.badges import evaluate

log = logging.getLogger(__name__)

INTERVAL_S = 300.0


class BadgeEvaluator(Periodic):
    name = "badge-evaluator"
    # The first round waits one interval: a start is busy enough, and merkit and a completed
    # self-assessment award at once anyway.
    wait_first = True

    def __init__(self, services: Services, *, interval: float = INTERVAL_S, clock: Clock = utcnow) -> None:
        super().__init__(interval)
        self._services = services
        self._clock = clock

    async def tick(self) -> int:
        """Award what is due now; returns how many badges this round gave."""
        services = self._services
        badges = services.badges
        now = self._clock()
        given = 0
        for person in await services.store.badge_candidates(now):
            signer = await badges.signer()  # loaded by the first round with someone to evaluate
            awards = await evaluate(services.store, services.store, signer, badges.issuer, person, now)
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
