"""The needs survey's answers as an .xlsx workbook, offered beside the CSV export (which `survey` files
into the General channel): sent to the coordinator alone through Teams' file consent (`bot/file_offers.py`;
personal chat only), made again from the answers as they are when the coordinator accepts."""

from __future__ import annotations

import logging
from typing import Any

from bot import file_offers
from bot.router import Router
from bot.turn import Turn
from cards import survey as cards
from core.errors import DomainError
from core.survey import export_name, export_table, find_survey, require_coordinator

log = logging.getLogger(__name__)

WORKBOOK_KIND = "survey.xlsx"


async def offer_workbook(turn: Turn, data: dict[str, Any]) -> str:
    """The exported card's "workbook" button: a FileConsentCard in the personal chat."""
    require_coordinator(turn.is_coordinator)
    survey = await find_survey(turn.services.store, str(data.get("survey") or "") or None)
    header, rows, count = await export_table(turn.services.store, turn.t, survey)
    from bot.workbooks import workbook  # openpyxl, loaded when a workbook is first asked for

    size = len(workbook(turn.t("survey.export.sheet"), header, rows))
    name = export_name(survey, "xlsx")
    description = turn.t.plural("survey.export.workbook_description", count)
    await file_offers.offer(turn, WORKBOOK_KIND, {"survey": survey.id}, name, size, description)
    return turn.t("survey.export.workbook_offered", name=name)


async def on_consent(turn: Turn, action: str, context: Any, upload: dict[str, Any]) -> None:
    """Accepted: the workbook goes to the OneDrive place Teams gave, then a FileInfo card shows it."""
    ref = await file_offers.accepted(turn, WORKBOOK_KIND, context)
    if action != "accept":
        await turn.send_text("survey.export.workbook_declined")
        return
    require_coordinator(turn.is_coordinator)
    survey = await find_survey(turn.services.store, ref.get("survey") or None)
    header, rows, _count = await export_table(turn.services.store, turn.t, survey)
    from bot.workbooks import workbook

    data = workbook(turn.t("survey.export.sheet"), header, rows)
    try:
        await file_offers.deliver(turn, upload, export_name(survey, "xlsx"), data)
    except DomainError as error:
        log.warning("survey workbook upload failed: %s", error.key)
        await turn.send_text("survey.export.workbook_failed")


def register(router: Router) -> None:
    router.action(cards.WORKBOOK, offer_workbook)
    router.on_file_consent(on_consent, kind=WORKBOOK_KIND)
