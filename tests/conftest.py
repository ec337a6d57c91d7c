"""Shared fixtures: a connector double and the real bot on an ephemeral port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.harness.connector import ConnectorDouble
from tests.harness.running import RunningBot, make_settings, running_bot


@pytest.fixture
async def connector() -> AsyncIterator[ConnectorDouble]:
    async with ConnectorDouble() as double:
        yield double


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with running_bot(make_settings(tmp_path)) as running:
        yield running
