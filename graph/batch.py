"""JSON `$batch` requests (at most 20 each) sent through the SDK's request adapter; throttled items re-sent.

msgraph-core's BatchResponseContent reads each response body as bytes, so the envelope is built and read here.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kiota_abstractions.method import Method
from kiota_abstractions.request_information import RequestInformation
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.graph_request_adapter import GraphRequestAdapter

from core.workspace import Throttled
from graph.config import GraphConfig
from graph.errors import RETRY_STATUSES, graph_errors, retry_after

BATCH_LIMIT = 20


@dataclass(frozen=True)
class BatchResult:
    status: int
    body: dict[str, Any]


async def batch_get(
    adapter: GraphRequestAdapter, config: GraphConfig, urls: Sequence[str]
) -> list[BatchResult]:
    """GET every URL (absolute, under the base URL) in batches of 20; results in the order of `urls`.
    Items answered 429/503/504 are re-sent after their Retry-After, up to `config.max_retries` times."""
    results: dict[int, BatchResult] = {}
    pending = list(range(len(urls)))
    for attempt in range(config.max_retries + 1):
        throttled: list[int] = []
        wait = 0.0
        for start in range(0, len(pending), BATCH_LIMIT):
            chunk = pending[start : start + BATCH_LIMIT]
            replies = await _post(adapter, config, {str(i): urls[i] for i in chunk})
            for index in chunk:
                reply = replies.get(str(index), {})
                status = int(reply.get("status", 0))
                if status in RETRY_STATUSES:
                    throttled.append(index)
                    wait = max(wait, retry_after(reply.get("headers"), attempt))
                else:
                    body = reply.get("body")
                    results[index] = BatchResult(status, body if isinstance(body, dict) else {})
        if not throttled:
            return [results[i] for i in range(len(urls))]
        pending = throttled
        if attempt < config.max_retries:
            await asyncio.sleep(wait)
    raise Throttled()


async def _post(
    adapter: GraphRequestAdapter, config: GraphConfig, urls: dict[str, str]
) -> dict[str, dict[str, Any]]:
    base = config.base_url.rstrip("/")
    requests = [
        {"id": key, "method": "GET", "url": url.removeprefix(base) if url.startswith(base) else url}
        for key, url in urls.items()
    ]
    info = RequestInformation(Method.POST, f"{base}/$batch")
    info.headers.try_add("Accept", "application/json")
    info.set_stream_content(json.dumps({"requests": requests}).encode(), "application/json")
    with graph_errors():
        raw = await adapter.send_primitive_async(info, "bytes", {"4XX": ODataError, "5XX": ODataError})
    replies = json.loads(raw or b"{}").get("responses") or []
    return {str(reply.get("id")): reply for reply in replies if isinstance(reply, dict)}
