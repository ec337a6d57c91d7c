"""Graph: listing the files of 20 networks' channels with `$batch` against one request per channel.

Both run in this process against the Graph sandbox through the real msgraph-sdk: (a) one `children` request
per channel, sequentially, with every channel folder already known (the cheapest per-channel baseline);
(b) `list_files_of_channels`, which batches the channels' `filesFolder` and then their `children`. Round trips
are counted by the sandbox; the speed ratio is measured with 50 ms of latency injected per request.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from graph import open_workspace
from graph.sandbox import start_sandbox
from tests.bench.report import BenchRow

TEAM = "bench-team"
CHANNELS = 20
LATENCY = 0.05
ROUNDS = 3


async def run() -> list[BenchRow]:
    with tempfile.TemporaryDirectory() as root:
        sandbox = await start_sandbox(Path(root))
        names = [f"Verkosto {n:02}" for n in range(CHANNELS)]
        ids = sandbox.seed_team(TEAM, "Vertaansa vailla", names)
        for n, name in enumerate(names):
            for k in range(5):
                sandbox.seed_file(TEAM, f"{name}/aineisto {k}.pdf", b"x" * (n + k))
        channel_ids = [ids[name] for name in names]
        workspace = open_workspace(sandbox.graph_config())
        try:
            folders = [await workspace.channel_folder(TEAM, c) for c in channel_ids]
            sandbox.reset_counts()
            listed = await workspace.list_files_of_channels(TEAM, channel_ids)
            round_trips = sandbox.round_trips
            assert sum(len(files) for files in listed.values()) == CHANNELS * 5

            sandbox.switches.latency = LATENCY
            per_channel = batched = float("inf")
            for _ in range(ROUNDS):
                started = time.perf_counter()
                for folder in folders:
                    await workspace.list_files(folder, recursive=False)
                per_channel = min(per_channel, time.perf_counter() - started)
                started = time.perf_counter()
                await workspace.list_files_of_channels(TEAM, channel_ids)
                batched = min(batched, time.perf_counter() - started)
        finally:
            await workspace.close()
            await sandbox.stop()
    ratio = per_channel / batched
    return [
        BenchRow(
            "graph",
            f"files of {CHANNELS} channels: Graph round trips",
            str(round_trips),
            "<= 2",
            round_trips <= 2,
        ),
        BenchRow(
            "graph", f"{LATENCY * 1000:.0f} ms latency: (a) one request per channel, s", f"{per_channel:.3f}"
        ),
        BenchRow("graph", f"{LATENCY * 1000:.0f} ms latency: (b) $batch listing, s", f"{batched:.3f}"),
        BenchRow(
            "graph", f"{LATENCY * 1000:.0f} ms latency: speed-up a/b", f"{ratio:.1f}x", ">= 5x", ratio >= 5
        ),
    ]
