"""A broadcast survives SIGKILL: `python -m bot` killed half-way through 1,000 messages and started again."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from store import open_store
from tests.harness.running import bot_process
from tests.outbox.helpers import broadcast, person_key, until_done
from tests.outbox.throttling import ThrottlingConnector

RECIPIENTS = 400  # at Teams' 50/s: a kill 4 s in, as many seconds again after the restart


@pytest.mark.slow
async def test_a_killed_service_loses_nothing_and_repeats_at_most_what_was_in_flight(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    env = {
        "DATABASE_URL": url,
        "MicrosoftAppId": "",
        "GRAPH_BASE_URL": "https://graph.invalid/v1.0",
        "VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
    }
    store = await open_store(url)
    try:
        # Teams' own app-wide limit (50/s) is what the service paces to by default; the double enforces it.
        async with ThrottlingConnector(global_rate=50.0, global_burst=5.0) as double:
            await store.enqueue(broadcast(double.url, RECIPIENTS))
            async with bot_process(env) as (_, process):
                await double.wait_for(RECIPIENTS // 2, timeout=60)
                process.kill()  # SIGKILL: no shutdown, no lease given back
                process.wait()
            async with store.engine.connect() as conn:
                in_flight = (
                    await conn.execute(text("SELECT count(*) FROM outbox WHERE state = 'sending'"))
                ).scalar_one()
            before_restart = len(double.sent)
            assert before_restart < RECIPIENTS

            async with bot_process(env):
                report = await until_done(store, "survey-1", within=90)
    finally:
        await store.close()

    assert report.sent == RECIPIENTS and report.failed == {}
    counts = Counter(sent.conversation_id for sent in double.sent)
    assert set(counts) == {person_key(i) for i in range(RECIPIENTS)}  # everyone got it
    duplicates = sum(count - 1 for count in counts.values())
    assert duplicates <= in_flight  # only rows claimed at the kill can have gone twice
