"""Outbox queries on SQLite and PostgreSQL: idempotent, transactional, exclusive claims, leases, report."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text

from core.errors import NotFound
from core.outbox import Outcome, OutgoingMessage, Reason, State, Target, delivery_report
from store import SqlStore
from store.base import utcnow
from tests.outbox.helpers import broadcast

URL = "http://connector.invalid/"


async def test_enqueue_is_idempotent_by_key(store: SqlStore) -> None:
    assert await store.enqueue(broadcast(URL, 5)) == 5
    assert await store.enqueue(broadcast(URL, 7)) == 2  # the first five keys are already queued
    report = await store.delivery_counts("survey-1")
    assert (report.sent, report.pending, report.total) == (0, 7, 7)


async def test_a_large_enqueue_counts_only_new_keys(store: SqlStore) -> None:
    """More rows than SQLAlchemy writes in one multi-row INSERT; keys queued before, or twice in the same
    call, are written once and not counted again."""
    assert await store.enqueue(broadcast(URL, 700)) == 700
    again = broadcast(URL, 2500)
    assert await store.enqueue([*again, again[-1]]) == 1800
    report = await store.delivery_counts("survey-1")
    assert (report.pending, report.total) == (2500, 2500)
    [claimed] = await store.claim_due("w-1", 1, 30.0)
    assert claimed.message == again[0]


async def test_the_activity_is_stored_as_the_text_the_message_encoded(store: SqlStore) -> None:
    """The message encodes its activity once (for the size check); the outbox stores that text as it is, a
    JSON value when read back (an encoder of its own would write other text: `ä` as `\\u00e4`)."""
    message = OutgoingMessage(
        "k-1", "b", "r", Target("person", URL, user_id="aad-1"), {"text": "Hyvää päivää"}
    )
    assert await store.enqueue([message]) == 1
    async with store.engine.connect() as conn:
        query = text("SELECT CAST(activity AS TEXT) FROM outbox WHERE key = 'k-1'")
        stored = (await conn.execute(query)).scalar_one()
    assert stored == message.activity_json == '{"text": "Hyvää päivää"}'
    [claimed] = await store.claim_due("w-1", 1, 30.0)
    assert claimed.message == message and claimed.message.activity == {"text": "Hyvää päivää"}


async def test_enqueue_commits_or_rolls_back_with_the_domain_change(store: SqlStore) -> None:
    async def change(conn) -> None:  # type: ignore[no-untyped-def]
        await conn.execute(
            text("INSERT INTO teams (team_id, service_url, updated_at) VALUES ('t-1', :u, :at)"),
            {"u": URL, "at": utcnow()},
        )

    await store.enqueue(broadcast(URL, 2, name="ok"), together_with=change)
    assert await store.get_team("t-1") is not None
    assert (await store.delivery_counts("ok")).total == 2

    async def failing(conn) -> None:  # type: ignore[no-untyped-def]
        await change(conn)  # the same team again: primary key violation

    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        await store.enqueue(broadcast(URL, 2, name="rolled-back"), together_with=failing)
    assert (await store.delivery_counts("rolled-back")).total == 0


async def test_claims_never_overlap(store: SqlStore) -> None:
    await store.enqueue(broadcast(URL, 60))
    batches = await asyncio.gather(*(store.claim_due(f"w{i}", 15, 30.0) for i in range(6)))
    ids = [claimed.id for batch in batches for claimed in batch]
    assert len(ids) == len(set(ids)) == 60
    assert all(claimed.attempts == 1 for batch in batches for claimed in batch)
    assert await store.claim_due("late", 10, 30.0) == []


async def test_an_expired_lease_makes_the_row_due_again(store: SqlStore) -> None:
    await store.enqueue(broadcast(URL, 1))
    [first] = await store.claim_due("dead-worker", 5, 30.0)
    assert await store.claim_due("other", 5, 30.0) == []
    # The lease runs out (set in the past, so that no clock race on a loaded machine decides the test).
    await store.renew_leases("dead-worker", [first.id], -1.0)
    [again] = await store.claim_due("other", 5, 30.0)
    assert again.id == first.id and again.attempts == 2
    # The worker that lost the lease cannot overwrite the new holder's outcome.
    late = Outcome(first.id, State.SENT, utcnow())
    assert await store.record_outcomes("dead-worker", [late]) == 0
    assert await store.record_outcomes("other", [late]) == 1
    assert (await store.delivery_counts("survey-1")).sent == 1


async def test_outcomes_retry_release_fail_and_report(store: SqlStore) -> None:
    await store.enqueue(broadcast(URL, 5))
    rows = await store.claim_due("w", 5, 30.0)
    now = utcnow()
    later = now + timedelta(hours=1)
    outcomes = [
        Outcome(rows[0].id, State.SENT, now, activity_id="act-1"),
        Outcome(rows[1].id, State.PENDING, later, error="429 throttled"),
        Outcome(rows[2].id, State.PENDING, now, refund_attempt=True),
        Outcome(rows[3].id, State.FAILED, now, reason=Reason.UNREACHABLE, error="403 blocked"),
        Outcome(rows[4].id, State.DEAD, now, reason=Reason.EXHAUSTED, error="502 x8"),
    ]
    assert await store.record_outcomes("w", outcomes) == 5
    [due] = await store.claim_due("w", 5, 30.0)  # the retry is an hour away; the released row is due
    assert due.id == rows[2].id and due.attempts == 1  # its attempt was given back
    report = await store.delivery_counts("survey-1")
    assert (report.sent, report.pending) == (1, 2)
    assert report.failed == {Reason.UNREACHABLE: 1, Reason.EXHAUSTED: 1}
    assert [(m.recipient, m.reason) for m in report.not_reached] == [
        ("aad-3", Reason.UNREACHABLE),
        ("aad-4", Reason.EXHAUSTED),
    ]
    assert report.not_reached[0].error == "403 blocked"


async def test_report_of_an_unknown_broadcast_is_not_found(store: SqlStore) -> None:
    with pytest.raises(NotFound) as raised:
        await delivery_report(store, "nothing-like-this")
    assert raised.value.key == "outbox.error.unknown_broadcast"


async def test_active_workers_are_those_holding_live_claims(store: SqlStore) -> None:
    assert await store.active_workers() == 0
    await store.enqueue(broadcast(URL, 4))
    await store.claim_due("a", 2, 30.0)
    [held] = await store.claim_due("b", 1, 30.0)
    assert await store.active_workers() == 2
    await store.renew_leases("b", [held.id], -1.0)  # b's lease ran out: b is gone
    assert await store.active_workers() == 1
