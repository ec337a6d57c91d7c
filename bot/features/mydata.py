"""`tietoni` / `mydata`: a person sees what the bot keeps about them, takes it as files (a JSON export and a
readable summary, through Teams' file consent) and can have it erased (`poista tietoni` / `delete my
data`, confirmed on a card). Only ever in their own chat, and only about the person who clicks."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot import file_offers
from bot.router import Router
from bot.turn import Turn
from cards import mydata as cards
from core import mydata
from core.errors import Conflict, DomainError, NotAllowed

log = logging.getLogger(__name__)

EXPORT_KIND = "mydata.export"
FORMATS = ("json", "txt")
ERASE_WORDS = frozenset({"poista", "delete", "erase"})


def _require_own_chat(turn: Turn) -> str:
    if turn.conversation_type != "personal":
        raise Conflict("mydata.private_only")
    if not turn.user_aad_id:
        raise NotAllowed("error.not_found")
    return turn.user_aad_id


async def _identity(turn: Turn) -> mydata.Identity:
    aad = _require_own_chat(turn)
    sender = turn.activity.from_property
    return await mydata.identity(turn.services.store, aad, sender.id if sender else None, turn.user_name)


async def show_my_data(turn: Turn, argument: str = "") -> None:
    if turn.conversation_type != "personal":
        await turn.send_text("mydata.private_only")
        return
    if not turn.user_aad_id:
        await turn.send_text("error.not_found")
        return
    words = argument.casefold().split()
    if words and words[0] in ERASE_WORDS:
        await turn.send_card(cards.confirm_erase_card(turn.t))
        return
    await turn.send_card(
        cards.mydata_card(turn.t, await mydata.my_data(turn.services.store, turn.user_aad_id))
    )


def _file_name(fmt: str, now: datetime) -> str:
    return f"tietoni-{now:%Y-%m-%d}.{fmt}"


def _contents(turn: Turn, export: mydata.Export, fmt: str) -> bytes:
    text = export.json_text() if fmt == "json" else mydata.summary_text(turn.t, export)
    return text.encode("utf-8")


async def export(turn: Turn, _data: dict[str, Any]) -> str:
    """The "take my data" button: two FileConsentCards (the full JSON and the readable summary)."""
    who = await _identity(turn)
    now = datetime.now(UTC)
    made = await mydata.export_my_data(turn.services.store, who, now)
    for fmt in FORMATS:
        name = _file_name(fmt, now)
        description = turn.t(f"mydata.export.description.{fmt}")
        size = len(_contents(turn, made, fmt))
        await file_offers.offer(turn, EXPORT_KIND, {"format": fmt}, name, size, description)
    return turn.t("mydata.export.offered")


async def on_consent(turn: Turn, action: str, context: Any, upload: dict[str, Any]) -> None:
    """Accepted: the file is made again from the person's data as it is now and put where Teams said."""
    ref = await file_offers.accepted(turn, EXPORT_KIND, context)
    fmt = ref.get("format")
    if action != "accept" or fmt not in FORMATS:
        await turn.send_text("mydata.export.declined")
        return
    now = datetime.now(UTC)
    made = await mydata.export_my_data(turn.services.store, await _identity(turn), now)
    try:
        await file_offers.deliver(turn, upload, _file_name(fmt, now), _contents(turn, made, fmt))
    except DomainError as error:
        log.warning("personal data export upload failed: %s", error.key)
        await turn.send_text("mydata.export.failed")


async def ask_erase(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    _require_own_chat(turn)
    return cards.confirm_erase_card(turn.t)


async def erase(turn: Turn, data: dict[str, Any]) -> AdaptiveCard | str:
    who = await _identity(turn)
    if data.get("confirm") != "yes":
        return turn.t("mydata.erase.cancelled")
    erasure = await mydata.erase_my_data(turn.services.store, who)
    log.info("personal data erased on request: %d records (%s)", erasure.total, erasure.pseudonym)
    return cards.erased_card(turn.t, erasure)


async def cancel_erase(turn: Turn, _data: dict[str, Any]) -> str:
    return turn.t("mydata.erase.cancelled")


def register(router: Router) -> None:
    router.command("mydata", show_my_data)
    router.action(cards.EXPORT, export)
    router.action(cards.ERASE, ask_erase)
    router.action(cards.ERASE_CONFIRM, erase)
    router.action(cards.ERASE_CANCEL, cancel_erase)
    router.on_file_consent(on_consent, kind=EXPORT_KIND)
