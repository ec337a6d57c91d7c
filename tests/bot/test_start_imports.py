"""The service starts without the libraries only some turns need (issue 18: memory after the bench load):
msgraph-sdk, kiota, httpx and Pillow are loaded by the first Graph call or the first badge image, and then
work as before; OpenTelemetry only with Graph (kiota's) or configured traces, openpyxl by the first
workbook; Alembic (with Mako and Pygments) not at all on a new database (nor on one at head: see
tests/store/test_migrations.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.harness.running import ROOT

# Built and started as `python -m bot` does (no request answered), then asked for one Graph operation on
# the in-process sandbox and one badge image.
SCRIPT = """
import asyncio, json, sys
from aiohttp import web
from bot.app import SERVICES, create_app
from bot.badges.images import badge_png
from bot.settings import Settings

WATCHED = ("msgraph", "msgraph_core", "kiota_abstractions", "kiota_http", "httpx", "httpcore", "PIL",
           "alembic", "mako", "pygments", "openpyxl", "opentelemetry")

def loaded():
    return sorted(name for name in WATCHED if name in sys.modules)

async def main():
    runner = web.AppRunner(create_app(Settings(_env_file=None)))
    await runner.setup()
    try:
        at_start = loaded()
        services = runner.app[SERVICES]
        services.graph.team_seen("team-1", "Tiimi")
        channel = await services.workspace.ensure_channel("team-1", "Verkosto")
        observed = services.metrics.registry.get_sample_value(
            "vertaisbotti_graph_requests_total", {"method": "POST", "status": "201"}
        )
        after_graph = loaded()
        badge = (await services.store.list_badge_classes())[0]
        png = badge_png(badge)
    finally:
        await runner.cleanup()
    return {"at_start": at_start, "channel": channel.name, "observed": observed, "after_graph": after_graph,
            "png": png[:8].hex(), "at_end": loaded()}

print(json.dumps(asyncio.run(main())))
"""


def test_the_service_starts_without_graph_sdk_httpx_or_pillow_and_loads_them_on_first_use(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "VAR_DIR": str(tmp_path / "var"),
        "MANAGEMENT_PORT": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["at_start"] == []
    assert seen["channel"] == "Verkosto" and seen["observed"] == 1.0  # the observer still told of it
    assert {"msgraph", "kiota_http", "httpx"} <= set(seen["after_graph"]) and "PIL" not in seen["after_graph"]
    assert seen["png"] == "89504e470d0a1a0a" and "PIL" in seen["at_end"]
    assert not {"alembic", "mako", "pygments"} & set(seen["at_end"])  # the new database was created, stamped
    assert "openpyxl" not in seen["at_end"]  # loaded by the first workbook only
