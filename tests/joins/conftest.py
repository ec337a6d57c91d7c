"""The join tests' world: the network tests' one (the real bot, the connector double, the Graph sandbox)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.networks.conftest import World, open_world

TOKEN = re.compile(r'name="token" value="([^"]+)"')


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async for opened in open_world(tmp_path, f"sqlite:///{tmp_path / 'bot.db'}"):
        yield opened


async def open_form(session: aiohttp.ClientSession, url: str) -> str:
    """GET the page (its cookie lands in the session); the form's token."""
    async with session.get(url) as response:
        assert response.status == 200
        found = TOKEN.search(await response.text())
    assert found
    return found.group(1)
