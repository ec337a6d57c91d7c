"""Turn throughput: the stock botbuilder echo bot against Vertaisbotti answering `help` with its card.

Both run at once and are driven in alternating rounds (tests/bench/load.py `alternating`), so the load
other work puts on the machine weighs on both alike."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.bench.load import LoadResult, alternating, server
from tests.bench.report import BenchRow
from tests.harness import activities as a
from tests.harness.connector import ConnectorDouble

SECONDS = 8.0
CONCURRENCY = 16
GOAL = 6.0  # issue 18: ahead of a bare Agents SDK echo (4.0-5.6x) while doing the real work
MEMORY_GOAL_MIB = 120.0


def _rows(name: str, result: LoadResult, rss: float) -> list[BenchRow]:
    return [
        BenchRow("turns", f"{name}: turns/s", f"{result.rate:.0f}"),
        BenchRow("turns", f"{name}: p50 / p99 latency", f"{result.p50_ms:.1f} ms / {result.p99_ms:.1f} ms"),
        BenchRow("turns", f"{name}: errors, resident memory after load", f"{result.errors}, {rss:.0f} MiB"),
    ]


async def run() -> list[BenchRow]:
    rows: list[BenchRow] = []
    async with ConnectorDouble() as connector:

        def message(text: str):
            return lambda i: a.personal_message(connector.url, text, id=f"bench-{text}-{i}")

        with tempfile.TemporaryDirectory() as tmp:
            env = {"DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}", "VAR_DIR": tmp}
            async with server(["tests.bench.echo_bot", "{port}"]) as echo, server(["bot"], env) as ours:
                at_start = ours.memory()
                stock, result = await alternating(
                    [
                        (echo.url + "/api/messages", message("hei")),
                        (ours.url + "/api/messages", message("help")),
                    ],
                    seconds=SECONDS,
                    concurrency=CONCURRENCY,
                )
                after = ours.memory()
                rss = after.resident
                echo_after = echo.memory()
                rows += _rows("(a) stock CloudAdapter echo", stock, echo_after.resident)
                rows += _rows("(b) Vertaisbotti help card", result, rss)
        replies_with_card = sum(1 for sent in connector.sent if sent.card)
    ratio = result.rate / stock.rate if stock.rate else 0.0
    rows.append(BenchRow("turns", "ratio b/a (turns/s)", f"{ratio:.2f}x", f">= {GOAL:.1f}x", ratio >= GOAL))
    rows.append(
        BenchRow(
            "turns",
            "(b) resident memory after the help load",
            f"{rss:.0f} MiB",
            f"< {MEMORY_GOAL_MIB:.0f} MiB",
            rss < MEMORY_GOAL_MIB,
        )
    )
    start = f"{at_start.resident:.0f} MiB"
    rows.append(BenchRow("turns", "(b) resident memory at start, before any turn", start))
    for name, memory in (("(a)", echo_after), ("(b)", after)):
        split = f"{memory.anonymous:.0f} MiB / {memory.file_backed:.0f} MiB"
        rows.append(BenchRow("turns", f"{name} after the load: private (heap) / mapped files", split))
    rows.append(BenchRow("turns", "(b) replies that carried the help card", f"{replies_with_card}"))
    return rows
