"""The shared retry policy: both Retry-After forms, bounded waits, one log line per retry."""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime

import pytest

from core.retry import Backoff, Retry, parse_retry_after, retry_after_header, with_retries

NOW = datetime(2026, 12, 1, 8, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 3 ", 3.0),
        ("0.5", 0.5),
        ("-4", 0.0),
        ("Tue, 01 Dec 2026 08:00:30 GMT", 30.0),
        ("Tue, 01 Dec 2026 07:59:00 GMT", 0.0),  # a date in the past: no wait
        ("", None),
        (None, None),
        ("soon", None),
        ("Tue, 99 Foo 2026", None),
    ],
)
def test_retry_after_reads_seconds_and_http_dates(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


def test_retry_after_header_ignores_the_case_of_the_name() -> None:
    assert retry_after_header({"retry-after": "7"}) == 7.0
    assert retry_after_header({"Retry-After": "7"}) == 7.0
    assert retry_after_header({}) is None
    assert retry_after_header(None) is None


def test_backoff_grows_to_its_cap_and_follows_the_server() -> None:
    policy = Backoff(retries=10, base=0.5, cap=4.0, retry_after_cap=60.0)
    rng = random.Random(1)
    waits = [policy.delay(n, None, rng) for n in range(1, 9)]
    assert 0.25 <= waits[0] <= 0.5
    assert all(2.0 <= w <= 4.0 for w in waits[4:])
    assert 30.0 <= policy.delay(1, 30.0, rng) <= 31.0
    assert 60.0 <= policy.delay(1, 3600.0, rng) <= 61.0  # a server asking for an hour is capped


class Flaky(Exception):
    pass


async def test_with_retries_retries_what_it_is_told_and_logs_each_retry_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls, slept = [], []

    async def call() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise Flaky("busy")
        return "done"

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    caplog.set_level(logging.INFO, logger="core.retry")
    result = await with_retries(
        call,
        policy=Backoff(retries=3),
        retry_on=lambda e: Retry(2.0) if isinstance(e, Flaky) else None,
        what="a test call",
        sleep=sleep,
    )
    assert result == "done"
    assert len(calls) == 3
    assert len(slept) == 2 and all(2.0 <= s <= 3.0 for s in slept)
    retries = [r for r in caplog.records if "retrying a test call" in r.getMessage()]
    assert len(retries) == 2


async def test_with_retries_raises_the_last_error_when_retries_run_out() -> None:
    calls = []

    async def call() -> None:
        calls.append(1)
        raise Flaky(f"attempt {len(calls)}")

    async def sleep(_seconds: float) -> None:
        return None

    with pytest.raises(Flaky, match="attempt 3"):
        await with_retries(call, policy=Backoff(retries=2), retry_on=lambda e: Retry(), what="x", sleep=sleep)
    assert len(calls) == 3


async def test_with_retries_does_not_retry_other_errors() -> None:
    calls = []

    async def call() -> None:
        calls.append(1)
        raise KeyError("no")

    with pytest.raises(KeyError):
        await with_retries(call, policy=Backoff(retries=5), retry_on=lambda e: None, what="x")
    assert calls == [1]
