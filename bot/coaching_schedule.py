"""Peer coaching's scheduler: every instance runs one. Each run queues the follow-up check-ins and reminders
that are due (`core.coaching_rounds.due_followups`, exactly once across instances) and, with
`COACHING_GROUP_CHATS`, creates the pending groups' Graph chats (`core.coaching_chats`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from bot.coaching_messages import CoachingMessages
from bot.services import Services
from core.coaching_chats import create_group_chats
from core.coaching_rounds import Round, RoundGroup, due_followups
from core.coaching_views import members_of
from core.errors import DomainError

log = logging.getLogger(__name__)

INTERVAL_S = 60.0
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _ChatPosts:
    def __init__(self, messages: CoachingMessages, services: Services) -> None:
        self._messages = messages
        self._services = services

    async def topic(self, due: Round, group: RoundGroup) -> str:
        return self._messages.topic(group, await members_of(self._services.store, group.members))

    async def in_chat(self, due: Round, group: RoundGroup, chat_id: str):  # type: ignore[no-untyped-def]
        return await self._messages.in_chat(due, group, chat_id)


class CoachingScheduler:
    def __init__(self, services: Services, *, interval: float = INTERVAL_S, clock: Clock = _utcnow) -> None:
        self._services = services
        self._interval = interval
        self._clock = clock
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._messages = CoachingMessages(services)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="coaching-followups")

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
                log.warning("coaching follow-ups skipped this round: %s", error.key)
            except Exception:
                log.exception("coaching follow-ups failed this round")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._interval)

    async def tick(self) -> int:
        """One run; returns how many messages it queued."""
        services = self._services
        queued = await due_followups(services.store, self._messages, self._clock())
        config = services.coaching
        chats = 0
        if config.group_chats:
            posts = _ChatPosts(self._messages, services)
            chats = await create_group_chats(services.store, services.workspace, posts, config.teams_app_id)
        if queued:
            log.info("coaching: %d follow-up messages queued", queued)
        if queued or chats:
            services.outbox.wake()
        return queued


def start_coaching(services: Services, **options: object) -> CoachingScheduler:
    scheduler = CoachingScheduler(services, **options)  # type: ignore[arg-type]
    scheduler.start()
    return scheduler
