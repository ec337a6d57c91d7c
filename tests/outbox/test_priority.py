"""Priority: a reminder queued after a broadcast to 300 people goes out first, whether it was queued
before the worker looked or while the broadcast's rows were already in hand; the pacing holds."""

from __future__ import annotations

from pathlib import Path

from bot.outbox import Pacer
from core.outbox import OutgoingMessage, Priority, Target
from store import SqlStore
from tests.harness.running import make_settings
from tests.outbox.helpers import broadcast, delivering, until_done
from tests.outbox.throttling import ThrottlingConnector


def bulk(service_url: str, count: int = 300) -> list[OutgoingMessage]:
    return [
        OutgoingMessage(m.key, m.broadcast, m.recipient, m.target, m.activity, Priority.BULK)
        for m in broadcast(service_url, count)
    ]


def reminder(service_url: str) -> OutgoingMessage:
    target = Target("conversation", service_url, conversation_id="a:reminded", tenant_id="tenant-1")
    activity = {"type": "message", "text": "Tapaaminen on huomenna"}
    return OutgoingMessage("meeting-1:reminder", "reminder", "aad-r", target, activity, Priority.URGENT)


async def test_the_store_claims_the_most_urgent_first(store: SqlStore) -> None:
    url = "https://smba.example/teams/"
    await store.enqueue(bulk(url))
    await store.enqueue([reminder(url)])
    first, *rest = await store.claim_due("w1", 10, 30.0)
    assert first.message.key == "meeting-1:reminder" and first.message.priority is Priority.URGENT
    assert [r.message.key for r in rest] == [f"survey-1:{i}" for i in range(9)]  # then in queue order
    assert {r.message.priority for r in rest} == {Priority.BULK}


async def test_a_reminder_queued_after_a_broadcast_goes_out_first(
    sqlite_store: SqlStore, throttling: ThrottlingConnector, tmp_path: Path
) -> None:
    await sqlite_store.enqueue(bulk(throttling.url))
    await sqlite_store.enqueue([reminder(throttling.url)])
    async with delivering(sqlite_store, make_settings(tmp_path), pacer=Pacer(rate=1000.0)):
        await throttling.wait_for(1)
    assert throttling.sent[0].conversation_id == "a:reminded"


async def test_a_reminder_overtakes_the_broadcast_rows_already_in_hand(
    sqlite_store: SqlStore, throttling: ThrottlingConnector, tmp_path: Path
) -> None:
    await sqlite_store.enqueue(bulk(throttling.url))
    # 200 a second: the worker holds a second's worth (200 rows) waiting for their slots
    async with delivering(sqlite_store, make_settings(tmp_path), pacer=Pacer(rate=200.0)) as worker:
        await throttling.wait_for(20)
        await sqlite_store.enqueue([reminder(throttling.url)])
        worker.wake()
        report = await until_done(sqlite_store, "survey-1")
        await until_done(sqlite_store, "reminder")
    order = [s.conversation_id for s in throttling.sent]
    assert report.sent == 300 and len(order) == 301 and throttling.throttled == []
    # Behind the 200 rows in hand it would be about 220th; by priority it goes as soon as it is claimed.
    assert order.index("a:reminded") < 100, order.index("a:reminded")
