"""The retention job: every instance runs one; each run forgets what the settings keep no longer
(`core.retention`). Deletes are idempotent, so two instances running together only repeat a no-op."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.settings import Settings
from core.errors import DomainError
from core.retention import Purged, RetentionPolicy, RetentionStore, apply_retention

log = logging.getLogger(__name__)

INTERVAL_S = 3600.0
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def policy_of(settings: Settings) -> RetentionPolicy:
    def days(value: int) -> timedelta | None:
        return timedelta(days=value) if value else None

    return RetentionPolicy(
        outbox=days(settings.outbox_retention_days),
        activities=timedelta(hours=settings.activity_retention_hours),
        audit=days(settings.audit_retention_days),
    )


class RetentionScheduler:
    def __init__(
        self,
        store: RetentionStore,
        policy: RetentionPolicy,
        *,
        interval: float = INTERVAL_S,
        clock: Clock = _utcnow,
    ) -> None:
        self._store = store
        self._policy = policy
        self._interval = interval
        self._clock = clock
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="retention")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.tick()
            except DomainError as error:  # the database is away: next round
                log.warning("retention skipped this round: %s", error.key)
            except Exception:
                log.exception("retention failed this round")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._interval)

    async def tick(self) -> Purged:
        purged = await apply_retention(self._store, self._policy, self._clock())
        if purged.total:
            log.info(
                "retention: %d outbox rows, %d activity ids, %d audit entries deleted",
                purged.outbox,
                purged.activities,
                purged.audit,
            )
        return purged


def start_retention(store: RetentionStore, settings: Settings, **options: object) -> RetentionScheduler:
    scheduler = RetentionScheduler(store, policy_of(settings), **options)  # type: ignore[arg-type]
    scheduler.start()
    return scheduler
