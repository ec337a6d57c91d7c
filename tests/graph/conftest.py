"""A Graph sandbox on ephemeral ports per test, and a workspace that talks to it through msgraph-sdk."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from graph import GraphWorkspace, open_workspace
from graph.config import FRAGMENT_UNIT, MIB
from graph.sandbox import Sandbox, start_sandbox

TEAM = "c0ffee00-0000-4000-8000-000000000001"


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    running = await start_sandbox(tmp_path / "graph-sandbox")
    running.seed_team(TEAM, "Vertaansa vailla", ["General"])
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def workspace(sandbox: Sandbox) -> AsyncIterator[GraphWorkspace]:
    # Small thresholds so that sessions and paging are exercised with small files.
    config = sandbox.graph_config(
        session_threshold=1 * MIB,
        fragment_size=2 * FRAGMENT_UNIT,
        folder_wait_seconds=5.0,
        max_retries=4,
        retry_delay=0,
    )
    opened = open_workspace(config)
    try:
        yield opened
    finally:
        await opened.close()
