"""Delivery reports without anyone asking: every `interval` seconds each instance sends the report card of
each broadcast that has finished (nothing left to send) and asked for one (`core.delivery_reports`), into
the personal chat of whoever started it. The store marks a report sent and queues its card in one
transaction, so two instances send it once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from bot.outbox import wake
from bot.proactive import card_message
from bot.schedules import Periodic
from bot.services import Services
from cards.delivery import delivery_report_card
from core.delivery_reports import Delivery, ReportRequest, send_finished
from core.outbox import OutgoingMessage

log = logging.getLogger(__name__)

INTERVAL_S = 15.0


class ReportCards:
    """`core.delivery_reports.ReportCards`: the report card in the recipient's language, to their chat."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def messages(self, request: ReportRequest, delivery: Delivery) -> Sequence[OutgoingMessage]:
        t = self._services.catalogs.for_locale(request.locale)
        card = delivery_report_card(t, delivery, request.topic, request.since)
        key = f"report:{request.broadcast}"
        activity: dict[str, Any] = card_message(card)
        return [OutgoingMessage(key, key, request.recipient, request.target, activity)]


class DeliveryReporter(Periodic):
    name = "delivery-reports"

    def __init__(self, services: Services, *, interval: float = INTERVAL_S) -> None:
        super().__init__(interval)
        self._services = services
        self._cards = ReportCards(services)

    async def tick(self) -> int:
        """Send the reports of the broadcasts that have finished; returns how many this instance sent."""
        sent = await send_finished(self._services.store, self._cards)
        if sent:
            log.info("delivery reports: %d sent", sent)
            wake(self._services)
        return sent


def start_delivery_reports(services: Services, **options: Any) -> DeliveryReporter:
    reporter = DeliveryReporter(services, **options)
    reporter.start()
    return reporter
