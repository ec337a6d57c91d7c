"""A filing survives a restart: stopped mid-transfer, the bot hands the draft back; the next instance on the
same database resumes it and the file lands once, the sender hears of it."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path

from bot.app import RESUMER, SERVICES
from graph import open_workspace
from tests.harness.activities import MATTI
from tests.harness.running import make_settings, running_bot
from tests.materials.conftest import MaterialsWorld, sha
from tests.materials.test_filing import file_into


async def test_a_transfer_cut_off_by_a_stop_is_resumed_after_the_restart(
    any_mworld: MaterialsWorld, tmp_path: Path, database_url: str
) -> None:
    w = any_mworld
    name, data = "Keskeytys.pptx", os.urandom(200_000)
    w.files.held[name] = asyncio.Event()
    body = await file_into(w, MATTI, name, data)
    assert body["type"] == "application/vnd.microsoft.card.adaptive", body
    await asyncio.wait_for(w.files.holding.wait(), 10)  # the download has begun and is held half-way
    assert w.bot.app is not None
    # The stop: the background work is given no time to finish, so the transfer is cut off.
    await w.bot.app[SERVICES].background.aclose(timeout=0)
    (draft,) = await w.store.resumable_drafts(now=datetime.now(UTC))
    assert draft.name == name and draft.meeting_id == w.meeting.id
    assert await w.store.materials_of_meetings([w.meeting.id]) == {}

    w.files.held[name].set()  # the link answers in full again
    async with running_bot(make_settings(tmp_path, DATABASE_URL=database_url)) as restarted:
        assert restarted.app is not None
        services = restarted.app[SERVICES]
        await services.workspace.close()
        services.workspace = open_workspace(w.sandbox.graph_config(folder_wait_seconds=5.0, max_retries=2))
        assert await restarted.app[RESUMER].tick() == 1
        assert await restarted.app[RESUMER].tick() == 0  # claimed: not resumed twice
        await w.delivered(f"meeting:{w.meeting.id}:filing", 1)  # the sender hears it was filed
        await services.workspace.close()
    stored = w.sandbox.disk_path(
        "team-aad-vertaansa", f"HR-kehittäjäverkosto/Tapaamiset/2026-11-13 Työhyvinvointi/{name}"
    )
    assert sha(stored.read_bytes()) == sha(data)
    [material] = (await w.store.materials_of_meetings([w.meeting.id]))[w.meeting.id]
    assert material.name == name and material.added_by == MATTI.aad
    assert await w.store.resumable_drafts(now=datetime.now(UTC)) == []
