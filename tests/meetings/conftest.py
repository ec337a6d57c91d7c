"""The world of the meeting tests: the networks' world (real bot, connector double, Graph sandbox, real
database) with the HR network launched into its own channel, Liisa as its facilitator and members from
three partner organisations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.app import SERVICES
from core.networks import LaunchStep, NetworkStatus
from core.timezone import HELSINKI
from store.networks import load_catalogue
from store.outbox import OutboxRow
from tests.cards.checks import assert_teams_card as check_card
from tests.harness.activities import (
    LIISA,
    MAIJA,
    MATTI,
    TEAM_AAD,
    User,
    card_action,
    channel_message,
    team_channel_data,
)
from tests.harness.people import seed_people
from tests.networks.conftest import World, world_fixtures

HR = "hr-kehittajat"
PEKKA = User("pekka", "Pekka Mäkinen", "pekka.makinen@omnia.fi")
SANNA = User("sanna", "Sanna Öhman", "sanna.ohman@tredu.fi", "en-US")
EMILIA = User("emilia", "Emilia Ärölä", "emilia.arola@vamia.fi")
EVERYONE = (MAIJA, MATTI, LIISA, PEKKA, SANNA, EMILIA)


@dataclass
class MeetingWorld:
    world: World
    channel_id: str

    @property
    def store(self) -> Any:
        return self.world.store

    @property
    def connector(self) -> Any:
        return self.world.connector

    async def say_in_channel(
        self, text: str, user: User = LIISA, channel_id: str | None = None
    ) -> list[dict[str, Any]]:
        """@mention the bot in the HR channel; returns what it answered there (cards checked)."""
        before = len(self.connector.sent)
        response = await self.world.bot.post(
            channel_message(self.connector.url, text, user, channel_id or self.channel_id)
        )
        assert response.status in (200, 201, 202), response.status
        sent = await self.connector.settle(0.15)
        replies = [s.body for s in sent[before:] if s.method == "POST" and "/activities" in s.path]
        for reply in replies:
            for attachment in reply.get("attachments") or []:
                check_card(attachment["content"])
        return replies

    async def act(
        self, verb: str, data: dict[str, Any], user: User = LIISA, *, channel: bool = True
    ) -> dict[str, Any]:
        """Click an Action.Execute button on a card in the HR channel (or in a personal chat)."""
        extra: dict[str, Any] = {}
        if channel:
            extra = {
                "conversation": {
                    "conversationType": "channel",
                    "isGroup": True,
                    "id": f"{self.channel_id};messageid=1",
                },
                "channel_data": team_channel_data(self.channel_id, "HR-kehittäjäverkosto"),
            }
        status, body = await self.world.bot.post_json(
            card_action(self.connector.url, verb, data, user, **extra)
        )
        assert status == 200, (status, body)
        if body.get("type") == "application/vnd.microsoft.card.adaptive":
            check_card(body["value"])
        return body

    async def queued(self, broadcast: str) -> dict[str, dict[str, Any]]:
        """The cards the outbox holds for a broadcast, by recipient (checked)."""
        async with self.store.engine.connect() as conn:
            rows = await conn.execute(
                select(OutboxRow.recipient, OutboxRow.activity).where(OutboxRow.broadcast == broadcast)
            )
            found = {recipient: activity for recipient, activity in rows}
        cards = {}
        for recipient, activity in found.items():
            content = activity["attachments"][0]["content"]
            check_card(content)
            cards[recipient] = content
        return cards


def text_of(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def local(days: int, clock: str = "14:00") -> tuple[str, str]:
    """(date, time) strings of a day `days` from today in Helsinki."""
    day = (datetime.now(HELSINKI) + timedelta(days=days)).date()
    return day.isoformat(), clock


async def prepare(world: World) -> MeetingWorld:
    services = world.bot.app[SERVICES]  # type: ignore[index]
    store = world.store
    channel = await services.workspace.ensure_channel(TEAM_AAD, "HR-kehittäjäverkosto")
    await store.seed_networks(await load_catalogue())
    await store.record_launch(HR, LaunchStep.DONE, channel_id=channel.id, status=NetworkStatus.ACTIVE)
    await store.set_facilitator(HR, LIISA.aad)
    await seed_people(store, PEKKA, SANNA, EMILIA)
    for user in (MATTI, MAIJA, PEKKA, SANNA, EMILIA):
        await store.join_network(HR, user.aad)
    return MeetingWorld(world, channel.id)


mw, any_mw = world_fixtures("mw", prepare)
