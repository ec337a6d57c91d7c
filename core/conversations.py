"""Conversation references: what the bot needs to message a person or a channel later, unprompted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

Scope = Literal["personal", "groupChat", "channel"]
SCOPES: tuple[Scope, ...] = ("personal", "groupChat", "channel")


def base_conversation_id(conversation_id: str) -> str:
    """A channel conversation id without its `;messageid=...` suffix (posting there starts a new post)."""
    return conversation_id.split(";messageid=", 1)[0]


@dataclass(frozen=True)
class ConversationRef:
    """Where a conversation lives. Channel references are kept per channel (no thread suffix).

    `team_id` is the Graph team id (`channelData.team.aadGroupId`); `user_aad_id` is set for personal chats.
    """

    service_url: str
    conversation_id: str
    tenant_id: str | None
    scope: Scope
    bot_id: str | None = None
    channel_id: str | None = None
    team_id: str | None = None
    user_aad_id: str | None = None
    updated_at: datetime | None = field(default=None, compare=False)


class ConversationStore(Protocol):
    """Where conversation references are kept, one per conversation id (the latest wins)."""

    async def save_conversation(self, ref: ConversationRef) -> None:
        """Insert or replace the reference for `ref.conversation_id`."""
        ...

    async def get_conversation(self, conversation_id: str) -> ConversationRef | None: ...

    async def personal_conversation(self, user_aad_id: str) -> ConversationRef | None:
        """The most recently seen personal chat of the user, if the bot has one."""
        ...

    async def team_conversations(self, team_id: str) -> Sequence[ConversationRef]:
        """The channel conversations seen in a team (by Graph team id)."""
        ...
