"""The delivery report of a broadcast as a card: the coordinator's after the survey has gone out, and
`kartoitus tila`. Counts of sent, still queued and failed (by reason), then who was not reached."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard, Fact, FactSet, TextBlock

from cards.base import card, heading
from core.delivery_reports import Delivery
from core.i18n import Translator
from core.outbox import Reason

MAX_NAMES = 30


def delivery_report_card(t: Translator, delivery: Delivery, topic: str, since: datetime) -> AdaptiveCard:
    """`topic` says what was sent (`survey`), `since` when it started."""
    report = delivery.report
    body: list[Any] = [
        heading(t(f"delivery.card.title.{topic}", when=t.datetime(since))),
        TextBlock(text=t.plural("outbox.report.summary", report.total, sent=report.sent), wrap=True),
        TextBlock(
            text=t("delivery.card.done" if report.done else "delivery.card.under_way"),
            wrap=True,
            is_subtle=True,
        ),
    ]
    facts = [Fact(title=t("delivery.card.sent"), value=t.number(report.sent))]
    facts.append(Fact(title=t("delivery.card.pending"), value=t.number(report.pending)))
    facts += [
        Fact(title=t(f"delivery.card.failed.{reason.value}"), value=t.number(report.failed[reason]))
        for reason in Reason
        if report.failed.get(reason)
    ]
    body.append(FactSet(facts=facts))
    for reason in Reason:
        if report.failed.get(reason):
            body.append(
                TextBlock(
                    text=t.plural(f"outbox.report.failed.{reason.value}", report.failed[reason]),
                    wrap=True,
                    is_subtle=True,
                    size="Small",
                )
            )
    if report.not_reached:
        missed = [delivery.names.get(m.recipient, m.recipient) for m in report.not_reached]
        body.append(
            TextBlock(
                text=t("outbox.report.not_reached", names=", ".join(missed[:MAX_NAMES])),
                wrap=True,
                spacing="Medium",
            )
        )
        if len(missed) > MAX_NAMES:
            body.append(
                TextBlock(text=t.plural("outbox.report.and_more", len(missed) - MAX_NAMES), wrap=True)
            )
    return card(body)
