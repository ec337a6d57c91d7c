"""The service starts without the libraries only some turns need (issue 18: memory after the bench load):
msgraph-sdk, kiota, httpx and Pillow are loaded by the first Graph call or the first badge image, and then
work as before; OpenTelemetry only with Graph (kiota's) or configured traces, openpyxl by the first
workbook; Alembic (with Mako and Pygments) not at all on a new database (nor on one at head: see
tests/store/test_migrations.py). On SQLite neither SQLAlchemy's PostgreSQL dialect nor asyncpg is loaded at
all. The badge signer (`bot.badges.signing`, the key read or a development key made) waits for its first
use, and uses that arrive together share its one load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.harness.running import ROOT

# Built and started as `python -m bot` does (no request answered), then asked for one Graph operation on
# the in-process sandbox, one badge image, and one badge issued (two first uses of the signer at once).
SCRIPT = """
import asyncio, json, sys
from datetime import UTC, datetime
from pathlib import Path
from aiohttp import web
from bot.app import SERVICES, create_app
from bot.badges.images import badge_png
from bot.settings import Settings
from core.badges import Verdict, issue, verify_award
from core.people import Person

WATCHED = ("msgraph", "msgraph_core", "kiota_abstractions", "kiota_http", "httpx", "httpcore", "PIL",
           "alembic", "mako", "pygments", "openpyxl", "opentelemetry", "sqlalchemy.dialects.postgresql",
           "asyncpg", "bot.badges.signing")

def loaded():
    return sorted(name for name in WATCHED if name in sys.modules)

async def main():
    settings = Settings(_env_file=None)
    dev_key = Path(settings.var_dir) / "badge-signing-key.pem"
    runner = web.AppRunner(create_app(settings))
    await runner.setup()
    try:
        at_start = loaded()
        key_at_start = dev_key.exists()
        services = runner.app[SERVICES]
        services.graph.team_seen("team-1", "Tiimi")
        channel = await services.workspace.ensure_channel("team-1", "Verkosto")
        observed = services.metrics.registry.get_sample_value(
            "vertaisbotti_graph_requests_total", {"method": "POST", "status": "201"}
        )
        after_graph = loaded()
        badge = (await services.store.list_badge_classes())[0]
        png = badge_png(badge)
        after_image = loaded()
        first, second = await asyncio.gather(services.badges.signer(), services.badges.signer())
        now = datetime.now(UTC)
        person = await services.store.upsert_person(Person("p-1", name="Liisa", email="liisa@omnia.fi"))
        award = await issue(services.store, first, services.badges.issuer, badge, person, now)
        verdict = (await verify_award(services.store, await services.badges.signer(), award.id, now)).verdict
    finally:
        await runner.cleanup()
    return {"at_start": at_start, "channel": channel.name, "observed": observed, "after_graph": after_graph,
            "png": png[:8].hex(), "after_image": after_image, "key_at_start": key_at_start,
            "one_signer": first is second, "verdict": verdict is Verdict.VALID,
            "key_at_end": dev_key.exists(), "at_end": loaded()}

print(json.dumps(asyncio.run(main())))
"""


def test_the_service_starts_without_graph_sdk_httpx_pillow_or_the_signer_and_loads_them_on_first_use(
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
    assert not {"sqlalchemy.dialects.postgresql", "asyncpg"} & set(seen["at_end"])  # on SQLite, never
    assert "bot.badges.signing" not in seen["after_image"] and not seen["key_at_start"]
    assert seen["one_signer"] and seen["verdict"]  # two first uses, one load; the badge issued verifies
    assert "bot.badges.signing" in seen["at_end"] and seen["key_at_end"]  # the development key, made then
