"""Builders for Teams-shaped activities (shapes from shared/facts.md), as the JSON Teams would POST."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

TENANT = "tenant-vertaansa"
BOT_ID = "28:vertaisbotti"
TEAM_CHANNEL = "19:general-vertaansa@thread.tacv2"
TEAM_AAD = "team-aad-vertaansa"


@dataclass(frozen=True)
class User:
    key: str
    name: str
    email: str
    locale: str = "fi-FI"

    @property
    def id(self) -> str:
        return f"29:{self.key}"

    @property
    def aad(self) -> str:
        return f"aad-{self.key}"

    def account(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "aadObjectId": self.aad}

    def member(self) -> dict[str, Any]:
        return {**self.account(), "email": self.email, "userPrincipalName": self.email, "tenantId": TENANT}


MAIJA = User("maija", "Maija Meikäläinen", "maija.meikalainen@omnia.fi")
MATTI = User("matti", "Matti Virtanen", "matti.virtanen@tredu.fi", "en-US")
LIISA = User("liisa", "Liisa Korhonen", "liisa.korhonen@vamia.fi")


def _base(
    kind: str, service_url: str, user: User, conversation: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {
        "type": kind,
        "id": extra.pop("id", None) or f"f:{uuid.uuid4()}",
        "timestamp": datetime.now(UTC).isoformat(),
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": user.account(),
        "recipient": {"id": BOT_ID, "name": "Vertaisbotti"},
        "conversation": {"tenantId": TENANT, **conversation},
        "locale": extra.pop("locale", None) or user.locale,
        "channelData": {"tenant": {"id": TENANT}, **extra.pop("channel_data", {})},
        **extra,
    }


def personal_conversation(user: User) -> dict[str, Any]:
    return {"conversationType": "personal", "id": f"a:personal-{user.key}"}


def team_channel_data(channel_id: str = TEAM_CHANNEL, channel_name: str = "General") -> dict[str, Any]:
    return {
        "team": {"id": TEAM_CHANNEL, "name": "Vertaansa vailla", "aadGroupId": TEAM_AAD},
        "channel": {"id": channel_id, "name": channel_name},
    }


def personal_message(service_url: str, text: str, user: User = MAIJA, **extra: Any) -> dict[str, Any]:
    return _base(
        "message", service_url, user, personal_conversation(user), text=text, textFormat="plain", **extra
    )


def channel_message(
    service_url: str, text: str, user: User = MAIJA, channel_id: str = TEAM_CHANNEL, **extra: Any
) -> dict[str, Any]:
    """A message that @mentions the bot in a team channel (the only kind the bot sees there)."""
    mention = {
        "mentioned": {"id": BOT_ID, "name": "Vertaisbotti"},
        "text": "<at>Vertaisbotti</at>",
        "type": "mention",
    }
    conversation = {
        "conversationType": "channel",
        "isGroup": True,
        "id": f"{channel_id};messageid=1700000000000",
    }
    return _base(
        "message",
        service_url,
        user,
        conversation,
        text=f"<at>Vertaisbotti</at> {text}",
        textFormat="plain",
        entities=[mention],
        channel_data=team_channel_data(channel_id),
        **extra,
    )


def group_message(service_url: str, text: str, user: User = MAIJA, **extra: Any) -> dict[str, Any]:
    conversation = {"conversationType": "groupChat", "isGroup": True, "id": "19:groupchat-1@thread.v2"}
    return _base("message", service_url, user, conversation, text=f"<at>Vertaisbotti</at> {text}", **extra)


def submit(service_url: str, value: dict[str, Any], user: User = MAIJA, **extra: Any) -> dict[str, Any]:
    """Action.Submit: a message whose `value` carries the card data and whose text is empty."""
    return _base("message", service_url, user, personal_conversation(user), value=value, **extra)


def card_action(
    service_url: str,
    verb: str,
    data: dict[str, Any] | None = None,
    user: User = MAIJA,
    conversation: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    value = {"action": {"type": "Action.Execute", "verb": verb, "data": data or {}}, "trigger": "manual"}
    return _base(
        "invoke",
        service_url,
        user,
        conversation or personal_conversation(user),
        name="adaptiveCard/action",
        value=value,
        **extra,
    )


def invoke(
    service_url: str, name: str, value: Any = None, user: User = MAIJA, **extra: Any
) -> dict[str, Any]:
    return _base("invoke", service_url, user, personal_conversation(user), name=name, value=value, **extra)


def team_install(service_url: str, user: User = MAIJA, **extra: Any) -> dict[str, Any]:
    conversation = {"conversationType": "channel", "isGroup": True, "id": TEAM_CHANNEL}
    return _base(
        "conversationUpdate",
        service_url,
        user,
        conversation,
        membersAdded=[{"id": BOT_ID}],
        channel_data={"eventType": "teamMemberAdded", **team_channel_data()},
        **extra,
    )
