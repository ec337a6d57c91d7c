"""Polls and theme votes close at their closing time: every `interval` seconds each instance closes the polls
past their time (`core.poll_deadlines.close_due`) and the outbox updates each one's shared card in its
channel to the closed card (an activity PUT of the message the card was posted as). Votes after the time
are refused by the vote itself (`core.polls`), scheduler or not."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from bot.outbox import wake
from bot.proactive import card_message
from bot.schedules import Clock, Periodic, utcnow
from bot.services import Services
from cards import polls as cards
from core.outbox import OutgoingMessage, Priority, Target
from core.poll_deadlines import close_due
from core.polls import PollState

log = logging.getLogger(__name__)

INTERVAL_S = 30.0


class ClosedCards:
    """`core.poll_deadlines.ClosedNotices`: the closed shared card, as an update of the posted message."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def messages(self, state: PollState) -> Sequence[OutgoingMessage]:
        poll = state.poll
        if not (poll.conversation_id and poll.activity_id and poll.service_url):
            return []  # the card's message is not known: the first touch shows it closed
        t = self._services.catalogs.for_locale(poll.lang)
        where = Target(
            "update", poll.service_url, conversation_id=poll.conversation_id, activity_id=poll.activity_id
        )
        activity: dict[str, Any] = card_message(cards.poll_card(t, cards.PollView.of(state)))
        key = f"poll:{poll.id}:closed"
        return [OutgoingMessage(key, key, poll.channel_id, where, activity, Priority.URGENT)]


class PollCloser(Periodic):
    name = "poll-closer"

    def __init__(self, services: Services, *, interval: float = INTERVAL_S, clock: Clock = utcnow) -> None:
        super().__init__(interval)
        self._services = services
        self._clock = clock
        self._cards = ClosedCards(services)

    async def tick(self) -> int:
        """Close the polls past their time; returns how many this instance closed."""
        services = self._services
        closed = await close_due(services.store, self._cards, self._clock())
        for poll in closed:
            services.recent_polls.forget(poll.id)
            log.info("poll %s closed at its closing time", poll.id)
        if closed:
            wake(services)
        return len(closed)


def start_poll_closer(services: Services, **options: Any) -> PollCloser:
    closer = PollCloser(services, **options)
    closer.start()
    return closer
