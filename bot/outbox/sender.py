"""Sending one outbox message through the adapter's proactive path, reporting what Teams answered.

- `conversation` targets (and people whose chat exists): a send to the conversation.
- `channel` targets: a new post, "create conversation" with `isGroup` and `channelData.channel.id`.
- `person` targets never messaged: "create conversation" with the person as the member, then send; the new
  chat is reported back (`Delivery.conversation_id`) so a retry does not create it again.
- `update` targets: an activity PUT replacing a message the bot sent (a poll's card once it has closed).
Each call is made once (`attempts=1`): retrying, backoff and pacing are the worker's business.

The connector client comes from the adapter's connector factory (the one `continue_conversation` and
`create_conversation` use, with the bot's app id as audience), but no turn is run: a continuation turn would
pass the service's middleware, which claims its activity id and overwrites the stored conversation reference
with the continuation's thinner one, two database writes per message for nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
)
from botframework.connector.auth import AuthenticationConstants

from bot.adapter import TeamsAdapter
from bot.connector import ConnectorError
from bot.summaries import with_summary
from bot.wire import activity_of
from core.conversations import ConversationRef
from core.outbox import ClaimedMessage, Target

log = logging.getLogger(__name__)

NewChat = Callable[[ConversationRef], Awaitable[None]]
KnownChat = Callable[[str], Awaitable[ConversationRef | None]]


@dataclass(frozen=True)
class Delivery:
    """The answer to one send: `status` None means no answer at all (network failure, timeout)."""

    status: int | None
    activity_id: str | None = None
    conversation_id: str | None = None
    retry_after: float | None = None
    error: str | None = None


class TeamsSender:
    def __init__(
        self,
        adapter: TeamsAdapter,
        app_id: str,
        on_new_chat: NewChat | None = None,
        known_chat: KnownChat | None = None,
    ) -> None:
        self._adapter = adapter
        self._app_id = app_id
        self._on_new_chat = on_new_chat
        self._known_chat = known_chat

    async def send(self, claimed: ClaimedMessage) -> Delivery:
        target = claimed.message.target
        created: str | None = None
        try:
            activity = activity_of(with_summary(claimed.message.activity))
            conversation_id = claimed.conversation_id or target.conversation_id
            if target.kind == "channel":
                return await self._post_to_channel(target, activity)
            if target.kind == "update":
                return await self._update(target, activity)
            if target.kind == "person" and not claimed.conversation_id:
                known = await self._known_chat(target.user_id or "") if self._known_chat else None
                if known is not None and known.service_url == target.service_url:
                    conversation_id = known.conversation_id  # the chat the person already has with the bot
                else:
                    created = conversation_id = await self._create_chat(target)
            assert conversation_id is not None
            activity_id = await self._continue(target, conversation_id, activity)
            return Delivery(200, activity_id=activity_id, conversation_id=created)
        except ConnectorError as error:
            return Delivery(
                error.status, conversation_id=created, retry_after=error.retry_after, error=str(error)
            )
        except (aiohttp.ClientError, TimeoutError) as error:
            return Delivery(None, conversation_id=created, error=f"{type(error).__name__}: {error}")

    def _bot(self, target: Target) -> ChannelAccount:
        return ChannelAccount(id=target.bot_id or (f"28:{self._app_id}" if self._app_id else "bot"))

    async def _continue(self, target: Target, conversation_id: str, activity: Activity) -> str | None:
        activity.channel_id = "msteams"
        activity.service_url = target.service_url
        activity.from_property = self._bot(target)
        activity.conversation = ConversationAccount(id=conversation_id, tenant_id=target.tenant_id)
        client = await self._client(target.service_url)
        response = await client.conversations.send_to_conversation(conversation_id, activity, attempts=1)
        return response.id

    async def _client(self, service_url: str) -> Any:
        claims = self._adapter.create_claims_identity(self._app_id)
        claims.claims[AuthenticationConstants.SERVICE_URL_CLAIM] = service_url
        factory = self._adapter.bot_framework_authentication.create_connector_factory(claims)
        return await factory.create(service_url, None)

    async def _update(self, target: Target, activity: Activity) -> Delivery:
        """PUT v3/conversations/{conversation}/activities/{activity}: the message keeps its place."""
        conversation_id, activity_id = target.conversation_id or "", target.activity_id or ""
        activity.id, activity.type = activity_id, "message"
        activity.channel_id, activity.service_url = "msteams", target.service_url
        activity.from_property = self._bot(target)
        activity.conversation = ConversationAccount(id=conversation_id, tenant_id=target.tenant_id)
        client = await self._client(target.service_url)
        await client.conversations.update_activity(conversation_id, activity_id, activity, attempts=1)
        return Delivery(200, activity_id=activity_id)

    async def _post_to_channel(self, target: Target, activity: Activity) -> Delivery:
        channel_data: dict[str, Any] = {"channel": {"id": target.conversation_id}}
        if target.tenant_id:
            channel_data["tenant"] = {"id": target.tenant_id}
        parameters = ConversationParameters(
            is_group=True,
            bot=self._bot(target),
            activity=activity,
            channel_data=channel_data,
            tenant_id=target.tenant_id,
        )
        client = await self._client(target.service_url)
        response = await client.conversations.create_conversation(parameters, attempts=1)
        return Delivery(200, activity_id=response.activity_id, conversation_id=response.id)

    async def _create_chat(self, target: Target) -> str:
        parameters = ConversationParameters(
            is_group=False,
            bot=self._bot(target),
            members=[ChannelAccount(id=target.user_id)],
            channel_data={"tenant": {"id": target.tenant_id}} if target.tenant_id else None,
            tenant_id=target.tenant_id,
        )
        client = await self._client(target.service_url)
        response = await client.conversations.create_conversation(parameters, attempts=1)
        if not response.id:
            raise ConnectorError(502, "NoConversation", "create conversation answered without an id")
        if self._on_new_chat is not None:
            user = target.user_id or ""
            ref = ConversationRef(
                service_url=target.service_url,
                conversation_id=response.id,
                tenant_id=target.tenant_id,
                scope="personal",
                bot_id=target.bot_id,
                user_aad_id=None if user.startswith("29:") else user,
            )
            try:
                await self._on_new_chat(ref)
            except Exception as error:  # remembering the chat is a convenience; the message still goes out
                log.warning("could not save the new chat with %s: %s", user, error)
        return response.id
