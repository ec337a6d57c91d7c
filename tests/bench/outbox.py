"""Broadcast throughput: 1,000 recipients under Teams' 50 messages/s app limit, against the 20 s floor.

`python -m bot` runs with its default pacing; the connector double enforces 50/s (small burst) and each
conversation's windows with 429 + Retry-After. Measured from the commit of the 1,000 outbox rows to the
1,000th request accepted; lost = recipients never reached.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from collections import Counter
from pathlib import Path

from store import open_store
from tests.bench.report import BenchRow
from tests.harness.running import bot_process
from tests.outbox.helpers import broadcast
from tests.outbox.throttling import ThrottlingConnector

RECIPIENTS = 1000
RATE = 50.0
GOAL = 1.25


async def run() -> list[BenchRow]:
    floor = RECIPIENTS / RATE
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        env = {
            "DATABASE_URL": url,
            "MicrosoftAppId": "",
            "GRAPH_BASE_URL": "https://graph.invalid/v1.0",
            "VAR_DIR": tmp,
            "LOG_LEVEL": "WARNING",
        }
        store = await open_store(url)
        try:
            async with ThrottlingConnector(global_rate=RATE, global_burst=5.0) as double, bot_process(env):
                await store.enqueue(broadcast(double.url, RECIPIENTS, name="bench"))
                started = time.perf_counter()
                with contextlib.suppress(AssertionError):  # too slow: reported below as lost messages
                    await double.wait_for(RECIPIENTS, timeout=floor * 4)
                elapsed = time.perf_counter() - started
                await asyncio.sleep(1.0)  # let the last outcomes land before reading the report
                report = await store.delivery_counts("bench")
        finally:
            await store.close()
    counts = Counter(s.conversation_id for s in double.sent)
    lost = RECIPIENTS - len(counts)
    duplicates = sum(c - 1 for c in counts.values())
    ratio = elapsed / floor
    return [
        BenchRow(
            "outbox",
            f"{RECIPIENTS} recipients at {RATE:.0f} msg/s: time vs the {floor:.0f} s floor",
            f"{elapsed:.1f} s = {ratio:.2f}x",
            goal=f"<= {GOAL}x, 0 lost",
            met=ratio <= GOAL and lost == 0,
        ),
        BenchRow(
            "outbox",
            "lost / duplicated / 429 answers / report sent",
            f"{lost} / {duplicates} / {len(double.throttled)} / {report.sent}",
        ),
    ]
