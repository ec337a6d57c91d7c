"""Send gates: one app-wide rate and Teams' per-conversation windows.

`acquire(key)` returns when a message to conversation `key` may go: inside every per-thread window
(`core.outbox.window_delay`, with a small margin for network jitter) and at least one app-wide interval
after the message before it, measured when the gate actually opens, so a stalled event loop does not
release a burst afterwards. A conversation that is full for longer than `defer_after` is not waited for:
`acquire` returns the seconds to come back after, and the worker puts the message back in the outbox rather
than hold a slot (and the messages behind it). `pause(seconds)` stops everything after a 429; `share(n)`
splits the app-wide rate between the `n` service instances sending at the moment. Messages waiting for the
app-wide slot get it by priority (`core.outbox.Priority`), so an urgent one claimed while a broadcast's rows
are in hand goes next, not after them.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager, suppress

from core.outbox import TEAMS_APP_RATE, TEAMS_THREAD_WINDOWS, Priority, Window, window_delay

PRUNE_EVERY = 1000


class PriorityGate:
    """A lock whose waiters get in by priority (lower first), then in the order they came."""

    def __init__(self) -> None:
        self._held = False
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @asynccontextmanager
    async def hold(self, priority: int) -> AsyncIterator[None]:
        if self._held:
            turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiters, (priority, next(self._order), turn))
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():
                    self._release()  # handed the gate just as we were cancelled: pass it on
                raise
        self._held = True
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        while self._waiters:
            _, _, turn = heapq.heappop(self._waiters)
            if not turn.done():  # a cancelled waiter's future is done: skip it
                turn.set_result(None)  # the gate stays held, by the next in line
                return
        self._held = False


class Pacer:
    def __init__(
        self,
        rate: float = TEAMS_APP_RATE,
        windows: Sequence[Window] = TEAMS_THREAD_WINDOWS,
        *,
        defer_after: float = 0.5,
        margin: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._app_rate = rate
        self._interval = 1.0 / rate
        self._windows = tuple((count, seconds + margin) for count, seconds in windows)
        self._horizon = max((seconds for _, seconds in self._windows), default=0.0)
        self._depth = max((count for count, _ in self._windows), default=1)
        self._defer_after = defer_after
        self._clock = clock
        self._next_free = 0.0
        self._paused_until = 0.0
        self._history: dict[str, deque[float]] = {}
        self._taken = 0
        self._gate = PriorityGate()

    @property
    def rate(self) -> float:
        return 1.0 / self._interval

    def share(self, workers: int) -> None:
        """Take `1/workers` of the app-wide rate: that many instances are sending at the same time."""
        self._interval = max(1, workers) / self._app_rate

    def now(self) -> float:
        return self._clock()

    def thread_wait(self, key: str) -> float:
        """Seconds until conversation `key` may take one more message."""
        history = self._history.get(key)
        return window_delay(history, self._clock(), self._windows) if history else 0.0

    def app_wait(self) -> float:
        """Seconds until the app as a whole may send again (the rate, or a pause after a 429)."""
        return max(0.0, self._next_free - self._clock(), self._paused_until - self._clock())

    def take(self, key: str) -> None:
        """Count a message to `key` as sent now."""
        now = self._clock()
        # On schedule or a little late: one interval after the previous slot, so the rate holds on average.
        # After a stall (or idle): at most half an interval of catch-up, never a burst.
        self._next_free = max(self._next_free, now - self._interval / 2) + self._interval
        history = self._history.get(key)
        if history is None:
            history = self._history[key] = deque(maxlen=self._depth)
        history.append(now)
        self._taken += 1
        if self._taken % PRUNE_EVERY == 0:
            horizon = now - self._horizon
            for stale in [k for k, h in self._history.items() if not h or h[-1] < horizon]:
                del self._history[stale]

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._clock() + max(0.0, seconds))

    async def acquire(
        self, key: str, stopping: asyncio.Event, priority: int = Priority.NORMAL
    ) -> float | None:
        """Wait for the gate of `key`: None when the message may go now, else the seconds after which to
        try again (the conversation is full for a while, or `stopping` was set: then 0). Of the messages
        waiting for the app-wide slot, the lowest `priority` goes first."""
        while True:
            wait = self.thread_wait(key)
            if wait > self._defer_after:
                return wait
            if wait > 0:
                if await _sleep(wait, stopping):
                    return 0.0
                continue
            async with self._gate.hold(priority):
                if self.thread_wait(key) > 0:
                    continue  # another message to the same conversation went first
                while (gap := self.app_wait()) > 0:
                    if await _sleep(gap, stopping):
                        return 0.0
                self.take(key)
                return None


async def _sleep(seconds: float, stopping: asyncio.Event) -> bool:
    """Sleep unless stopping; True when stopping."""
    with suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), seconds)
    return stopping.is_set()
