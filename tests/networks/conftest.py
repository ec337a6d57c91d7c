"""The world of the network and survey tests: the real bot on an ephemeral port, a Bot Connector double, the
Graph sandbox behind the bot's workspace, a real database (SQLite, or PostgreSQL where a test asks for it),
and a team with people from three partner organisations."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.app import SERVICES
from core.outbox import DeliveryReport
from core.teams import Team
from graph import open_workspace
from graph.sandbox import Sandbox, start_sandbox
from store import SqlStore
from tests.cards.checks import assert_teams_card as check_card
from tests.harness.activities import (
    LIISA,
    MAIJA,
    MATTI,
    TEAM_AAD,
    TEAM_CHANNEL,
    TENANT,
    User,
    card_action,
    personal_conversation,
    personal_message,
    team_channel_data,
)
from tests.harness.cards import walk
from tests.harness.connector import ConnectorDouble
from tests.harness.people import seed_people
from tests.harness.running import RunningBot, make_settings, running_bot

T = TypeVar("T")


@dataclass
class World:
    bot: RunningBot
    connector: ConnectorDouble
    sandbox: Sandbox
    general_id: str

    @property
    def store(self) -> SqlStore:
        assert self.bot.app is not None
        return self.bot.app[SERVICES].store

    async def say(self, text: str, user: User = MAIJA, locale: str | None = None) -> list[dict[str, Any]]:
        """Send a chat message; returns what the bot answered in that chat (texts and checked cards)."""
        before = len(self.connector.sent)
        message = personal_message(self.connector.url, text, user, locale=locale)
        response = await self.bot.post(message)
        assert response.status in (200, 201, 202), response.status
        sent = await self.connector.settle(0.15)
        chat = personal_conversation(user)["id"]
        # Replies to this message only: the outbox may deliver into the same chat at the same time.
        reply_path = f"/activities/{message['id']}"
        replies = [s.body for s in sent[before:] if s.conversation_id == chat and s.path.endswith(reply_path)]
        for reply in replies:
            for attachment in reply.get("attachments") or []:
                check_card(attachment["content"])
        return replies

    async def act(
        self, verb: str, data: dict[str, Any] | None = None, user: User = MAIJA, *, channel: bool = False
    ) -> dict[str, Any]:
        """Click an Action.Execute button (in a personal chat, or on a post in the General channel); returns
        the invoke body (a checked card, or an error)."""
        extra: dict[str, Any] = {}
        if channel:
            extra = {
                "conversation": {
                    "conversationType": "channel",
                    "isGroup": True,
                    "id": f"{TEAM_CHANNEL};messageid=1",
                },
                "channel_data": team_channel_data(),
            }
        status, body = await self.bot.post_json(
            card_action(self.connector.url, verb, data or {}, user, **extra)
        )
        assert status == 200, (status, body)
        if body.get("type") == "application/vnd.microsoft.card.adaptive":
            check_card(body["value"])
        return body

    async def delivered(self, broadcast: str, expected: int, within: float = 30.0) -> DeliveryReport:
        """Wait until the outbox worker has sent the broadcast's messages; the report of what happened."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            report = await self.store.delivery_counts(broadcast)
            if report.total >= expected and report.done:
                return report
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{broadcast}: not delivered in time: {report}")
            await asyncio.sleep(0.05)

    def channel_posts(self, channel_id: str) -> list[dict[str, Any]]:
        """Cards posted as new conversations in a channel (checked)."""
        posts = []
        for sent in self.connector.sent:
            if (
                sent.path == "/v3/conversations"
                and (sent.body.get("channelData") or {}).get("channel", {}).get("id") == channel_id
            ):
                for attachment in sent.body["activity"].get("attachments") or []:
                    check_card(attachment["content"])
                    posts.append(attachment["content"])
        return posts

    async def chat_cards(self, user: User) -> list[dict[str, Any]]:
        """Cards sent proactively into the personal chat the bot opened with the user (checked)."""
        ref = await self.store.personal_conversation(user.aad)
        assert ref is not None, f"no chat with {user.name}"
        found = [s.card for s in self.connector.sent if s.conversation_id == ref.conversation_id and s.card]
        for card in found:
            check_card(card)
        return found  # type: ignore[return-value]


def card_text(card: dict[str, Any]) -> str:
    """Every string of a card, for asserting on what a user reads."""
    return json.dumps(card, ensure_ascii=False)


def actions_of(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every Action.Execute of a card, in the body's action sets and at the bottom."""
    return [node for node in walk(card) if node.get("type") == "Action.Execute"]


async def open_world(
    tmp_path: Path, database_url: str, *, team: bool = True, **settings: Any
) -> AsyncIterator[World]:
    """`team=False`: the bot has not been added to the team yet (it knows the people, not the team).
    `settings` override the bot's (e.g. `PUBLIC_URL`; `port` picks the port it listens on)."""
    sandbox = await start_sandbox(tmp_path / "graph-sandbox")
    channels = sandbox.seed_team(TEAM_AAD, "Vertaansa vailla", ["General"])
    try:
        async with ConnectorDouble() as connector:
            port = settings.pop("port", 0)
            config = make_settings(tmp_path, DATABASE_URL=database_url, **settings)
            async with running_bot(config, port) as bot:
                assert bot.app is not None
                services = bot.app[SERVICES]
                previous = services.workspace
                services.workspace = open_workspace(
                    sandbox.graph_config(folder_wait_seconds=5.0, max_retries=2, retry_delay=0)
                )
                if previous is not None:
                    await previous.close()
                store: SqlStore = services.store
                if team:
                    general = channels["General"]
                    await store.save_team(Team(TEAM_AAD, "Vertaansa vailla", TENANT, connector.url, general))
                # The project team's roster, read again when a survey starts.
                connector.members = [user.member() for user in (MAIJA, MATTI, LIISA)]
                await seed_people(store, MAIJA, MATTI, LIISA)
                try:
                    yield World(bot, connector, sandbox, channels["General"])
                    # Every proactive message of every journey tells its notification what it is.
                    missing = [(s.path, str(s.message)[:200]) for s in connector.unsummarised()]
                    assert not missing, f"proactive messages without a summary: {missing}"
                finally:
                    await services.workspace.close()
                    services.workspace = None
    finally:
        await sandbox.stop()


def world_fixtures(name: str, prepare: Callable[[World], Awaitable[T]]) -> tuple[Any, Any]:
    """Two fixtures of a feature's world (`open_world`, then `prepare`): `<name>` on SQLite and
    `any_<name>` on each database of the `database_url` fixture (SQLite, and PostgreSQL when configured)."""

    async def on_sqlite(tmp_path: Path) -> AsyncIterator[T]:
        async for world in open_world(tmp_path, f"sqlite:///{tmp_path / 'bot.db'}"):
            yield await prepare(world)

    async def on_any(database_url: str, tmp_path: Path) -> AsyncIterator[T]:
        async for world in open_world(tmp_path, database_url):
            yield await prepare(world)

    return pytest.fixture(name=name)(on_sqlite), pytest.fixture(name=f"any_{name}")(on_any)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async for opened in open_world(tmp_path, f"sqlite:///{tmp_path / 'bot.db'}"):
        yield opened


@pytest.fixture
async def any_world(database_url: str, tmp_path: Path) -> AsyncIterator[World]:
    url = database_url
    async for opened in open_world(tmp_path, url):
        yield opened
