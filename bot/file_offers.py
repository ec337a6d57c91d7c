"""Files the bot makes itself (an assessment export, a baked badge) sent into a person's own chat through
Teams' file consent flow (shared/facts.md "Files with bots"; personal chat only):

1. `offer(turn, kind, ref, name, size)` sends a FileConsentCard whose context is signed (HMAC with the
   bot's key), names the person and the kind of file, and expires after a day;
2. the person accepts -> `fileConsent/invoke` reaches the handler registered for that kind
   (`Router.on_file_consent(..., kind=...)`), which calls `accepted(turn, kind, context)` to check the
   context and get `ref` back, makes the bytes and calls `deliver(turn, upload, name, data)`: one PUT to
   `uploadInfo.uploadUrl` (no Authorization header), then a FileInfo card in the chat.

The file is made again on acceptance from the person's own data, so a replayed context can only send the
person their own file again; contexts are still single-use, on every instance (the store's
`used_consents`).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import time
import uuid
from typing import Any

from botbuilder.core import MessageFactory
from botbuilder.schema import Activity, Attachment

from bot.turn import Turn
from core.errors import Conflict, Invalid, NotAllowed
from core.material_offers import use_once

FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
OFFER_SECONDS = 24 * 3600
_PURPOSE = b"vertaisbotti generated-file offer v1"


def _key(turn: Turn) -> bytes:
    return turn.services.key.derive(_PURPOSE)


def _payload(context: dict[str, Any]) -> bytes:
    body = {k: v for k, v in context.items() if k != "sig"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


async def offer(turn: Turn, kind: str, ref: dict[str, str], name: str, size: int, description: str) -> None:
    """Send the FileConsentCard for a file of `kind` (in personal chat only)."""
    if turn.conversation_type != "personal":
        raise Conflict("files.error.personal_only")
    if not turn.user_aad_id:
        raise NotAllowed("error.not_found")
    context: dict[str, Any] = {
        "kind": kind,
        "id": uuid.uuid4().hex,
        "user": turn.user_aad_id,
        "ref": ref,
        "expires": int(time.time()) + OFFER_SECONDS,
    }
    context["sig"] = hmac.new(_key(turn), _payload(context), hashlib.sha256).hexdigest()
    attachment = Attachment(
        content_type=FILE_CONSENT,
        name=name,
        content={
            "description": description,
            "sizeInBytes": size,
            "acceptContext": context,
            "declineContext": context,
        },
    )
    await turn.context.send_activity(MessageFactory.attachment(attachment))


async def accepted(turn: Turn, kind: str, context: Any, *, now: float | None = None) -> dict[str, str]:
    """The `ref` of a genuine, unexpired, unused context of `kind` offered to this person; else
    `NotAllowed`."""
    refused = NotAllowed("files.error.refused")
    if not isinstance(context, dict) or not isinstance(context.get("sig"), str):
        raise refused
    expected = hmac.new(_key(turn), _payload(context), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, context["sig"]):
        raise refused
    clock = time.time() if now is None else now
    expires, ref = context.get("expires"), context.get("ref")
    if (
        context.get("kind") != kind
        or context.get("user") != turn.user_aad_id
        or not isinstance(expires, int)
        or expires < clock
        or not isinstance(ref, dict)
    ):
        raise refused
    if not await use_once(turn.services.store, kind, str(context.get("id")), expires):
        raise refused
    return {str(k): str(v) for k, v in ref.items()}


async def deliver(turn: Turn, upload: dict[str, Any], name: str, data: bytes) -> None:
    """PUT `data` to the upload URL Teams gave and show the file in the chat."""
    url = upload.get("uploadUrl")
    if not isinstance(url, str) or not url:
        raise Invalid("files.error.bad_upload")
    await turn.services.downloads.put(url, io.BytesIO(data), len(data))
    file_name = str(upload.get("name") or name)
    await turn.context.send_activity(
        Activity(
            type="message",
            attachments=[
                Attachment(
                    content_type=FILE_INFO,
                    content_url=upload.get("contentUrl"),
                    name=file_name,
                    content={
                        "uniqueId": upload.get("uniqueId"),
                        "fileType": upload.get("fileType") or file_name.rpartition(".")[2],
                    },
                )
            ],
        )
    )
