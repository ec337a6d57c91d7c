"""A meeting file offered to one person in Teams' file consent card ("Send to me"): the card's context is
signed (HMAC under a key of its own derived from the server key), names the person it was offered to,
expires after a day and carries a random id used once, so a forged, someone else's, expired or replayed
context is refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from core.errors import NotAllowed
from core.keys import ServerKey

OFFER_SECONDS = 24 * 3600
_PURPOSE = b"vertaisbotti materials.send v1"


class UsedContexts(Protocol):
    """FileConsent contexts already used, shared by every instance (the store)."""

    async def use_once(self, key: str, expires_at: datetime) -> bool:
        """Mark `key` used until `expires_at`; False when it was used already (on any instance)."""
        ...

    async def purge_consents_before(self, moment: datetime) -> int:
        """Forget the keys that expired before `moment` (their contexts are refused as expired anyway)."""
        ...


async def use_once(used: UsedContexts, kind: str, offer_id: str, expires: int) -> bool:
    """True the first time the offer `offer_id` of `kind` is used."""
    return await used.use_once(f"{kind}:{offer_id}", datetime.fromtimestamp(expires, UTC))


@dataclass(frozen=True)
class Offer:
    """A file offered to one person in a FileConsentCard: the card's context, signed."""

    id: str
    user: str  # the Entra object id of the person it was offered to
    drive: str
    item: str
    name: str
    size: int
    expires: int  # epoch seconds

    def payload(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def new_offer(user: str, drive: str, item: str, name: str, size: int, now: float) -> Offer:
    return Offer(uuid.uuid4().hex, user, drive, item, name, size, int(now) + OFFER_SECONDS)


def _signature(key: ServerKey, offer: Offer) -> str:
    return hmac.new(key.derive(_PURPOSE), offer.payload(), hashlib.sha256).hexdigest()


def signed(key: ServerKey, offer: Offer) -> dict[str, Any]:
    """The consent card's context for `offer`."""
    return {**asdict(offer), "sig": _signature(key, offer)}


async def verified(key: ServerKey, context: Any, user: str | None, now: float, used: UsedContexts) -> Offer:
    """The offer a consent context holds when it is genuine, `user`'s, unexpired and not used yet on any
    instance (it is used by this call); else `NotAllowed`."""
    refused = NotAllowed("materials.error.send_refused")
    if not isinstance(context, dict):
        raise refused
    try:
        offer = Offer(
            id=str(context["id"]),
            user=str(context["user"]),
            drive=str(context["drive"]),
            item=str(context["item"]),
            name=str(context["name"]),
            size=int(context["size"]),
            expires=int(context["expires"]),
        )
        signature = str(context["sig"])
    except (KeyError, TypeError, ValueError):
        raise refused from None
    if not hmac.compare_digest(_signature(key, offer), signature):
        raise refused
    if offer.user != user or offer.expires < now:
        raise refused
    if not await use_once(used, "materials", offer.id, offer.expires):
        raise refused
    return offer
