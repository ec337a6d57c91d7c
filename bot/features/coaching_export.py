"""The coordinator's CSV of coaching pairs and groups, sent to them alone through Teams' file consent
(`bot/file_offers.py`; personal chat only): it names people, so it never goes into a channel's files. The
file is made again, as it is then, when the coordinator accepts."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot import file_offers
from bot.router import Router
from bot.turn import Turn
from cards import coaching_rounds as cards
from core import coaching, coaching_report
from core.coaching import Actor
from core.errors import DomainError
from core.timezone import HELSINKI

log = logging.getLogger(__name__)

CSV_KIND = "coaching.csv"


async def _who(turn: Turn) -> Actor:
    return await coaching.actor(turn.services.store, turn.user_aad_id, coordinator=turn.is_coordinator)


def file_name() -> str:
    return f"vertaisvalmennus-{datetime.now(HELSINKI):%Y-%m-%d}.csv"


async def export(turn: Turn, _data: dict[str, Any]) -> str:
    """The coordinator's "CSV" button: a FileConsentCard in the personal chat (Teams asks where to save)."""
    who = await _who(turn)
    who.require_coordinator()
    data, rows = await coaching_report.pairs_csv(turn.services.store, who, turn.t)
    name = file_name()
    description = turn.t.plural("coaching.export.description", rows)
    await file_offers.offer(turn, CSV_KIND, {}, name, len(data), description)
    return turn.t("coaching.export.offered", name=name)


async def on_consent(turn: Turn, action: str, context: Any, upload: dict[str, Any]) -> None:
    """Accepted: the CSV goes to the OneDrive place Teams gave, then a FileInfo card shows it."""
    await file_offers.accepted(turn, CSV_KIND, context)
    if action != "accept":
        await turn.send_text("coaching.export.declined")
        return
    data, _rows = await coaching_report.pairs_csv(turn.services.store, await _who(turn), turn.t)
    try:
        await file_offers.deliver(turn, upload, file_name(), data)
    except DomainError as error:
        log.warning("coaching CSV upload failed: %s", error.key)
        await turn.send_text("coaching.export.failed")


def register(router: Router) -> None:
    router.action(cards.EXPORT, export)
    router.on_file_consent(on_consent, kind=CSV_KIND)
