"""Guards one service instance keeps in memory: one-at-a-time per key."""

from __future__ import annotations

import asyncio


class KeyedLocks:
    """One `asyncio.Lock` per key (e.g. a network's launch: a double click waits, then is refused)."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    def __call__(self, key: str) -> asyncio.Lock:
        return self._locks.setdefault(key, asyncio.Lock())
