"""Guards one service instance keeps in memory: one-at-a-time per key, and ids that may be used once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class KeyedLocks:
    """One `asyncio.Lock` per key (e.g. a network's launch: a double click waits, then is refused)."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    def __call__(self, key: str) -> asyncio.Lock:
        return self._locks.setdefault(key, asyncio.Lock())


class UsedOnce:
    """Ids (of signed card contexts) already used on this instance, each kept until it expires."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._used: dict[str, float] = {}

    def use(self, key: str, expires: float, now: float | None = None) -> bool:
        """Mark `key` used; False when it was used already (then it stays marked)."""
        clock = self._clock() if now is None else now
        for gone in [k for k, until in self._used.items() if until < clock]:
            del self._used[gone]
        if key in self._used:
            return False
        self._used[key] = expires
        return True
