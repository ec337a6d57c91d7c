"""The coordinator's CSV of coaching pairs and groups, sent to them alone through Teams' file consent
(personal chat only; shared/facts.md "Files with bots"): it names people, so it never goes into a channel's
files. The button sends a FileConsentCard whose context is signed with the server key, names the coordinator,
expires in an hour and is used once; on accept the CSV, as it is then, is PUT to the `uploadUrl` Teams gives
(no Authorization header) and a FileInfo card shows it in the chat."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from botbuilder.core import MessageFactory
from botbuilder.schema import Attachment

from bot.files import put_to_upload_url
from bot.router import Router
from bot.turn import Turn
from cards import coaching_rounds as cards
from core import coaching, coaching_report
from core.coaching import Actor
from core.errors import DomainError, Invalid, NotAllowed
from core.meetings import HELSINKI

log = logging.getLogger(__name__)

FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
CSV_KIND = "coaching.csv"
OFFER_SECONDS = 3600
_PURPOSE = b"vertaisbotti coaching.csv v1"


async def _who(turn: Turn) -> Actor:
    return await coaching.actor(turn.services.store, turn.user_aad_id, coordinator=turn.is_coordinator)


def _personal_only(turn: Turn) -> None:
    if turn.conversation_type != "personal":
        raise NotAllowed("coaching.error.personal_only")


@dataclass(frozen=True)
class Offer:
    id: str
    user: str
    expires: int
    kind: str = CSV_KIND

    def payload(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode()


def _signature(turn: Turn, offer: Offer) -> str:
    return hmac.new(turn.services.key.derive(_PURPOSE), offer.payload(), hashlib.sha256).hexdigest()


def _verify(turn: Turn, context: Any) -> Offer:
    """The offer of a genuine, unexpired, unused context made for this person; else `NotAllowed`."""
    refused = NotAllowed("coaching.error.export_refused")
    if not isinstance(context, dict):
        raise refused
    try:
        offer = Offer(str(context["id"]), str(context["user"]), int(context["expires"]), str(context["kind"]))
        signature = str(context["sig"])
    except (KeyError, TypeError, ValueError):
        raise refused from None
    if not hmac.compare_digest(_signature(turn, offer), signature):
        raise refused
    if offer.user != turn.user_aad_id or offer.expires < time.time():
        raise refused
    if not turn.services.used_consents.use(offer.id, offer.expires):
        raise refused
    return offer


def file_name() -> str:
    return f"vertaisvalmennus-{datetime.now(HELSINKI):%Y-%m-%d}.csv"


async def export(turn: Turn, _data: dict[str, Any]) -> str:
    """The coordinator's "CSV" button: a FileConsentCard in the personal chat (Teams asks where to save)."""
    _personal_only(turn)
    who = await _who(turn)
    person = who.require_coordinator()
    offer = Offer(uuid.uuid4().hex, person, int(time.time()) + OFFER_SECONDS)
    context = {**asdict(offer), "sig": _signature(turn, offer)}
    text, rows = await coaching_report.pairs_csv(turn.services.store, who, turn.t)
    name = file_name()
    attachment = Attachment(
        content_type=FILE_CONSENT,
        name=name,
        content={
            "description": turn.t("coaching.export.description", count=rows),
            "sizeInBytes": len(text.encode("utf-8")),
            "acceptContext": context,
            "declineContext": context,
        },
    )
    await turn.context.send_activity(MessageFactory.attachment(attachment))
    return turn.t("coaching.export.offered", name=name)


async def on_consent(turn: Turn, action: str, context: Any, upload: dict[str, Any]) -> None:
    """Accepted: the CSV as it is now goes to the OneDrive place Teams gave, then a FileInfo card."""
    _verify(turn, context)
    if action != "accept":
        await turn.send_text("coaching.export.declined")
        return
    url = upload.get("uploadUrl")
    if not isinstance(url, str) or not url:
        raise Invalid("error.bad_card_data")
    text, _rows = await coaching_report.pairs_csv(turn.services.store, await _who(turn), turn.t)
    data = text.encode("utf-8")
    try:
        await put_to_upload_url(url, io.BytesIO(data), len(data))
    except DomainError as error:
        log.warning("coaching CSV upload failed: %s", error.key)
        await turn.send_text("coaching.export.failed")
        return
    name = str(upload.get("name") or file_name())
    info = Attachment(
        content_type=FILE_INFO,
        content_url=upload.get("contentUrl"),
        name=name,
        content={"uniqueId": upload.get("uniqueId"), "fileType": upload.get("fileType") or "csv"},
    )
    await turn.context.send_activity(MessageFactory.attachment(info))


def register(router: Router) -> None:
    router.action(cards.EXPORT, export)
    router.on_file_consent(on_consent, kind=CSV_KIND)
