"""Day-before reminders of meetings, queued through the outbox exactly once even with several instances.

Every instance runs a `ReminderScheduler`: at start and then every `interval` seconds it asks the store for
meetings not yet reminded that start within two days, and for each whose reminder is due (09:00 Helsinki
time the day before, `core.meetings.reminder_due`) it builds one card per network member and presenter and
calls `claim_reminder`, which marks the meeting reminded and queues the cards in one transaction. Of two
instances racing for the same meeting only one flips the mark; the outbox key per (meeting, person,
"reminder") would drop a second copy anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.outbox import wake
from bot.proactive import CARD_CONTENT
from bot.services import Services
from cards import meetings as cards
from cards.base import to_json
from core.errors import DomainError
from core.meetings import Meeting, Reach, reminder_due, reminder_key
from core.outbox import OutgoingMessage, Target

log = logging.getLogger(__name__)

INTERVAL_S = 60.0
LOOKAHEAD = timedelta(days=2)
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ReminderScheduler:
    def __init__(self, services: Services, *, interval: float = INTERVAL_S, clock: Clock = _utcnow) -> None:
        self._services = services
        self._interval = interval
        self._clock = clock
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="meeting-reminders")

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
            except DomainError as error:  # the database is away: try again next round
                log.warning("meeting reminders skipped this round: %s", error.key)
            except Exception:
                log.exception("meeting reminders failed this round")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._interval)

    async def tick(self) -> int:
        """Queue the reminders that are due now; returns how many messages this instance queued."""
        store = self._services.store
        now = self._clock()
        queued = 0
        for meeting, reach in await store.meetings_to_remind(now, LOOKAHEAD):
            if not reminder_due(meeting, now):
                continue
            messages = await self._messages(meeting, reach)
            written = await store.claim_reminder(meeting.id, now, messages)
            if written:
                log.info("meeting %s: %d reminders queued", meeting.id, written)
            queued += written
        if queued:
            wake(self._services)
        return queued

    async def _messages(self, meeting: Meeting, reach: Reach) -> list[OutgoingMessage]:
        store = self._services.store
        network = await store.get_network(meeting.network_key)
        members = await store.network_members(meeting.network_key)
        people = list(dict.fromkeys([*members, *meeting.presenters]))
        names: dict[str, str] = {}
        locales: dict[str, str | None] = {}
        for aad in dict.fromkeys([*people, *meeting.presenters]):
            person = await store.get_person(aad)
            names[aad] = (person.name or person.email or aad) if person else aad
            locales[aad] = person.locale if person else None
        messages = []
        for aad in people:
            t = self._services.catalogs.for_locale(locales.get(aad))
            network_name = network.name(t.locale) if network else meeting.network_key
            card = cards.reminder_card(t, meeting, network_name, names)
            activity: dict[str, Any] = {
                "type": "message",
                "attachments": [{"contentType": CARD_CONTENT, "content": to_json(card)}],
            }
            messages.append(
                OutgoingMessage(
                    key=reminder_key(meeting.id, aad),
                    broadcast=f"meeting:{meeting.id}:reminder",
                    recipient=aad,
                    target=Target(
                        "person",
                        reach.service_url,
                        user_id=aad,
                        tenant_id=reach.tenant_id,
                        bot_id=reach.bot_id,
                    ),
                    activity=activity,
                )
            )
        return messages


def start_reminders(services: Services, **options: Any) -> ReminderScheduler:
    """Build and start this instance's scheduler."""
    scheduler = ReminderScheduler(services, **options)
    scheduler.start()
    return scheduler
