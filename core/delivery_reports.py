"""Delivery reports of broadcasts: whoever starts a broadcast to many (the survey) gets a report card in
their personal chat once nothing of it is left to send (sent, failed by reason, still queued), and can ask
where it stands at any time (`kartoitus tila`).

A broadcast asks for its report with a `ReportRequest`, written in the transaction that queues the
broadcast. The scheduler (`bot/schedules/delivery_reports.py`) runs `send_finished` every round: the store
marks a finished broadcast's report sent and queues the card in one transaction, so of two instances only
one sends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from core.errors import NotAllowed
from core.outbox import DeliveryReport, OutboxStore, Target, delivery_report
from core.people import PeopleStore, display_names


@dataclass(frozen=True)
class ReportRequest:
    """Who gets the report of `broadcast` (an Entra id) and where (their personal chat); `topic` names
    what the broadcast was (`survey`), `since` when it started, `locale` the recipient's language."""

    broadcast: str
    recipient: str
    target: Target
    topic: str
    since: datetime
    locale: str | None = None


@dataclass(frozen=True)
class Delivery:
    """A broadcast's report with the names of the people it did not reach (Entra id -> name)."""

    report: DeliveryReport
    names: dict[str, str]


class ReportStore(PeopleStore, OutboxStore, Protocol):
    async def finished_reports(self, limit: int = 20) -> Sequence[ReportRequest]:
        """Requests not yet answered whose broadcast has messages and none left to send."""
        ...

    async def claim_report(self, broadcast: str, messages: Sequence[Any]) -> bool:
        """Mark the report of `broadcast` sent and queue `messages` in one transaction; False and nothing
        queued when it was sent already."""
        ...


class ReportCards(Protocol):
    def messages(self, request: ReportRequest, delivery: Delivery) -> Sequence[Any]:
        """The outbox messages carrying the report card to `request.recipient`."""
        ...


async def delivery(store: ReportStore, broadcast: str) -> Delivery:
    """Where a broadcast stands; `NotFound` for one that queued nothing."""
    report = await delivery_report(store, broadcast)
    return Delivery(report, await display_names(store, [m.recipient for m in report.not_reached]))


async def status(store: ReportStore, broadcast: str, *, is_coordinator: bool) -> Delivery:
    """The coordinator asking where a broadcast stands (`NotAllowed` for anyone else)."""
    if not is_coordinator:
        raise NotAllowed("outbox.error.report_not_allowed")
    return await delivery(store, broadcast)


async def send_finished(store: ReportStore, cards: ReportCards) -> int:
    """Queue the report of every finished broadcast that asked for one; returns how many this call sent."""
    sent = 0
    for request in await store.finished_reports():
        done = await delivery(store, request.broadcast)
        if await store.claim_report(request.broadcast, cards.messages(request, done)):
            sent += 1
    return sent
