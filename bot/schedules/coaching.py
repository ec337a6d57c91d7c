"""Peer coaching's scheduler: every instance runs one. Each run queues the follow-up check-ins and reminders
that are due (`core.coaching_rounds.due_followups`, exactly once across instances) and, with
`COACHING_GROUP_CHATS`, creates the pending groups' Graph chats (`core.coaching_chats`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.coaching_messages import CoachingMessages
from bot.schedules import Clock, Periodic, utcnow
from bot.services import Services
from core.coaching_chats import create_group_chats
from core.coaching_rounds import Round, RoundGroup, due_followups
from core.coaching_views import members_of
from core.outbox import OutgoingMessage

log = logging.getLogger(__name__)

INTERVAL_S = 60.0


class _ChatPosts:
    def __init__(self, messages: CoachingMessages, services: Services) -> None:
        self._messages = messages
        self._services = services

    async def topic(self, due: Round, group: RoundGroup) -> str:
        return self._messages.topic(group, await members_of(self._services.store, group.members))

    async def in_chat(self, due: Round, group: RoundGroup, chat_id: str) -> Sequence[OutgoingMessage]:
        return await self._messages.in_chat(due, group, chat_id)


class CoachingScheduler(Periodic):
    name = "coaching-followups"

    def __init__(self, services: Services, *, interval: float = INTERVAL_S, clock: Clock = utcnow) -> None:
        super().__init__(interval)
        self._services = services
        self._clock = clock
        self._messages = CoachingMessages(services)

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


def start_coaching(
    services: Services, *, interval: float = INTERVAL_S, clock: Clock = utcnow
) -> CoachingScheduler:
    scheduler = CoachingScheduler(services, interval=interval, clock=clock)
    scheduler.start()
    return scheduler
