"""Work that outlives the turn that started it (a file transfer, a shared card update), in one task group.

Features start such work with `Background.start`; the service's shutdown (`bot.app`) awaits it with
`aclose`, so nothing is cut off silently: what does not finish in time is cancelled and logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)

CLOSE_WAIT_S = 20.0


class Stopping(RuntimeError):
    """The service is shutting down and takes no new background work."""


class Background:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def start(self, work: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Run `work` in the background; raises `Stopping` once shutdown has begun. A failure is logged:
        the work itself must tell whoever waits for it (through the outbox)."""
        if self._closed:
            work.close()
            raise Stopping(f"the service is stopping: {name} not started")
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background work %s failed", task.get_name(), exc_info=task.exception())

    async def aclose(self, timeout: float = CLOSE_WAIT_S) -> None:  # noqa: ASYNC109 (a shutdown deadline)
        """Take no new work, wait for the running work (at most `timeout` seconds), cancel what is left."""
        self._closed = True
        tasks = list(self._tasks)
        if not tasks:
            return
        _done, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            log.warning("background work %s still running at shutdown: cancelled", task.get_name())
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
