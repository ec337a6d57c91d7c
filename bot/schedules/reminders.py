"""The meetings' day-before reminders, queued through the outbox exactly once even with several instances.

Every instance runs a `ReminderScheduler`: at start and then every `interval` seconds it runs
`core.meeting_flow.send_reminders`, which finds the meetings whose reminder is due (09:00 Helsinki time the
day before, `core.meetings.reminder_due`) and has the store mark each reminded and queue one card per
network member and presenter in one transaction (`claim_reminder`). Of two instances racing for the same
meeting only one flips the mark; the outbox key per (meeting, person, "reminder") would drop a second copy
anyway. The outbox worker sends the cards.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from bot.outbox import wake
from bot.proactive import CARD_CONTENT
from bot.schedules import Clock, Periodic, utcnow
from bot.services import Services
from cards import meetings as cards
from cards.base import to_json
from core import meeting_flow
from core.meeting_flow import Reminded
from core.meetings import reminder_key
from core.outbox import OutgoingMessage, Priority, Target

log = logging.getLogger(__name__)

INTERVAL_S = 60.0


class ReminderCards:
    """`core.meeting_flow.Reminders`: the reminder card in each person's language, for their personal chat."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def messages(self, reminded: Reminded) -> Sequence[OutgoingMessage]:
        meeting, reach, network = reminded.meeting, reminded.reach, reminded.network
        messages = []
        for aad in reminded.people:
            t = self._services.catalogs.for_locale(reminded.locales.get(aad))
            network_name = network.name(t.locale) if network else meeting.network_key
            card = cards.reminder_card(t, meeting, network_name, reminded.names)
            activity: dict[str, Any] = {
                "type": "message",
                "attachments": [{"contentType": CARD_CONTENT, "content": to_json(card)}],
            }
            where = Target(
                "person", reach.service_url, user_id=aad, tenant_id=reach.tenant_id, bot_id=reach.bot_id
            )
            messages.append(
                OutgoingMessage(
                    key=reminder_key(meeting.id, aad),
                    broadcast=f"meeting:{meeting.id}:reminder",
                    recipient=aad,
                    target=where,
                    activity=activity,
                    priority=Priority.URGENT,
                )
            )
        return messages


class ReminderScheduler(Periodic):
    name = "meeting-reminders"

    def __init__(self, services: Services, *, interval: float = INTERVAL_S, clock: Clock = utcnow) -> None:
        super().__init__(interval)
        self._services = services
        self._clock = clock
        self._cards = ReminderCards(services)

    async def tick(self) -> int:
        """Queue the reminders that are due now; returns how many messages this instance queued."""
        queued = await meeting_flow.send_reminders(self._services.store, self._cards, self._clock())
        if queued:
            log.info("meeting reminders: %d queued", queued)
            wake(self._services)
        return queued


def start_reminders(services: Services, **options: Any) -> ReminderScheduler:
    """Build and start this instance's scheduler."""
    scheduler = ReminderScheduler(services, **options)
    scheduler.start()
    return scheduler
