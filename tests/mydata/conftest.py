"""The world of the personal-data tests: the networks' world (the real bot over HTTP, a connector double,
the Graph sandbox, a real database), on SQLite or, for `any_world`, on both engines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.networks.conftest import ENGINES, World, open_world
from tests.store.databases import fresh_database


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async for opened in open_world(tmp_path, f"sqlite:///{tmp_path / 'bot.db'}"):
        yield opened


@pytest.fixture(params=ENGINES)
async def any_world(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[World]:
    async with fresh_database(request.param, tmp_path) as url:
        async for opened in open_world(tmp_path, url):
            yield opened
