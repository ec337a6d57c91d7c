"""Two bot instances on one database: a FileConsent accept replayed on the other instance, even at the same
moment, is refused; the file is sent once (used contexts are in the database, not in one process)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.app import SERVICES
from graph import open_workspace
from tests.harness.activities import LIISA, invoke
from tests.harness.running import RunningBot, make_settings, running_bot
from tests.materials.conftest import MaterialsWorld
from tests.materials.test_send import UploadDouble, button_for, offer
from tests.materials.test_send import uploads as uploads


async def _accept(bot: RunningBot, w: MaterialsWorld, context: Any, upload: dict[str, Any]) -> None:
    value = {"type": "fileUpload", "action": "accept", "context": context, "uploadInfo": upload}
    status, _ = await bot.post_json(invoke(w.connector.url, "fileConsent/invoke", value, LIISA))
    assert status == 200


async def test_a_consent_replayed_on_another_instance_is_refused(
    any_mworld: MaterialsWorld, uploads: UploadDouble, tmp_path: Path, database_url: str
) -> None:
    w = any_mworld
    name = "Perehdytys.pdf"
    context = (await offer(w, await button_for(w, name, b"%PDF slides")))["attachment"]["content"][
        "acceptContext"
    ]
    # The second instance: the same database and server key (VAR_DIR), its own port.
    async with running_bot(make_settings(tmp_path, DATABASE_URL=database_url)) as other:
        assert other.app is not None
        services = other.app[SERVICES]  # either instance may win the race: both reach the sandbox
        await services.workspace.close()
        services.workspace = open_workspace(
            w.sandbox.graph_config(folder_wait_seconds=5.0, max_retries=2, retry_delay=0)
        )
        upload = uploads.upload_info(name)
        await asyncio.gather(_accept(w.bot, w, context, upload), _accept(other, w, context, upload))
        await w.delivered(f"material-send:{context['id']}", 1)
        # Later, on the other instance again (a replay within the day).
        await _accept(other, w, context, upload)
        sent = await w.connector.settle(0.15)
        await services.workspace.close()
    assert [body for _, body in uploads.puts] == [b"%PDF slides"]
    refusals = [s.text for s in sent if "ei ole enää voimassa" in s.text]
    assert len(refusals) == 2, [s.text for s in sent]
