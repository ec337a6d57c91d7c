"""Two workers on one PostgreSQL deliver a 1,000-message broadcast between them, each message once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.outbox import Delivery, Pacer, TeamsSender
from core.outbox import ClaimedMessage, RetryPolicy
from store import open_store
from tests.harness.running import make_settings
from tests.outbox.helpers import broadcast, person_key, running_worker, teams_sender, until_done
from tests.outbox.throttling import ThrottlingConnector
from tests.store.databases import fresh_postgres

RECIPIENTS = 1000


class Recording:
    """The real sender, noting which rows this worker sent."""

    def __init__(self, inner: TeamsSender) -> None:
        self.inner = inner
        self.keys: list[str] = []

    async def send(self, claimed: ClaimedMessage) -> Delivery:
        self.keys.append(claimed.message.key)
        return await self.inner.send(claimed)


@pytest.mark.postgres
async def test_two_workers_on_one_postgres_send_each_message_once(tmp_path: Path) -> None:
    async with fresh_postgres() as url, ThrottlingConnector(global_rate=5000.0, global_burst=200.0) as double:
        first, second = await open_store(url), await open_store(url)
        try:
            await first.enqueue(broadcast(double.url, RECIPIENTS))
            policy = RetryPolicy(base_seconds=0.05, cap_seconds=0.5)
            async with teams_sender(make_settings(tmp_path)) as sender:
                a, b = Recording(sender), Recording(sender)
                async with (
                    running_worker(first, a, pacer=Pacer(rate=400.0), policy=policy, name="worker-a"),
                    running_worker(second, b, pacer=Pacer(rate=400.0), policy=policy, name="worker-b"),
                ):
                    report = await until_done(first, "survey-1", within=60)
        finally:
            await first.close()
            await second.close()

    assert report.sent == RECIPIENTS
    assert a.keys and b.keys and not set(a.keys) & set(b.keys)  # both worked, never on the same row
    counts = Counter(sent.conversation_id for sent in double.sent)
    assert set(counts) == {person_key(i) for i in range(RECIPIENTS)} and max(counts.values()) == 1
