"""ActivityLog contract: one claim per activity id, across concurrent callers and separate stores."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from store import SqlStore, open_store


async def test_second_claim_of_the_same_activity_loses(store: SqlStore) -> None:
    assert await store.claim_activity("msteams", "a:conv", "1") is True
    assert await store.claim_activity("msteams", "a:conv", "1") is False


async def test_claims_are_per_channel_and_conversation(store: SqlStore) -> None:
    assert await store.claim_activity("msteams", "a:conv", "1") is True
    assert await store.claim_activity("msteams", "a:other", "1") is True
    assert await store.claim_activity("webchat", "a:conv", "1") is True


async def test_two_concurrent_deliveries_are_processed_once(store: SqlStore) -> None:
    results = await asyncio.gather(*(store.claim_activity("msteams", "a:conv", "dup") for _ in range(2)))
    assert sorted(results) == [False, True]


async def test_claims_written_together_each_get_their_own_answer(store: SqlStore) -> None:
    assert await store.claim_activity("msteams", "a:conv", "old") is True
    ids = ["old", "new", "old", *(f"n{i}" for i in range(450))]  # more than one batch
    results = await asyncio.gather(*(store.claim_activity("msteams", "a:conv", i) for i in ids))
    assert results[:3] == [False, True, False]
    assert all(results[3:])
    again = await asyncio.gather(*(store.claim_activity("msteams", "a:conv", i) for i in ids))
    assert not any(again)


async def test_concurrent_deliveries_to_two_instances_one_wins(store: SqlStore, database_url: str) -> None:
    other = await open_store(database_url)
    try:
        claims = [s.claim_activity("msteams", "19:c@thread.tacv2", "f:7") for s in (store, other) * 10]
        results = await asyncio.gather(*claims)
    finally:
        await other.close()
    assert results.count(True) == 1


async def test_old_claims_can_be_forgotten(store: SqlStore) -> None:
    await store.claim_activity("msteams", "a:conv", "1")
    assert await store.forget_activities_before(datetime.now(UTC) - timedelta(hours=1)) == 0
    assert await store.forget_activities_before(datetime.now(UTC) + timedelta(seconds=1)) == 1
    assert await store.claim_activity("msteams", "a:conv", "1") is True
