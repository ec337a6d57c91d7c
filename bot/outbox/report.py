"""The delivery report as text a sender reads in chat (a card can be built from the same report later)."""

from __future__ import annotations

from core.i18n import Translator
from core.outbox import DeliveryReport, OutboxStore, Reason, delivery_report

MAX_NAMES = 20


def describe(report: DeliveryReport, t: Translator) -> str:
    """Sent, pending and failed counts by reason, then who was not reached (at most `MAX_NAMES` named)."""
    lines = [t.plural("outbox.report.summary", report.total, sent=report.sent)]
    if report.pending:
        lines.append(t.plural("outbox.report.pending", report.pending))
    for reason in Reason:
        if report.failed.get(reason):
            lines.append(t.plural(f"outbox.report.failed.{reason.value}", report.failed[reason]))
    if report.not_reached:
        names = ", ".join(missed.recipient for missed in report.not_reached[:MAX_NAMES])
        more = len(report.not_reached) - MAX_NAMES
        lines.append(t("outbox.report.not_reached", names=names))
        if more > 0:
            lines.append(t.plural("outbox.report.and_more", more))
    return "\n\n".join(lines)


async def report_text(store: OutboxStore, broadcast: str, t: Translator) -> str:
    """The report of `broadcast` in the reader's language; raises `NotFound` for an unknown broadcast."""
    return describe(await delivery_report(store, broadcast), t)
