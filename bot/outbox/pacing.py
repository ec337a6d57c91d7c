"""Send slots: one app-wide rate and Teams' per-conversation windows, handed out in order.

`reserve(key)` books the earliest moment a message to conversation `key` may go: no sooner than the app-wide
interval after the previous booking, and inside every per-thread window (`core.outbox.window_delay`). A
conversation that is full for longer than `defer_after` is not booked at all: the caller puts the message
back in the outbox for later rather than hold a worker slot (and every message behind it) while it waits.
`pause(seconds)` stops everything after a 429, honouring its Retry-After.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.outbox import TEAMS_APP_RATE, TEAMS_THREAD_WINDOWS, Window, window_delay

PRUNE_EVERY = 1000


@dataclass(frozen=True)
class Slot:
    """`at` is the monotonic time to send (booked), or, when `deferred`, the time to try again."""

    at: float
    deferred: bool = False


class Pacer:
    def __init__(
        self,
        rate: float = TEAMS_APP_RATE,
        windows: Sequence[Window] = TEAMS_THREAD_WINDOWS,
        *,
        defer_after: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._interval = 1.0 / rate
        self._windows = tuple(windows)
        self._horizon = max((seconds for _, seconds in self._windows), default=0.0)
        self._depth = max((count for count, _ in self._windows), default=1)
        self._defer_after = defer_after
        self._clock = clock
        self._next_free = 0.0
        self._paused_until = 0.0
        self._history: dict[str, deque[float]] = {}
        self._bookings = 0

    @property
    def rate(self) -> float:
        return 1.0 / self._interval

    def now(self) -> float:
        return self._clock()

    def paused_until(self) -> float:
        return self._paused_until

    def reserve(self, key: str) -> Slot:
        now = self._clock()
        history = self._history.get(key)
        if history is None:
            history = self._history[key] = deque(maxlen=self._depth)
        thread_at = now + window_delay(history, now, self._windows)
        if thread_at - now > self._defer_after:
            return Slot(thread_at, deferred=True)
        # The app-wide slot is taken at its own time even when the thread makes this message wait a little
        # longer, so one busy conversation does not hold back the messages booked after it.
        app_at = max(now, self._next_free, self._paused_until)
        self._next_free = app_at + self._interval
        at = max(app_at, thread_at, history[-1] if history else app_at)  # a thread keeps its order
        history.append(at)
        self._bookings += 1
        if self._bookings % PRUNE_EVERY == 0:
            self._prune(now)
        return Slot(at)

    def cancel(self, key: str, slot: Slot) -> None:
        """Give back a booked slot that was not used (the conversation's window forgets it)."""
        history = self._history.get(key)
        if history is not None and slot.at in history:
            history.remove(slot.at)

    def pause(self, seconds: float) -> None:
        until = self._clock() + max(0.0, seconds)
        self._paused_until = max(self._paused_until, until)
        self._next_free = max(self._next_free, until)

    def _prune(self, now: float) -> None:
        horizon = now - self._horizon
        stale = [key for key, history in self._history.items() if not history or history[-1] < horizon]
        for key in stale:
            del self._history[key]
