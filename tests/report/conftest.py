"""The report's HTTP tests run in the networks' world: the real bot, a connector double, the Graph sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.networks.conftest import World, open_world


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async for opened in open_world(tmp_path, f"sqlite:///{tmp_path / 'bot.db'}"):
        yield opened
