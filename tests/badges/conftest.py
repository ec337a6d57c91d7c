"""The world of the badge tests: the meetings' world (real bot on a known port whose PUBLIC_URL is that
port, so credentials point back at it; connector double; Graph sandbox; real database) with the HR
network launched and people from three partner organisations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.app import SERVICES
from core.meetings import Meeting, Reach
from store.outbox import OutboxRow
from tests.cards.checks import assert_teams_card
from tests.harness.activities import TENANT, User
from tests.harness.running import free_port
from tests.materials.test_send import UploadDouble, uploads  # noqa: F401 (fixture)
from tests.meetings.conftest import HR, MeetingWorld, prepare
from tests.networks.conftest import open_world

CARD = "application/vnd.microsoft.card.adaptive"
ERROR = "application/vnd.microsoft.error"
FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"


@dataclass
class BadgeWorld:
    mw: MeetingWorld

    @property
    def world(self) -> Any:
        return self.mw.world

    @property
    def store(self) -> Any:
        return self.mw.store

    @property
    def url(self) -> str:
        return self.world.bot.url

    async def get(self, path: str, **headers: str) -> tuple[int, str, str]:
        async with (
            aiohttp.ClientSession() as session,
            session.get(self.url + path, headers=headers) as response,
        ):
            body = await response.read()
            return response.status, response.headers.get("Content-Type", ""), body.decode(errors="replace")

    @property
    def services(self) -> Any:
        return self.world.bot.app[SERVICES]

    async def past_meeting(
        self, presenters: tuple[str, ...], attendees: tuple[str, ...] = (), days: int = 1
    ) -> Meeting:
        when = datetime.now(UTC) - timedelta(days=days)
        meeting = Meeting(f"m-{days}-{presenters[0]}", HR, "Työhyvinvointi", when, presenters, None, "")
        await self.store.create_meeting(meeting, Reach(self.world.connector.url, TENANT, "28:vertaisbotti"))
        for person in attendees:
            await self.store.attend(meeting.id, person)
        return meeting

    async def queued_cards(self, broadcast_prefix: str) -> dict[str, dict[str, Any]]:
        """Queued activities whose broadcast starts with the prefix, by recipient (cards checked)."""
        async with self.store.engine.connect() as conn:
            rows = await conn.execute(select(OutboxRow.recipient, OutboxRow.broadcast, OutboxRow.activity))
            found = {r: a for r, b, a in rows if b.startswith(broadcast_prefix)}
        for activity in found.values():
            for attachment in activity.get("attachments") or []:
                assert_teams_card(attachment["content"])
        return found

    async def say(self, text: str, user: User) -> list[dict[str, Any]]:
        return await self.world.say(text, user)


@pytest.fixture
async def bw(tmp_path: Path) -> AsyncIterator[BadgeWorld]:
    port = free_port()
    async for world in open_world(
        tmp_path, f"sqlite:///{tmp_path / 'bot.db'}", port=port, PUBLIC_URL=f"http://127.0.0.1:{port}"
    ):
        yield BadgeWorld(await prepare(world))


@pytest.fixture
async def any_bw(database_url: str, tmp_path: Path) -> AsyncIterator[BadgeWorld]:
    port = free_port()
    url = database_url
    async for world in open_world(tmp_path, url, port=port, PUBLIC_URL=f"http://127.0.0.1:{port}"):
        yield BadgeWorld(await prepare(world))
