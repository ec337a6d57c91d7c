"""What Graph code tells the service about each HTTP request it sends (method, status, seconds).

The observer is the service's metrics; Graph code itself knows nothing about Prometheus. The transport that
reports to it is `graph.client.ObservedTransport`, beside the httpx clients it sits in, so this module (and
`graph.config`) stays free of httpx.
"""

from __future__ import annotations

from collections.abc import Callable

# (method, status or None when no answer came, seconds until the answer's headers)
RequestObserver = Callable[[str, int | None, float], None]
