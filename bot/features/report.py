"""`raportti` / `report`: the coordinator's activity report for the funder. The summary card comes to their
personal chat (asked in a channel, it goes there and the channel gets a short notice); the workbook and the
CSV of counts are filed into the General channel's files. `raportti osallistujat` also offers the list of
who attended which meeting, with names, to the coordinator alone through file consent.

Arguments: a period (`syksy 2026`, `kevät 2027`, `2026`, `1.8.2026 31.12.2026`; none: the current term),
optionally after `osallistujat` / `attendees`.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot import file_offers, private
from bot.router import Router
from bot.turn import Turn
from cards import report as cards
from core import periods, report, report_flow
from core.errors import DomainError
from core.periods import Period
from core.timezone import HELSINKI

log = logging.getLogger(__name__)

ATTENDEES_WORDS = {"osallistujat", "osallistujalista", "attendees", "attendance"}
ATTENDEES_KIND = "report.attendees"


def _today() -> date:
    return datetime.now(HELSINKI).date()


async def summary(turn: Turn, period: Period) -> AdaptiveCard:
    """The report of `period`, filed into General; the card says where, or why filing failed."""
    made = await report.build(
        turn.services.store, period, now=datetime.now(UTC), is_coordinator=turn.is_coordinator
    )
    try:
        filed = await report_flow.file(
            turn.services.store,
            turn.services.workspace,
            await turn.project_team(),
            made,
            turn.t,
            _workbook,
            actor=turn.user_aad_id,
            is_coordinator=turn.is_coordinator,
        )
    except DomainError as error:
        log.warning("activity report not filed: %s", error.key)
        message = turn.t(error.key, **error.params)
        return cards.report_card(turn.t, made, error=turn.t("report.card.not_filed", reason=message))
    return cards.report_card(turn.t, made, files=filed)


def _workbook(*args: Any, **kwargs: Any) -> bytes:
    """bot.report_workbook's, with openpyxl loaded when a report is first filed, not at every start."""
    from bot.report_workbook import workbook

    return workbook(*args, **kwargs)


async def offer_attendees(turn: Turn, period: Period) -> None:
    data, rows = await report_flow.attendance_csv(
        turn.services.store, period, turn.t, is_coordinator=turn.is_coordinator
    )
    ref = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    name = _attendees_name(period)
    description = turn.t.plural("report.attendees.description", rows)
    await file_offers.offer(turn, ATTENDEES_KIND, ref, name, len(data), description)


def _attendees_name(period: Period) -> str:
    return f"osallistujat-{period.slug}.csv"


async def report_command(turn: Turn, argument: str) -> None:
    report.require_coordinator(turn.is_coordinator)
    words = argument.split()
    attendees = bool(words) and words[0].casefold() in ATTENDEES_WORDS
    period = periods.parse(words[1:] if attendees else words, _today())
    await private.show(turn, await summary(turn, period), topic="report", notice="report.private.notice")
    if attendees:
        if not private.is_personal(turn):
            await turn.send_text("report.attendees.personal_only")
            return
        await offer_attendees(turn, period)


def _period_of(data: dict[str, Any]) -> Period:
    start, end = cards.parse_period_ref(data)
    return periods.parse([start, end], _today())


async def attendees_action(turn: Turn, data: dict[str, Any]) -> str:
    """The card's button: the attendance list offered through file consent (personal chat only)."""
    report.require_coordinator(turn.is_coordinator)
    period = _period_of(data)
    await offer_attendees(turn, period)
    return turn.t("report.attendees.offered", name=_attendees_name(period))


async def on_consent(turn: Turn, action: str, context: Any, upload: dict[str, Any]) -> None:
    """Accepted: the list is made again as it is now and put where Teams said."""
    ref = await file_offers.accepted(turn, ATTENDEES_KIND, context)
    if action != "accept":
        await turn.send_text("report.attendees.declined")
        return
    period = _period_of(ref)
    data, _rows = await report_flow.attendance_csv(
        turn.services.store, period, turn.t, is_coordinator=turn.is_coordinator
    )
    try:
        await file_offers.deliver(turn, upload, _attendees_name(period), data)
    except DomainError as error:
        log.warning("attendance list upload failed: %s", error.key)
        await turn.send_text("report.attendees.failed")


def register(router: Router) -> None:
    router.command("report", report_command)
    router.action(cards.ATTENDEES, attendees_action)
    router.on_file_consent(on_consent, kind=ATTENDEES_KIND)
