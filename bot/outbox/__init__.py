"""Proactive delivery: the outbox worker inside the service, and what features call to send later.

Features call `send_later(services, messages)` (or write `store.outbox.write_outbox(conn, messages)` inside
their own store transaction and then `wake(services)`); the worker started by `bot.app` delivers them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bot.adapter import TeamsAdapter
from bot.outbox.pacing import Pacer
from bot.outbox.sender import Delivery, TeamsSender
from bot.outbox.worker import OutboxWorker
from bot.services import Services
from core.outbox import Outcome, OutgoingMessage

EXTRA_KEY = "outbox"

__all__ = ["Delivery", "OutboxWorker", "Pacer", "TeamsSender", "send_later", "start_worker", "wake"]


def start_worker(services: Services, adapter: TeamsAdapter, **options: Any) -> OutboxWorker:
    """Build and start the service's worker (Teams' limits unless `options` say otherwise)."""
    store = services.store
    sender = TeamsSender(
        adapter,
        services.settings.app_id,
        on_new_chat=store.save_conversation,
        known_chat=store.personal_conversation,
    )

    def count(outcomes: Sequence[Outcome]) -> None:
        for outcome in outcomes:
            reason = outcome.reason.value if outcome.reason else ""
            services.metrics.deliveries.labels(outcome.state.value, reason).inc()

    worker = OutboxWorker(store, sender, on_outcomes=count, **options)
    worker.start()
    services.extras[EXTRA_KEY] = worker
    return worker


def wake(services: Services) -> None:
    worker = services.extras.get(EXTRA_KEY)
    if worker is not None:
        worker.wake()


async def send_later(
    services: Services,
    messages: Sequence[OutgoingMessage],
    *,
    together_with: Callable[[Any], Awaitable[Any]] | None = None,
) -> int:
    """Queue `messages` (with `together_with(connection)` in the same transaction) and wake this
    instance's worker; returns how many were new. Raises `core.errors.Unavailable` without a database."""
    written = await services.store.enqueue(messages, together_with=together_with)
    wake(services)
    return written
