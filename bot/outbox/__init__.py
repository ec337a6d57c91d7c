"""Proactive delivery: the outbox worker inside the service, and what features call to send later.

Features call `send_later(services, messages)` (or write `store.outbox.write_outbox(conn, messages)` inside
their own store transaction and then `wake(services)`); the worker started by `bot.app` delivers them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from bot.adapter import TeamsAdapter
from bot.metrics import Metrics
from bot.outbox.pacing import Pacer
from bot.outbox.sender import Delivery, TeamsSender
from bot.outbox.worker import OutboxWorker
from bot.services import Services
from bot.settings import Settings
from core.conversations import ConversationStore
from core.outbox import OutboxStore, Outcome, OutgoingMessage

__all__ = ["Delivery", "OutboxWorker", "Pacer", "TeamsSender", "build_worker", "send_later", "wake"]


class WorkerStore(OutboxStore, ConversationStore, Protocol):
    """What the worker reads and writes: the outbox, and the personal chats it opens."""


def build_worker(
    store: WorkerStore, adapter: TeamsAdapter, settings: Settings, metrics: Metrics, **options: Any
) -> OutboxWorker:
    """The service's worker (Teams' limits unless `options` say otherwise); `bot.app` starts and stops it."""
    sender = TeamsSender(
        adapter,
        settings.app_id,
        on_new_chat=store.save_conversation,
        known_chat=store.personal_conversation,
    )

    def count(outcomes: Sequence[Outcome]) -> None:
        for outcome in outcomes:
            reason = outcome.reason.value if outcome.reason else ""
            metrics.deliveries.labels(outcome.state.value, reason).inc()

    return OutboxWorker(store, sender, on_outcomes=count, **options)


def wake(services: Services) -> None:
    services.outbox.wake()


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
