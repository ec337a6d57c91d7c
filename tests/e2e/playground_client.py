"""A client for the Agents Playground's own web API, the one its chat UI uses (read from the 0.2.28 bundle).

- `POST /_conversation/v1/conversations/{id}/messages` `{from, text, textFormat, mentions?}`: the UI's send
  box. The Playground forwards it to the bot only in personal chat or when the bot is @mentioned, and always
  as the config file's `currentUser` (`from` must just be a member of the conversation).
- `POST /_conversation/v1/invoke` `{name: "adaptiveCard/action", value, from, conversation, replyToId}`:
  a card button; the answer is the bot's invoke response.
- websocket `/_ws_conversation/v1/conversations/stream`: what the bot posts to the mock connector,
  as `{"action": "createMessage", "actionConversationId", "message": {from, text, attachments, ...}}`.
- `GET /_internal/v1/config`: the team, chats and users loaded from `.m365agentsplayground.yml`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


@dataclass(frozen=True)
class Posted:
    message_id: str
    conversation_id: str  # a channel post opens a thread: "<channel>;messageid=<id>"


@dataclass(frozen=True)
class BotMessage:
    conversation_id: str
    message_id: str
    text: str
    cards: list[dict[str, Any]]

    @property
    def card_title(self) -> str:
        return self.cards[0]["body"][0]["text"]


class Stream:
    """The Playground's conversation websocket: everything the bot posts, in order."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._ws = ws

    async def next_from_bot(
        self, bot_id: str, wait_seconds: float = 15.0, *, conversation_id: str | None = None
    ) -> BotMessage:
        """The bot's next post (into `conversation_id` only, when given)."""
        async with asyncio.timeout(wait_seconds):
            async for frame in self._ws:
                if frame.type != aiohttp.WSMsgType.TEXT:
                    raise AssertionError(f"the Playground's websocket closed: {frame.type}")
                event = json.loads(frame.data)
                message = event.get("message") or {}
                if conversation_id and event.get("actionConversationId") != conversation_id:
                    continue
                if event.get("action") == "createMessage" and (message.get("from") or {}).get("id") == bot_id:
                    attachments = message.get("attachments") or ()
                    return BotMessage(
                        conversation_id=event["actionConversationId"],
                        message_id=str(message["messageId"]),
                        text=message.get("text") or "",
                        cards=[a["content"] for a in attachments if a["contentType"] == ADAPTIVE_CARD],
                    )
        raise AssertionError("the Playground's websocket closed before the bot answered")


class PlaygroundClient:
    def __init__(self, url: str, session: aiohttp.ClientSession) -> None:
        self.url = url
        self.session = session

    async def config(self) -> dict[str, Any]:
        async with self.session.get(f"{self.url}/_internal/v1/config") as response:
            assert response.status == 200, await response.text()
            return (await response.json())["config"]

    @asynccontextmanager
    async def stream(self) -> AsyncIterator[Stream]:
        async with self.session.ws_connect(f"{self.url}/_ws_conversation/v1/conversations/stream") as ws:
            yield Stream(ws)

    async def send(
        self, conversation_id: str, user_id: str, text: str, mention: dict[str, str] | None = None
    ) -> Posted:
        """Type `text` into a conversation; `mention` ({id, name}) prefixes an @mention of that account."""
        body: dict[str, Any] = {"from": {"id": user_id}, "text": text, "textFormat": "plain"}
        if mention:
            tag = f"<at>{mention['name']}</at>"
            body["text"] = f"{tag} {text}"
            body["mentions"] = [{"mentioned": {"id": mention["id"]}, "text": tag}]
        path = f"/_conversation/v1/conversations/{quote(conversation_id, safe='')}/messages"
        async with self.session.post(self.url + path, json=body) as response:
            answer = await response.json(content_type=None)
            if response.status != 200:
                raise PlaygroundRefused(response.status, answer)
        return Posted(str(answer["messageId"]), answer.get("postConversationId") or conversation_id)

    async def click(
        self, message: BotMessage, user_id: str, verb: str, data: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        """Press an Action.Execute button of a card the bot posted; returns the invoke response."""
        body = {
            "name": "adaptiveCard/action",
            "value": {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"},
            "from": {"id": user_id},
            "conversation": {"id": message.conversation_id},
            "replyToId": message.message_id,
        }
        async with self.session.post(f"{self.url}/_conversation/v1/invoke", json=body) as response:
            return response.status, await response.json(content_type=None)


class PlaygroundRefused(AssertionError):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"the Playground answered {status}: {body}")
        self.status = status
        self.body = body
