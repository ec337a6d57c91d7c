"""Every turn first: handle a redelivered activity once, and remember who wrote and where.

`SeenMiddleware` claims the activity id in the store (per channel, conversation and id, across all
instances); a duplicate ends the turn silently. Invokes are not claimed: they are answered in the HTTP
response, so a repeated one gets the (idempotent) answer again. Then the sender is upserted as a
`Person` and the conversation reference saved, so later features can message them proactively. Store
failures raise: the adapter's turn-error handler answers with the apology.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from botbuilder.core import Middleware, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount

from bot.teams import channel_data, tenant_of
from core.activities import ActivityLog
from core.conversations import SCOPES, ConversationRef, ConversationStore
from core.people import PeopleStore, Person

log = logging.getLogger(__name__)


class SeenStore(ActivityLog, PeopleStore, ConversationStore, Protocol):
    """The parts of the store this middleware uses."""


def _address_fields(account: ChannelAccount) -> tuple[str | None, str | None]:
    """Email and UPN when the activity carries them (Teams usually does not; a roster does)."""
    properties = account.properties if isinstance(account.properties, dict) else {}
    email = getattr(account, "email", None) or properties.get("email")
    upn = getattr(account, "user_principal_name", None) or properties.get("userPrincipalName")
    return email, upn


def person_of(activity: Activity) -> Person | None:
    """The sender as a Person, or None for a sender without an Entra id (a bot, the emulator)."""
    sender = activity.from_property
    if sender is None or not sender.aad_object_id or (sender.role or "").lower() == "bot":
        return None
    email, upn = _address_fields(sender)
    return Person(
        aad_object_id=sender.aad_object_id,
        name=sender.name or None,
        email=email,
        upn=upn,
        locale=activity.locale or None,
        tenant_id=tenant_of(activity),
    )


def reference_of(activity: Activity) -> ConversationRef | None:
    """The conversation reference of the activity, or None when it lacks a conversation or serviceUrl."""
    conversation = activity.conversation
    if conversation is None or not conversation.id or not activity.service_url:
        return None
    scope = conversation.conversation_type
    if scope not in SCOPES:
        scope = "groupChat" if conversation.is_group else "personal"
    data = channel_data(activity)
    channel = data.get("channel") or {}
    team = data.get("team") or {}
    sender = activity.from_property
    return ConversationRef(
        service_url=activity.service_url,
        conversation_id=conversation.id,
        tenant_id=tenant_of(activity),
        scope=scope,
        bot_id=activity.recipient.id if activity.recipient else None,
        channel_id=channel.get("id") if scope == "channel" else None,
        team_id=team.get("aadGroupId") if scope == "channel" else None,
        user_aad_id=sender.aad_object_id if scope == "personal" and sender else None,
    )


class RecentlySaved:
    """What this instance wrote lately: an unchanged person or reference is not written again within `ttl`
    seconds (last-seen times stay accurate to `ttl`). Bounded; least recently used dropped first."""

    def __init__(self, ttl: float = 600.0, size: int = 4096) -> None:
        self.ttl = ttl
        self._size = size
        self._items: OrderedDict[Hashable, tuple[object, float]] = OrderedDict()

    def fresh(self, key: Hashable, value: object) -> bool:
        item = self._items.get(key)
        return item is not None and item[0] == value and time.monotonic() - item[1] < self.ttl

    def remember(self, key: Hashable, value: object) -> None:
        self._items[key] = (value, time.monotonic())
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)


class SeenMiddleware(Middleware):
    def __init__(self, store: SeenStore, recent: RecentlySaved | None = None) -> None:
        self._store = store
        self._recent = recent or RecentlySaved()

    def _stored_alike(self, person: Person, stored: Person | None) -> bool:
        """Whether upserting `person` would change nothing but a recent last-seen time: every field the
        activity carries is stored as it is, and the person was seen within the cache's time. A read, not
        a write, for someone this instance has not seen lately (a roster already stored them)."""
        if stored is None or stored.last_seen is None or person.organization is not None:
            return False
        carried = {name: value for name, value in vars(person).items() if value is not None}
        if any(getattr(stored, name) != value for name, value in carried.items()):
            return False
        return datetime.now(UTC) - stored.last_seen < timedelta(seconds=self._recent.ttl)

    async def on_turn(self, context: TurnContext, logic: Callable[[], Awaitable[Any]]) -> None:
        activity = context.activity
        conversation_id = activity.conversation.id if activity.conversation else ""
        # An invoke is answered in its own HTTP response: a repeated one must get a real answer, not
        # silence, and every card action is idempotent (latest vote wins, a draft is taken once, ...).
        if activity.id and activity.type != ActivityTypes.invoke:
            channel = activity.channel_id or ""
            if not await self._store.claim_activity(channel, conversation_id, activity.id):
                log.info(
                    "duplicate activity %s (%s) in %s: already handled, skipped",
                    activity.id,
                    activity.type,
                    conversation_id,
                )
                return
        person = person_of(activity)
        if person is not None and not self._recent.fresh(("person", person.aad_object_id), person):
            if not self._stored_alike(person, await self._store.get_person(person.aad_object_id)):
                await self._store.upsert_person(person)
            self._recent.remember(("person", person.aad_object_id), person)
        reference = reference_of(activity)
        if reference is not None and not self._recent.fresh(
            ("conversation", reference.conversation_id), reference
        ):
            await self._store.save_conversation(reference)
            self._recent.remember(("conversation", reference.conversation_id), reference)
        await logic()
