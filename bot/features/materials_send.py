"""`materiaalit` "Send to me": the bot sends a meeting's file into the person's personal chat through Teams'
file consent flow (shared/facts.md "Files with bots"; personal chat only):

1. the "Lähetä minulle" button (`materials.send`) -> the bot sends a FileConsentCard attachment;
2. the person accepts -> `fileConsent/invoke` carrying the card's `acceptContext` and an `uploadInfo`;
3. the bot streams the file from Graph, PUTs the bytes to `uploadInfo.uploadUrl` (no Authorization header)
   and sends a FileInfo card that shows the file in the chat. Declining gets a short "OK, not sent".

The consent card's contexts are signed, name the person the file was offered to, expire after a day, and
carry a random id that is used once (`core.material_offers`): a forged, someone else's, expired or replayed
context is refused. The button's data comes from the client, so the file must
be in the project team's library (a network channel's drive), not anywhere the app's Graph permission reaches.

The transfer runs after the invoke is answered (a large file takes longer than Teams waits), so its outcome
arrives through the outbox as a message in the chat.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from botbuilder.core import MessageFactory
from botbuilder.schema import Attachment

from bot.files import spool_chunks
from bot.outbox import send_later
from bot.router import Router
from bot.services import Services
from bot.turn import Turn
from cards import materials as cards
from core import material_offers, materials_flow
from core.errors import Conflict, DomainError, Invalid, NotAllowed
from core.i18n import Translator
from core.material_offers import Offer
from core.materials import MAX_FILE_BYTES
from core.outbox import OutgoingMessage, Target

log = logging.getLogger(__name__)

FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
SPOOL_IN_MEMORY = 4 * 1024 * 1024


# ---- the button ---------------------------------------------------------------------------------------


def consent_attachment(t: Translator, offer: Offer, context: dict[str, Any]) -> Attachment:
    """The FileConsentCard: Teams asks the person to allow the upload into their OneDrive."""
    return Attachment(
        content_type=FILE_CONSENT,
        name=offer.name,
        content={
            "description": t("materials.send.description", name=offer.name),
            "sizeInBytes": offer.size,
            "acceptContext": context,
            "declineContext": context,
        },
    )


async def send_action(turn: Turn, data: dict[str, Any]) -> str:
    """ "Send to me": in personal chat, a FileConsentCard for the file; elsewhere an explanation."""
    if turn.conversation_type != "personal":
        raise Conflict("materials.error.send_personal_only")
    aad = turn.user_aad_id
    if not aad:
        raise NotAllowed("materials.error.no_identity")
    wanted = cards.parse_send(data)
    services = turn.services
    await materials_flow.check_library(
        services.store, services.workspace, await turn.project_team(), wanted.drive
    )
    offer = material_offers.new_offer(aad, wanted.drive, wanted.item, wanted.name, wanted.size, time.time())
    attachment = consent_attachment(turn.t, offer, material_offers.signed(services.key, offer))
    await turn.context.send_activity(MessageFactory.attachment(attachment))
    return turn.t("materials.send.offered", name=wanted.name)


# ---- the consent ----------------------------------------------------------------------------------------


async def verify(turn: Turn, context: Any, *, now: float | None = None) -> Offer:
    """The offer of a genuine, unexpired, unused consent context offered to this person; else `NotAllowed`."""
    clock = time.time() if now is None else now
    return await material_offers.verified(
        turn.services.key, context, turn.user_aad_id, clock, turn.services.store
    )


@dataclass(frozen=True)
class SendJob:
    offer: Offer
    upload: dict[str, Any]
    service_url: str
    conversation_id: str
    tenant_id: str | None
    bot_id: str | None
    locale: str | None


async def on_file_consent(turn: Turn, action: str, context: Any, upload: dict[str, Any]) -> None:
    """Accepted: check the context and start the transfer; declined: say it was not sent."""
    offer = await verify(turn, context)
    if action != "accept":
        await turn.context.send_activity(turn.t("materials.send.declined", name=offer.name))
        return
    if not upload.get("uploadUrl"):
        raise Invalid("materials.error.send_bad")
    conversation = turn.activity.conversation
    job = SendJob(
        offer,
        upload,
        turn.activity.service_url or "",
        conversation.id if conversation else "",
        turn.tenant_id,
        turn.bot_id,
        turn.activity.locale,
    )
    start_sending(turn.services, job)


def start_sending(services: Services, job: SendJob) -> asyncio.Task[None]:
    return services.background.start(send_job(services, job), name=f"materials.send:{job.offer.id}")


def file_info_activity(upload: dict[str, Any], name: str) -> dict[str, Any]:
    """The FileInfo card that shows the uploaded file in the chat."""
    file_name = str(upload.get("name") or name)
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": FILE_INFO,
                "contentUrl": upload.get("contentUrl"),
                "name": file_name,
                "content": {
                    "uniqueId": upload.get("uniqueId"),
                    "fileType": upload.get("fileType") or file_name.rpartition(".")[2],
                },
            }
        ],
    }


async def transfer(services: Services, offer: Offer, upload_url: str) -> int:
    """Stream the file from Graph (spooled: the upload needs its size first) and PUT it to `upload_url`."""
    workspace = services.workspace
    if workspace is None:
        raise Conflict("materials.error.no_team")
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
        size = await spool_chunks(workspace.download(offer.drive, offer.item), spool, MAX_FILE_BYTES)
        await services.downloads.put(upload_url, spool, size)
    return size


async def send_job(services: Services, job: SendJob) -> None:
    t = services.catalogs.for_locale(job.locale)
    offer = job.offer
    try:
        await transfer(services, offer, str(job.upload.get("uploadUrl")))
        activity, outcome = file_info_activity(job.upload, offer.name), "sent"
    except DomainError as error:
        log.warning("sending %s to %s failed: %s", offer.name, offer.user, error.key)
        reason = t(error.key, **error.params)
        activity = {"type": "message", "text": t("materials.send.failed", name=offer.name, reason=reason)}
        outcome = "failed"
    except Exception:  # the task's last guard: the person must hear something
        log.exception("sending %s to %s failed unexpectedly", offer.name, offer.user)
        reason = t("materials.error.send_unexpected")
        activity = {"type": "message", "text": t("materials.send.failed", name=offer.name, reason=reason)}
        outcome = "failed"
    target = Target(
        kind="conversation",
        service_url=job.service_url,
        conversation_id=job.conversation_id,
        tenant_id=job.tenant_id,
        bot_id=job.bot_id,
    )
    message = OutgoingMessage(
        key=f"material-send:{offer.id}:{outcome}",
        broadcast=f"material-send:{offer.id}",
        recipient=offer.user,
        target=target,
        activity=activity,
    )
    await send_later(services, [message])


def register(router: Router) -> None:
    router.action(cards.SEND, send_action)
    router.on_file_consent(on_file_consent)
