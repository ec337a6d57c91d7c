"""The world of the materials tests: the networks' world (the real bot on an ephemeral port, a connector
double, the Graph sandbox behind the workspace, a real database) plus a launched HR network with a channel,
a meeting whose presenter is Matti and whose network Liisa facilitates, and a file server standing in for
Teams' `downloadUrl` links."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp import web

from bot.files import FILE_DOWNLOAD_INFO
from core.meetings import Meeting, Reach
from core.networks import LaunchStep, NetworkStatus
from core.people import Person
from store.networks import load_catalogue
from tests.harness.activities import BOT_ID, LIISA, MATTI, TEAM_AAD, TENANT, User, personal_message
from tests.networks.conftest import World, open_world

PEKKA = User("pekka", "Pekka Mäkinen", "pekka.makinen@sedu.fi")
HR = "hr-kehittajat"
HR_CHANNEL_NAME = "HR-kehittäjäverkosto"


@dataclass
class FileServer:
    """Serves test files at `url(name)` as Teams serves `downloadUrl`: a plain GET, no token."""

    files: dict[str, bytes] = field(default_factory=dict)
    chunked: set[str] = field(default_factory=set)  # served without Content-Length
    claimed_sizes: dict[str, int] = field(default_factory=dict)  # a Content-Length the body never fills
    requests: list[dict[str, str]] = field(default_factory=list)
    # served up to half, then held until the event is set (a transfer in progress)
    held: dict[str, asyncio.Event] = field(default_factory=dict)
    holding: asyncio.Event = field(default_factory=asyncio.Event)  # a held download has begun
    base: str = ""

    def url(self, name: str) -> str:
        return f"{self.base}/dl/{uuid.uuid4().hex}/{quote(name, safe='')}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(dict(request.headers))
        name = request.match_info["name"]
        if "Authorization" in request.headers:
            return web.Response(status=401)
        if name in self.claimed_sizes:
            response = web.StreamResponse(headers={"Content-Length": str(self.claimed_sizes[name])})
            await response.prepare(request)
            await response.write(b"x" * 1024)
            return response
        data = self.files.get(name)
        if data is None:
            return web.Response(status=404)
        if name in self.held:
            response = web.StreamResponse(headers={"Content-Length": str(len(data))})
            await response.prepare(request)
            await response.write(data[: len(data) // 2])
            self.holding.set()
            await self.held[name].wait()
            await response.write(data[len(data) // 2 :])
            return response
        if name in self.chunked:
            response = web.StreamResponse()
            response.enable_chunked_encoding()
            await response.prepare(request)
            for start in range(0, len(data), 256 * 1024):
                await response.write(data[start : start + 256 * 1024])
            await response.write_eof()
            return response
        return web.Response(body=data, content_type="application/octet-stream")


@dataclass
class MaterialsWorld:
    world: World
    files: FileServer
    hr_channel: str
    meeting: Meeting

    def __getattr__(self, name: str) -> Any:
        return getattr(self.world, name)

    def attachment(self, name: str, data: bytes | None = None) -> dict[str, Any]:
        if data is not None:
            self.files.files[name] = data
        return {
            "contentType": FILE_DOWNLOAD_INFO,
            "name": name,
            "content": {
                "downloadUrl": self.files.url(name),
                "uniqueId": uuid.uuid4().hex,
                "fileType": name.rpartition(".")[2],
            },
        }

    async def send_files(self, user: User, *attachments: dict[str, Any]) -> list[dict[str, Any]]:
        """Send files in personal chat; returns the bot's answers there."""
        world = self.world
        before = len(world.connector.sent)
        activity = personal_message(world.connector.url, "", user, attachments=list(attachments))
        response = await world.bot.post(activity)
        assert response.status in (200, 201, 202), response.status
        sent = await world.connector.settle(0.15)
        chat = f"a:personal-{user.key}"
        return [s.body for s in sent[before:] if s.conversation_id == chat]

    async def add_meeting(
        self, network: str, theme: str, presenters: tuple[str, ...], *, days: int = -7
    ) -> Meeting:
        meeting = Meeting(
            id=uuid.uuid4().hex,
            network_key=network,
            theme=theme,
            starts_at=datetime(2026, 11, 20, 12, 0, tzinfo=UTC) + timedelta(days=days),
            presenters=presenters,
            facilitator=LIISA.aad,
        )
        await self.world.store.create_meeting(meeting, Reach(self.world.connector.url, TENANT, BOT_ID))
        return meeting

    async def launch(self, key: str, channel_name: str) -> str:
        channels = self.world.sandbox.seed_team(TEAM_AAD, "Vertaansa vailla", [channel_name])
        store = self.world.store
        await store.record_launch(
            key, LaunchStep.DONE, channel_id=channels[channel_name], status=NetworkStatus.ACTIVE
        )
        return channels[channel_name]


def draft_of(card: dict[str, Any]) -> str:
    """The draft id a "which meeting?" card carries."""
    for action in card.get("actions") or []:
        if action.get("verb") == "materials.file":
            return str(action["data"]["draft"])
    raise AssertionError(f"no file action on {card}")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def open_materials_world(tmp_path: Path, url: str) -> AsyncIterator[MaterialsWorld]:
    async for world in open_world(tmp_path, url):
        server = FileServer()
        app = web.Application()
        app.router.add_get("/dl/{token}/{name}", server.handle)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        server.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        try:
            store = world.store
            await store.seed_networks(await load_catalogue())
            await store.upsert_person(
                Person(PEKKA.aad, name=PEKKA.name, email=PEKKA.email, locale=PEKKA.locale, tenant_id=TENANT)
            )
            materials = MaterialsWorld(world, server, "", None)  # type: ignore[arg-type]
            materials.hr_channel = await materials.launch(HR, HR_CHANNEL_NAME)
            await store.set_facilitator(HR, LIISA.aad)
            materials.meeting = await materials.add_meeting(HR, "Työhyvinvointi", (MATTI.aad,))
            yield materials
        finally:
            await runner.cleanup()


@pytest.fixture
async def mworld(tmp_path: Path) -> AsyncIterator[MaterialsWorld]:
    async for opened in open_materials_world(tmp_path, f"sqlite:///{tmp_path / 'bot.db'}"):
        yield opened


@pytest.fixture
async def any_mworld(database_url: str, tmp_path: Path) -> AsyncIterator[MaterialsWorld]:
    url = database_url
    async for opened in open_materials_world(tmp_path, url):
        yield opened
