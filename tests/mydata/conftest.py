"""The world of the personal-data tests: the networks' world (the real bot over HTTP, a connector double,
the Graph sandbox, a real database), on SQLite or, for `any_world`, on both engines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.networks.conftest import World, open_world


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async for opened in open_world(tmp_path, f"sqlite:///{tmp_path / 'bot.db'}"):
        yield opened


@pytest.fixture
async def any_world(database_url: str, tmp_path: Path) -> AsyncIterator[World]:
    async for opened in open_world(tmp_path, database_url):
        yield opened
