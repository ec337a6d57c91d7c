"""The one retry policy for calls to Teams and Graph made while a person waits.

Exponential backoff with jitter, never sooner than the server's `Retry-After` (which HTTP allows as seconds
or as an HTTP-date), capped so a turn does not hang. Each retry is logged once, at INFO, naming the call.
The outbox keeps its own persisted schedule (`core.outbox.RetryPolicy`); `$batch` re-sends only its
throttled items, but reads `Retry-After` and computes its waits here too.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` value: delay-seconds ("120") or an HTTP-date
    ("Wed, 21 Oct 2026 07:28:00 GMT"). None when absent or unreadable; never negative."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def retry_after_header(headers: Mapping[str, str] | None, now: datetime | None = None) -> float | None:
    """`parse_retry_after` of a header mapping, whatever the case of the header's name."""
    if not headers:
        return None
    value = headers.get("Retry-After")
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    return parse_retry_after(value, now)


@dataclass(frozen=True)
class Retry:
    """A failure worth trying again; `after` is the server's Retry-After in seconds, if it gave one."""

    after: float | None = None


@dataclass(frozen=True)
class Backoff:
    """`retries` further tries after the first; waits grow from `base` to `cap` seconds (equal jitter), or
    follow the server's Retry-After up to `retry_after_cap` (plus a little jitter, so callers throttled
    together do not come back in lockstep)."""

    retries: int = 3
    base: float = 0.5
    cap: float = 30.0
    retry_after_cap: float = 120.0

    def delay(self, retry: int, after: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number `retry` (1-based)."""
        pick = (rng or random).uniform
        if after is not None:
            after = min(after, self.retry_after_cap)
            return after + pick(0.0, min(1.0, after * 0.1 + 0.05))
        ceiling = min(self.cap, self.base * 2 ** max(0, retry - 1))
        return pick(ceiling / 2, ceiling)


async def with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    policy: Backoff,
    retry_on: Callable[[BaseException], Retry | None],
    what: str,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    rng: random.Random | None = None,
) -> T:
    """Run `call`, retrying while `retry_on(error)` says the error is worth another try and retries remain.
    The last error is raised as it was; `what` names the call in the log ("Graph upload of x.pptx")."""
    retry = 0
    while True:
        try:
            return await call()
        except Exception as error:
            hint = retry_on(error)
            if hint is None or retry >= policy.retries:
                raise
            retry += 1
            wait = policy.delay(retry, hint.after, rng)
            log.info("retrying %s in %.1f s (%d/%d): %s", what, wait, retry, policy.retries, _reason(error))
            await sleep(wait)


def _reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= 200 else text[:197] + "..."
