"""Materials: the `materiaalit` answer for 20 networks x 50 files with 50 ms Graph latency injected.

(a) the whole answer through the running bot: a chat message posted over HTTP until the bot has sent its
card to the connector double (database, one `$batch` listing across the channels' folders, grouping, card);
(b) the Graph part alone done the plain way, one request per channel and folder level, sequentially
(`channel_folder` and a recursive `list_files` per channel): what the answer would cost without batching.
Both run in this process against the Graph sandbox through the real msgraph-sdk; the best of two rounds.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import SERVICES
from core.meetings import Meeting, Reach
from core.networks import LaunchStep, Network, NetworkStatus
from tests.bench.report import BenchRow
from tests.harness.activities import BOT_ID, MAIJA, TEAM_AAD, TENANT, personal_message
from tests.networks.conftest import open_world

NETWORKS = 20
FILES = 50
LATENCY = 0.05
ROUNDS = 2
GOAL_SPEEDUP = 5.0


async def run() -> list[BenchRow]:
    with tempfile.TemporaryDirectory() as root:
        async for world in open_world(Path(root), f"sqlite:///{Path(root) / 'bench.db'}"):
            store = world.store
            names = [f"Verkosto {n:02d}" for n in range(NETWORKS)]
            channels = world.sandbox.seed_team(TEAM_AAD, "Vertaansa vailla", names)
            start = datetime(2026, 11, 20, 15, tzinfo=UTC)
            for n, name in enumerate(names):
                key = f"verkosto-{n:02d}"
                await store.save_network(
                    Network(key, name, f"Network {n:02d}", "", "", NetworkStatus.PLANNED)
                )
                await store.record_launch(
                    key, LaunchStep.DONE, channel_id=channels[name], status=NetworkStatus.ACTIVE
                )
                meeting = Meeting(
                    uuid.uuid4().hex, key, f"Teema {n:02d}", start - timedelta(days=n), ("aad-x",), None
                )
                await store.create_meeting(meeting, Reach(world.connector.url, TENANT, BOT_ID))
                for f in range(FILES):
                    path = f"{name}/{meeting.folder_path()}/aineisto {f:02d}.pdf"
                    world.sandbox.seed_file(TEAM_AAD, path, b"%PDF-1.7", author="Aino Alustaja")
            assert world.bot.app is not None
            workspace = world.bot.app[SERVICES].workspace
            ids = [channels[name] for name in names]
            await world.say("materiaalit", MAIJA)  # warm up: catalogue, token, person
            world.sandbox.switches.latency = LATENCY
            answer = per_channel = float("inf")
            for _ in range(ROUNDS):
                before = len(world.connector.sent)
                world.sandbox.reset_counts()
                started = time.perf_counter()
                response = await world.bot.post(personal_message(world.connector.url, "materiaalit", MAIJA))
                sent = await world.connector.wait_for(before + 1)
                answer = min(answer, time.perf_counter() - started)
                assert response.status in (200, 201, 202) and sent[before].card is not None
                answer_trips = world.sandbox.round_trips
                world.sandbox.reset_counts()
                started = time.perf_counter()
                listed = 0
                for channel_id in ids:
                    folder = await workspace.channel_folder(TEAM_AAD, channel_id)
                    listed += len(await workspace.list_files(folder, recursive=True))
                per_channel = min(per_channel, time.perf_counter() - started)
                per_channel_trips = world.sandbox.round_trips
                assert listed == NETWORKS * FILES, listed
    ratio = per_channel / answer
    label = f"{NETWORKS} networks x {FILES} files, {LATENCY * 1000:.0f} ms latency"
    return [
        BenchRow("materials", f"{label}: (a) materiaalit answer, s", f"{answer:.3f}"),
        BenchRow("materials", f"{label}: (b) one request per channel, s", f"{per_channel:.3f}"),
        BenchRow(
            "materials",
            "Graph round trips: (a) answer / (b) per channel",
            f"{answer_trips} / {per_channel_trips}",
        ),
        BenchRow(
            "materials",
            "speed-up b/a (answer incl. database and card vs Graph listing alone)",
            f"{ratio:.1f}x",
            f">= {GOAL_SPEEDUP:.0f}x",
            ratio >= GOAL_SPEEDUP,
        ),
    ]
