"""Byte uploads: the simple PUT and our own upload-session loop (msgraph-core's LargeFileUploadTask is
broken: an extra 0-byte PUT, no "N-" ranges, fragments not multiples of 320 KiB).

kiota never retries octet-stream bodies, so both paths retry 429/503/504 themselves, honouring Retry-After.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any
from urllib.parse import urlencode

import httpx
from kiota_abstractions.api_error import APIError
from msgraph import GraphServiceClient
from msgraph.generated.drives.item.items.item.create_upload_session import (
    create_upload_session_post_request_body as session_body,
)
from msgraph.generated.models.drive_item import DriveItem
from msgraph.generated.models.drive_item_uploadable_properties import DriveItemUploadableProperties

from core.errors import Invalid, Unavailable
from core.workspace import ConflictBehavior, FileTooLarge, Folder, NameTaken, Throttled
from graph.config import GraphConfig
from graph.errors import RETRY_STATUSES, graph_errors, request_url, retry_after, to_domain


async def put_simple(
    client: GraphServiceClient,
    config: GraphConfig,
    folder: Folder,
    name: str,
    data: bytes,
    conflict: ConflictBehavior,
) -> DriveItem:
    """`PUT /drives/{d}/items/{parent}:/{name}:/content?@microsoft.graph.conflictBehavior=...`, retried."""
    content = (
        client.drives.by_drive_id(folder.drive_id)
        .items.by_drive_item_id(f"{folder.item_id}:/{name}:")
        .content
    )
    url = (
        request_url(content, config.base_url)
        + "?"
        + urlencode({"@microsoft.graph.conflictBehavior": conflict})
    )
    builder = content.with_url(url)
    for attempt in range(config.max_retries + 1):
        try:
            item = await builder.put(data)
        except APIError as exc:
            if exc.response_status_code in RETRY_STATUSES and attempt < config.max_retries:
                await asyncio.sleep(retry_after(exc.response_headers, attempt))
                continue
            raise to_domain(exc) from exc
        except httpx.TransportError as exc:
            if attempt < config.max_retries:
                await asyncio.sleep(retry_after(None, attempt))
                continue
            raise Unavailable("graph.error.unavailable") from exc
        if item is None:
            raise Unavailable("graph.error.unavailable")
        return item
    raise Throttled()


async def create_session(
    client: GraphServiceClient, folder: Folder, name: str, conflict: ConflictBehavior
) -> str:
    """The pre-authenticated uploadUrl of a new upload session."""
    item = client.drives.by_drive_id(folder.drive_id).items.by_drive_item_id(f"{folder.item_id}:/{name}:")
    body = session_body.CreateUploadSessionPostRequestBody(
        item=DriveItemUploadableProperties(
            additional_data={"@microsoft.graph.conflictBehavior": str(conflict)}
        )
    )
    with graph_errors():
        session = await item.create_upload_session.post(body)
    if session is None or not session.upload_url:
        raise Unavailable("graph.error.unavailable")
    return session.upload_url


async def fragments(source: AsyncIterable[bytes], size: int) -> AsyncIterator[bytes]:
    """Re-cut a chunk source into pieces of exactly `size` bytes (the last may be shorter)."""
    buffer = bytearray()
    async for chunk in source:
        buffer += chunk
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    if buffer:
        yield bytes(buffer)


async def upload_in_session(
    http: httpx.AsyncClient, config: GraphConfig, upload_url: str, source: AsyncIterable[bytes], total: int
) -> dict[str, Any]:
    """Send `source` to an upload session in fragments of `config.fragment_size` (a multiple of 320 KiB), in
    order, with no Authorization header. Returns the driveItem JSON of the finished file."""
    offset = 0
    try:
        async for fragment in fragments(source, config.fragment_size):
            end = offset + len(fragment) - 1
            if end >= total:
                raise Invalid("graph.error.size_mismatch")
            done = await _send_fragment(http, config, upload_url, fragment, offset, total)
            offset = end + 1
            if done is not None:
                return done
        raise Invalid("graph.error.size_mismatch")
    except BaseException:
        await _cancel(http, upload_url)
        raise


async def _send_fragment(
    http: httpx.AsyncClient, config: GraphConfig, url: str, fragment: bytes, offset: int, total: int
) -> dict[str, Any] | None:
    end = offset + len(fragment) - 1
    headers = {"Content-Range": f"bytes {offset}-{end}/{total}"}
    for attempt in range(config.max_retries + 1):
        try:
            response = await http.put(url, content=fragment, headers=headers)
        except httpx.TransportError as exc:
            if attempt == config.max_retries:
                raise Unavailable("graph.error.unavailable") from exc
            await asyncio.sleep(retry_after(None, attempt))
            continue
        status = response.status_code
        if status in RETRY_STATUSES:
            if attempt == config.max_retries:
                raise Throttled()
            await asyncio.sleep(retry_after(response.headers, attempt))
            continue
        if status == 202:
            return None
        if status in (200, 201):
            return dict(response.json())
        if status == 416 and await _next_expected(http, url) == end + 1:
            return None  # the server had this fragment already (a lost response)
        if status == 409:
            raise NameTaken()
        if status == 413:
            raise FileTooLarge()
        raise Unavailable("graph.error.upload_failed", status=status)
    raise Throttled()


async def _next_expected(http: httpx.AsyncClient, url: str) -> int | None:
    try:
        response = await http.get(url)
        ranges = response.json().get("nextExpectedRanges") or []
        return int(str(ranges[0]).split("-")[0]) if ranges else None
    except (httpx.HTTPError, ValueError, AttributeError):
        return None


async def _cancel(http: httpx.AsyncClient, url: str) -> None:
    with contextlib.suppress(httpx.HTTPError):
        await http.delete(url)
