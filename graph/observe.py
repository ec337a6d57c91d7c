"""An httpx transport that reports every HTTP request it sends (method, status, seconds) to an observer.

It sits under kiota's middleware (retries, redirects), so each attempt is reported on its own. The observer
is the service's metrics; Graph code itself knows nothing about Prometheus.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

# (method, status or None when no answer came, seconds until the answer's headers)
RequestObserver = Callable[[str, int | None, float], None]


class ObservedTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, observer: RequestObserver) -> None:
        self._inner = inner
        self._observer = observer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = await self._inner.handle_async_request(request)
        except Exception:  # no answer (connection refused, timeout, TLS): counted, then raised as is
            self._observer(request.method, None, time.perf_counter() - started)
            raise
        self._observer(request.method, response.status_code, time.perf_counter() - started)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
