"""The worker and the real sender against a throttling connector double: pacing, retries, terminal failures,
dead letters, new chats and channel posts, and rows given back on stop."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from bot.outbox import Pacer
from core.errors import Unavailable
from core.outbox import TEAMS_THREAD_WINDOWS, OutgoingMessage, Reason, RetryPolicy, Target, window_delay
from store import SqlStore, open_store
from tests.harness.running import make_settings
from tests.outbox.helpers import broadcast, delivering, person_key, until_done
from tests.outbox.throttling import ThrottlingConnector

FAST = RetryPolicy(max_attempts=4, base_seconds=0.02, cap_seconds=0.2)


def within_windows(times: list[float], windows) -> bool:  # type: ignore[no-untyped-def]
    return all(window_delay(times[:i], t + 1e-6, windows) == 0.0 for i, t in enumerate(times))


async def test_one_conversation_is_paced_to_teams_thread_limits(
    sqlite_store: SqlStore, throttling: ThrottlingConnector, tmp_path: Path
) -> None:
    target = Target("conversation", throttling.url, conversation_id="a:busy-chat")
    messages = [
        OutgoingMessage(f"reminder:{i}", "reminders", "aad-1", target, {"type": "message", "text": f"#{i}"})
        for i in range(10)
    ]
    await sqlite_store.enqueue(messages)
    async with delivering(sqlite_store, make_settings(tmp_path), pacer=Pacer(rate=200.0), policy=FAST):
        report = await until_done(sqlite_store, "reminders")
    assert report.sent == 10
    assert throttling.throttled == []  # the bot never went over 7/1 s or 8/2 s, so Teams never said 429
    times = throttling.accepted["a:busy-chat"]
    assert within_windows(times, TEAMS_THREAD_WINDOWS) and times[-1] - times[0] >= 2.0
    assert sorted(s.text for s in throttling.sent) == sorted(f"#{i}" for i in range(10))


async def test_the_app_wide_rate_is_kept(sqlite_store: SqlStore, tmp_path: Path) -> None:
    async with ThrottlingConnector(global_rate=100.0, global_burst=2.0) as double:
        await sqlite_store.enqueue(broadcast(double.url, 80))
        async with delivering(sqlite_store, make_settings(tmp_path), pacer=Pacer(rate=100.0), policy=FAST):
            report = await until_done(sqlite_store, "survey-1")
    assert report.sent == 80 and len(double.sent) == 80
    # Unpaced, 80 sends into a bucket of 2 refilled at 100/s are nearly all refused. Paced, only arrival
    # jitter costs a stray 429 (a loaded machine bunches a few requests into one 10 ms slot): a tenth at most.
    assert len(double.throttled) <= 8
    accepted = sorted(t for times in double.accepted.values() for t in times)
    assert (len(accepted) - 1) / (accepted[-1] - accepted[0]) <= 100.0 * 1.05
    assert sorted(s.conversation_id for s in double.sent) == [person_key(i) for i in range(80)]


async def test_throttling_is_retried_after_retry_after_and_nothing_is_lost(
    sqlite_store: SqlStore, tmp_path: Path
) -> None:
    async with ThrottlingConnector(global_rate=40.0, global_burst=1.0) as double:
        await sqlite_store.enqueue(broadcast(double.url, 60))
        policy = RetryPolicy(max_attempts=20, base_seconds=0.02, cap_seconds=0.2)
        async with delivering(sqlite_store, make_settings(tmp_path), pacer=Pacer(rate=400.0), policy=policy):
            report = await until_done(sqlite_store, "survey-1")
    assert report.sent == 60 and report.failed == {}
    assert double.throttled, "the double should have throttled a bot sending 10x its rate"
    counts = Counter(s.conversation_id for s in double.sent)
    assert set(counts) == {person_key(i) for i in range(60)} and max(counts.values()) == 1
    for throttle in double.throttled:  # every retry came no sooner than Retry-After said
        later = [t for t in double.accepted[throttle.key] if t > throttle.at]
        assert later and later[0] - throttle.at >= throttle.retry_after - 0.005


async def test_transient_errors_are_retried(
    sqlite_store: SqlStore, throttling: ThrottlingConnector, tmp_path: Path
) -> None:
    throttling.script(person_key(0), [412, 502, 504])
    throttling.script(person_key(1), [503])
    await sqlite_store.enqueue(broadcast(throttling.url, 3))
    async with delivering(sqlite_store, make_settings(tmp_path), policy=FAST):
        report = await until_done(sqlite_store, "survey-1")
    assert report.sent == 3
    assert throttling.refused[person_key(0)] == [412, 502, 504]
    assert [throttling.requests_for(person_key(i)) for i in range(3)] == [4, 2, 1]


async def test_blocked_and_gone_recipients_are_not_retried_and_are_reported(
    sqlite_store: SqlStore, throttling: ThrottlingConnector, tmp_path: Path
) -> None:
    throttling.answer(person_key(1), 403)  # blocked the bot
    throttling.answer(person_key(2), 404)  # uninstalled: the conversation is gone
    throttling.answer(person_key(3), 400)  # a message Teams will never take
    await sqlite_store.enqueue(broadcast(throttling.url, 5))
    async with delivering(sqlite_store, make_settings(tmp_path), policy=FAST):
        report = await until_done(sqlite_store, "survey-1")
    assert report.sent == 2
    assert report.failed == {Reason.UNREACHABLE: 2, Reason.REJECTED: 1}
    assert [(m.recipient, m.reason) for m in report.not_reached] == [
        ("aad-1", Reason.UNREACHABLE),
        ("aad-2", Reason.UNREACHABLE),
        ("aad-3", Reason.REJECTED),
    ]
    assert [throttling.requests_for(person_key(i)) for i in (1, 2, 3)] == [1, 1, 1]


async def test_a_message_that_keeps_failing_is_dead_lettered(
    sqlite_store: SqlStore, throttling: ThrottlingConnector, tmp_path: Path
) -> None:
    throttling.answer(person_key(0), 502)
    await sqlite_store.enqueue(broadcast(throttling.url, 2))
    async with delivering(sqlite_store, make_settings(tmp_path), policy=FAST):
        report = await until_done(sqlite_store, "survey-1")
    assert report.sent == 1 and report.failed == {Reason.EXHAUSTED: 1}
    assert throttling.requests_for(person_key(0)) == FAST.max_attempts
    assert "502" in (report.not_reached[0].error or "")


async def test_a_person_never_messaged_gets_a_new_chat_once(
    sqlite_store: SqlStore, throttling: ThrottlingConnector, tmp_path: Path
) -> None:
    throttling.script("a:personal-1", [502])  # the first chat created: its first send fails
    await sqlite_store.enqueue(broadcast(throttling.url, 1, kind="person"))
    settings = make_settings(tmp_path)
    async with delivering(sqlite_store, settings, on_new_chat=sqlite_store.save_conversation, policy=FAST):
        report = await until_done(sqlite_store, "survey-1")
    assert report.sent == 1
    creates = [s for s in throttling.sent if s.path == "/v3/conversations"]
    assert len(creates) == 1  # the retry went to the chat created the first time
    assert creates[0].body["members"] == [{"id": "aad-0"}]
    assert creates[0].body["channelData"] == {"tenant": {"id": "tenant-1"}}
    assert throttling.sent[-1].conversation_id == "a:personal-1"
    assert throttling.sent[-1].text.startswith("Kartoitus on auki")
    saved = await sqlite_store.personal_conversation("aad-0")
    assert saved is not None and saved.conversation_id == "a:personal-1"


async def test_a_channel_post_starts_a_thread(
    sqlite_store: SqlStore, throttling: ThrottlingConnector, tmp_path: Path
) -> None:
    channel = "19:hr-verkosto@thread.tacv2"
    target = Target("channel", throttling.url, conversation_id=channel, tenant_id="tenant-1")
    notice = {"type": "message", "text": "Uusia materiaaleja"}
    await sqlite_store.enqueue([OutgoingMessage("materials:1", "materials", "HR-kehittäjät", target, notice)])
    async with delivering(sqlite_store, make_settings(tmp_path), policy=FAST):
        report = await until_done(sqlite_store, "materials")
    assert report.sent == 1
    [post] = throttling.sent
    assert post.path == "/v3/conversations" and post.body["isGroup"] is True
    assert post.body["channelData"]["channel"]["id"] == channel
    assert post.body["activity"]["text"] == "Uusia materiaaleja"


async def test_stopping_gives_unsent_rows_back(
    sqlite_store: SqlStore, throttling: ThrottlingConnector, tmp_path: Path
) -> None:
    await sqlite_store.enqueue(broadcast(throttling.url, 20))
    async with delivering(sqlite_store, make_settings(tmp_path), pacer=Pacer(rate=10.0)):
        await throttling.wait_for(3)
    report = await sqlite_store.delivery_counts("survey-1")
    assert report.sent == len(throttling.sent) and report.pending == 20 - report.sent
    rows = await sqlite_store.claim_due("next", 50, 30.0)
    assert len(rows) == report.pending and all(row.attempts == 1 for row in rows)  # no attempt was spent


class FlakyStore:
    """The real store, failing its first claims and outcome writes as a database that went away would."""

    def __init__(self, inner: SqlStore, claims: int, records: int) -> None:
        self.inner, self.claims, self.records = inner, claims, records

    async def claim_due(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.claims:
            self.claims -= 1
            raise Unavailable("store.error.unavailable")
        return await self.inner.claim_due(*args, **kwargs)

    async def record_outcomes(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.records:
            self.records -= 1
            raise Unavailable("store.error.unavailable")
        return await self.inner.record_outcomes(*args, **kwargs)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)


async def test_a_database_outage_delays_delivery_but_loses_and_repeats_nothing(
    sqlite_store: SqlStore, throttling: ThrottlingConnector, tmp_path: Path
) -> None:
    flaky = FlakyStore(sqlite_store, claims=2, records=2)
    await sqlite_store.enqueue(broadcast(throttling.url, 5))
    async with delivering(flaky, make_settings(tmp_path), policy=FAST, db_retry_seconds=0.1):  # type: ignore[arg-type]
        report = await until_done(sqlite_store, "survey-1")
    assert report.sent == 5 and (flaky.claims, flaky.records) == (0, 0)
    assert sorted(s.conversation_id for s in throttling.sent) == [person_key(i) for i in range(5)]


async def test_two_instances_share_the_app_wide_rate(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first, second = await open_store(url), await open_store(url)
    try:
        async with ThrottlingConnector(global_rate=50.0, global_burst=5.0) as double:
            await first.enqueue(broadcast(double.url, 150))
            async with (
                delivering(first, make_settings(tmp_path), name="instance-1"),
                delivering(second, make_settings(tmp_path), name="instance-2"),
            ):
                report = await until_done(first, "survey-1")
    finally:
        await first.close()
        await second.close()
    assert report.sent == 150 and len(double.sent) == 150
    # Each at Teams' full 50/s would draw a 429 for most messages; sharing keeps them to a handful.
    assert len(double.throttled) < 15, len(double.throttled)


class SlowOutcomeStore:
    """The real store, whose outcome writes take a while (a busy database): stopping lands mid-write."""

    def __init__(self, inner: SqlStore) -> None:
        self.inner = inner

    async def record_outcomes(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.3)
        return await self.inner.record_outcomes(*args, **kwargs)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)


async def test_stopping_during_an_outcome_write_loses_no_outcome(
    sqlite_store: SqlStore, throttling: ThrottlingConnector, tmp_path: Path
) -> None:
    await sqlite_store.enqueue(broadcast(throttling.url, 3))
    slow = SlowOutcomeStore(sqlite_store)
    async with delivering(slow, make_settings(tmp_path), policy=FAST):  # type: ignore[arg-type]
        await throttling.wait_for(3)
        await asyncio.sleep(0.1)  # the flush loop is now inside its slow write
    report = await sqlite_store.delivery_counts("survey-1")
    assert (report.sent, report.pending) == (3, 0)


class HeldOutcomeStore:
    """The real store, whose outcome writes wait until the test lets them through (SQLite's writer busy
    with other turns' transactions)."""

    def __init__(self, inner: SqlStore) -> None:
        self.inner = inner
        self.open = asyncio.Event()

    async def record_outcomes(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        await self.open.wait()
        return await self.inner.record_outcomes(*args, **kwargs)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)


async def test_sending_goes_on_while_outcomes_wait_to_be_stored(
    sqlite_store: SqlStore, throttling: ThrottlingConnector, tmp_path: Path
) -> None:
    """A sent row stops taking room in the hand before its outcome is stored; the rows held (sent or not)
    stay under two hands, and once outcomes are stored again every message has gone exactly once."""
    pacer = Pacer(rate=100.0)  # a hand of 100 rows
    await sqlite_store.enqueue(broadcast(throttling.url, 250))
    held = HeldOutcomeStore(sqlite_store)
    async with delivering(held, make_settings(tmp_path), policy=FAST, pacer=pacer):  # type: ignore[arg-type]
        try:
            await throttling.wait_for(150)  # half as many again as a hand, and no outcome stored yet
            backlog = await sqlite_store.backlog()
        finally:
            held.open.set()  # (stopping the worker stores its outcomes)
        assert 150 <= backlog.sending <= 200 and backlog.due == 250 - backlog.sending
        report = await until_done(sqlite_store, "survey-1")
    assert report.sent == 250
    assert Counter(s.conversation_id for s in throttling.sent) == Counter(person_key(i) for i in range(250))
