"""What a feature handler works with: the activity, who sent it, their language, and ways to answer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import Activity
from microsoft_teams.cards import AdaptiveCard

from bot import teams
from bot.i18n import Translator
from bot.services import Services
from bot.teams import card_activity
from core.teams import Team, project_team

__all__ = ["Turn", "card_activity"]


@dataclass
class Turn:
    context: TurnContext
    services: Services

    @property
    def activity(self) -> Activity:
        return self.context.activity

    @cached_property
    def t(self) -> Translator:
        return self.services.catalogs.for_locale(self.activity.locale)

    @property
    def user_aad_id(self) -> str | None:
        sender = self.activity.from_property
        return getattr(sender, "aad_object_id", None) if sender else None

    @property
    def user_name(self) -> str:
        sender = self.activity.from_property
        return (sender.name if sender else None) or ""

    @property
    def channel_data(self) -> dict[str, Any]:
        return teams.channel_data(self.activity)

    @property
    def tenant_id(self) -> str | None:
        return teams.tenant_of(self.activity)

    @property
    def team(self) -> dict[str, Any]:
        """`channelData.team`: `id` (Bot Framework), `aadGroupId` (Graph), `name`; empty outside teams."""
        return teams.team_of(self.activity)

    @property
    def channel_id(self) -> str | None:
        """The Teams channel (`19:...`) this activity came from; None outside channels."""
        return teams.channel_of(self.activity)

    @property
    def bot_id(self) -> str | None:
        recipient = self.activity.recipient
        return recipient.id if recipient else None

    @property
    def connector_client(self) -> Any | None:
        return teams.connector_client(self.context)

    @property
    def conversation_type(self) -> str:
        conversation = self.activity.conversation
        return (conversation.conversation_type if conversation else None) or "personal"

    @property
    def is_coordinator(self) -> bool:
        return self.services.settings.is_coordinator(self.user_aad_id)

    async def project_team(self) -> Team | None:
        """The project's team (`core.teams.project_team`): the team this activity comes from, TEAM_ID, or
        the only team the bot is in."""
        data = self.team
        graph_id = data.get("aadGroupId")
        seen = None
        if isinstance(graph_id, str) and graph_id:
            name = data.get("name")
            thread = data.get("id")
            seen = Team(
                graph_id,
                name if isinstance(name, str) else None,
                self.tenant_id,
                self.activity.service_url or "",
                thread if isinstance(thread, str) else None,
            )
        return await project_team(self.services.store, seen=seen, configured=self.services.settings.team_id)

    async def send_card(self, value: AdaptiveCard | dict[str, Any]) -> str | None:
        response = await self.context.send_activity(card_activity(value))
        return response.id if response else None

    async def send_text(self, key: str, /, **params: Any) -> str | None:
        response = await self.context.send_activity(MessageFactory.text(self.t(key, **params)))
        return response.id if response else None
