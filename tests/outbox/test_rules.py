"""The delivery rules as pure functions: verdicts, backoff, windows, pacing, and bad messages refused."""

from __future__ import annotations

import asyncio
import random

import pytest

from bot.outbox.pacing import Pacer
from core.errors import Invalid
from core.outbox import (
    TEAMS_THREAD_WINDOWS,
    OutgoingMessage,
    RetryPolicy,
    Target,
    Verdict,
    verdict_for,
    window_delay,
)


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (200, Verdict.SENT),
        (201, Verdict.SENT),
        (429, Verdict.RETRY),
        (412, Verdict.RETRY),
        (502, Verdict.RETRY),
        (504, Verdict.RETRY),
        (503, Verdict.RETRY),
        (None, Verdict.RETRY),
        (403, Verdict.UNREACHABLE),
        (404, Verdict.UNREACHABLE),
        (400, Verdict.REJECTED),
        (413, Verdict.REJECTED),
    ],
)
def test_verdicts(status: int | None, verdict: Verdict) -> None:
    assert verdict_for(status) is verdict


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(base_seconds=1.0, cap_seconds=20.0)
    rng = random.Random(7)
    for attempts in range(1, 10):
        ceiling = min(20.0, 2 ** (attempts - 1))
        delays = {policy.delay(attempts, None, rng) for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jittered, not lockstep


def test_backoff_honours_retry_after() -> None:
    policy = RetryPolicy(base_seconds=0.01)
    rng = random.Random(1)
    delays = [policy.delay(1, 7.0, rng) for _ in range(50)]
    assert all(7.0 <= d <= 8.0 for d in delays)
    assert policy.exhausted(policy.max_attempts) and not policy.exhausted(policy.max_attempts - 1)


def test_window_delay_follows_teams_thread_limits() -> None:
    assert window_delay([], 0.0, TEAMS_THREAD_WINDOWS) == 0.0
    seven = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    assert window_delay(seven, 0.6, TEAMS_THREAD_WINDOWS) == pytest.approx(0.4)  # 7 per second
    eight = [*seven, 1.0]
    assert window_delay(eight, 1.0, TEAMS_THREAD_WINDOWS) == pytest.approx(1.0)  # 8 per 2 s
    sixty = [i * 0.25 for i in range(60)]
    assert window_delay(sixty, 15.0, TEAMS_THREAD_WINDOWS) == pytest.approx(15.0)  # 60 per 30 s


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_pacer_spaces_the_whole_app_without_bursts_after_a_stall() -> None:
    clock = FakeClock()
    pacer = Pacer(rate=50.0, clock=clock)
    assert pacer.app_wait() == 0.0
    pacer.take("a")  # after idling: half an interval
    assert pacer.app_wait() == pytest.approx(0.01)
    clock.now += 0.01
    pacer.take("a")  # on schedule: a whole interval
    assert pacer.app_wait() == pytest.approx(0.02)
    clock.now += 0.021  # a little late: the next gap is shortened so the rate holds on average
    pacer.take("b")
    assert pacer.app_wait() == pytest.approx(0.019)
    clock.now += 5.0  # a stalled loop: no catch-up burst, at most half an interval early
    pacer.take("c")
    assert pacer.app_wait() == pytest.approx(0.01)
    pacer.pause(3.0)
    assert pacer.app_wait() == pytest.approx(3.0)
    pacer.share(2)  # two instances sending: each takes half the app's rate
    assert pacer.rate == pytest.approx(25.0)
    pacer.share(0)
    assert pacer.rate == pytest.approx(50.0)
    with pytest.raises(ValueError):
        Pacer(rate=0)


def test_pacer_keeps_each_conversation_in_its_windows_with_a_margin() -> None:
    clock = FakeClock()
    pacer = Pacer(rate=1000.0, margin=0.05, clock=clock)
    for _ in range(7):
        pacer.take("chat")
        clock.now += 0.1
    assert pacer.thread_wait("chat") == pytest.approx(1.05 - 0.7)  # 7 per second, plus the margin
    assert pacer.thread_wait("other") == 0.0
    clock.now += 0.35
    pacer.take("chat")  # the 8th: now 8 in 2 s
    assert pacer.thread_wait("chat") == pytest.approx(2.05 - 1.05)


async def test_acquire_lets_a_message_go_defers_a_full_chat_and_stops() -> None:
    pacer = Pacer(rate=1000.0, defer_after=0.5)
    stopping = asyncio.Event()
    for _ in range(7):
        assert await pacer.acquire("chat", stopping) is None
    later = await pacer.acquire("chat", stopping)  # 7 per second are used up
    assert later is not None and 0.9 < later <= 1.05
    assert await pacer.acquire("other", stopping) is None  # another chat is not held up
    slow = Pacer(rate=0.5)
    assert await slow.acquire("a", stopping) is None
    stopping.set()
    assert await slow.acquire("b", stopping) == 0.0  # would wait 2 s for the app-wide gate


@pytest.mark.parametrize(
    ("target", "key"),
    [
        (lambda: Target("letter", "http://x/", conversation_id="c"), "outbox.error.bad_target"),
        (lambda: Target("conversation", "", conversation_id="c"), "outbox.error.no_service_url"),
        (lambda: Target("person", "http://x/"), "outbox.error.no_user"),
        (lambda: Target("channel", "http://x/"), "outbox.error.no_conversation"),
    ],
)
def test_bad_targets_are_refused(target, key: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid) as raised:
        target()
    assert raised.value.key == key


def test_bad_messages_are_refused() -> None:
    target = Target("conversation", "http://x/", conversation_id="c")
    with pytest.raises(Invalid) as raised:
        OutgoingMessage("", "b", "r", target, {"type": "message"})
    assert raised.value.key == "outbox.error.incomplete"
    with pytest.raises(Invalid) as raised:
        OutgoingMessage("k", "b", "r", target, {"type": "typing"})
    assert raised.value.key == "outbox.error.not_a_message"
    with pytest.raises(Invalid) as raised:
        OutgoingMessage("k", "b", "r", target, {"type": "message", "value": {1, 2}})
    assert raised.value.key == "outbox.error.not_json"
    with pytest.raises(Invalid) as raised:
        OutgoingMessage("k", "b", "r", target, {"type": "message", "text": "ä" * 50_000})
    assert raised.value.key == "outbox.error.too_large" and raised.value.params["size"] == 100
    assert Target("channel", "http://x/", conversation_id="19:c@thread.tacv2;messageid=5").pace_key == (
        "19:c@thread.tacv2"
    )
