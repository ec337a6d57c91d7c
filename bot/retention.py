"""The retention job: every instance runs one; each run forgets what the settings keep no longer
(`core.retention`). Deletes are idempotent, so two instances running together only repeat a no-op."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.schedules import Clock, Periodic, utcnow
from bot.settings import Settings
from core.retention import Purged, RetentionPolicy, RetentionStore, apply_retention

log = logging.getLogger(__name__)

INTERVAL_S = 3600.0


def policy_of(settings: Settings) -> RetentionPolicy:
    def days(value: int) -> timedelta | None:
        return timedelta(days=value) if value else None

    return RetentionPolicy(
        outbox=days(settings.outbox_retention_days),
        activities=timedelta(hours=settings.activity_retention_hours),
        audit=days(settings.audit_retention_days),
        joins=days(settings.join_retention_days),
    )


class RetentionScheduler(Periodic):
    name = "retention"

    def __init__(
        self,
        store: RetentionStore,
        policy: RetentionPolicy,
        *,
        interval: float = INTERVAL_S,
        clock: Clock = utcnow,
    ) -> None:
        super().__init__(interval)
        self._store = store
        self._policy = policy
        self._clock = clock

    async def tick(self) -> Purged:
        purged = await apply_retention(self._store, self._policy, self._clock())
        if purged.total:
            log.info(
                "retention: %d outbox rows, %d activity ids, %d audit entries, %d used consents, "
                "%d join requests deleted",
                purged.outbox,
                purged.activities,
                purged.audit,
                purged.consents,
                purged.joins,
            )
        return purged


def start_retention(
    store: RetentionStore, settings: Settings, *, interval: float = INTERVAL_S, clock: Clock = utcnow
) -> RetentionScheduler:
    scheduler = RetentionScheduler(store, policy_of(settings), interval=interval, clock=clock)
    scheduler.start()
    return scheduler
