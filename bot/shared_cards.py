"""Updates of shared card messages (a poll's card in its channel), coalesced per card.

The first change is sent at once, later ones at most once per `interval` per card, always showing the newest
state (Teams allows about seven messages a second a thread). The sends run in the service's `Background`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.background import Background

log = logging.getLogger(__name__)

UPDATE_INTERVAL_S = 1.0
CLOSE_WAIT_S = 5.0

Send = Callable[[], Awaitable[None]]


class SharedCards:
    def __init__(self, background: Background, interval: float = UPDATE_INTERVAL_S) -> None:
        self.interval = interval
        self._background = background
        self._dirty: set[str] = set()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._closing = asyncio.Event()

    def changed(self, key: str, send: Send) -> None:
        """The card `key` should be sent again; `send` sends its newest state (and may raise)."""
        self._dirty.add(key)
        if key not in self._tasks and not self._closing.is_set() and not self._background.closed:
            self._tasks[key] = self._background.start(self._run(key, send), name=f"shared-card:{key}")

    async def _run(self, key: str, send: Send) -> None:
        try:
            while key in self._dirty:
                self._dirty.discard(key)
                try:
                    await send()
                except Exception as error:  # the next change retries; the clicker's own card is right already
                    log.warning("could not update the shared card %s: %s", key, error)
                # Wait out the interval, but wake at once to send the last change when the service stops.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), self.interval)
        finally:
            self._tasks.pop(key, None)

    async def aclose(self) -> None:
        """Send the pending changes (waiting at most `CLOSE_WAIT_S`) and stop; runs before the store and the
        HTTP session close."""
        self._closing.set()
        tasks = list(self._tasks.values())
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=CLOSE_WAIT_S)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
