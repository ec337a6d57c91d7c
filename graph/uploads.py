"""Byte uploads: the simple PUT and our own upload-session loop (msgraph-core's LargeFileUploadTask is
broken: an extra 0-byte PUT, no "N-" ranges, fragments not multiples of 320 KiB).

kiota never retries octet-stream bodies, so both paths retry through `core.retry`. The session loop follows
`api/driveitem-createuploadsession.md`: fragments in order, multiples of 320 KiB, no Authorization header on
the uploadUrl; any 5xx (and 429) is resumed from the byte the session expects next; a 404 means the
session is gone, and the whole upload starts over in a new session (the bytes come from a `Spool`). The
application permission that page documents is Sites.ReadWrite.All alone: when creating a session is refused
(403), a file of at most 250 MB goes as one simple PUT, which Files.ReadWrite.All allows.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import httpx
from kiota_abstractions.api_error import APIError
from msgraph.generated.drives.item.items.item.create_upload_session import (
    create_upload_session_post_request_body as session_body,
)
from msgraph.generated.models.drive_item import DriveItem
from msgraph.generated.models.drive_item_uploadable_properties import DriveItemUploadableProperties

from core.errors import Unavailable
from core.retry import with_retries
from core.workspace import ConflictBehavior, FileTooLarge, Folder, NameTaken, Throttled, WorkspaceForbidden
from graph.client import GraphConnection
from graph.config import SIMPLE_UPLOAD_MAX
from graph.errors import (
    Retryable,
    backoff,
    graph_errors,
    request_url,
    throttle_retry,
    to_domain,
    transient_retry,
)
from graph.spool import Spool

MAX_RESTARTS = 2  # new sessions after the first one vanished


class SessionGone(Exception):
    """The upload session answered 404: it expired or was cleaned up, or, when `after_last` (the last
    fragment's answer was lost), it may have completed the file."""

    def __init__(self, after_last: bool = False) -> None:
        super().__init__("upload session gone")
        self.after_last = after_last


def _content_url(graph: GraphConnection, folder: Folder, name: str, conflict: ConflictBehavior) -> str:
    content = graph.client.drives.by_drive_id(folder.drive_id).items.by_drive_item_id(
        f"{folder.item_id}:/{name}:"
    )
    query = urlencode({"@microsoft.graph.conflictBehavior": str(conflict)})
    return f"{request_url(content.content, graph.config.base_url)}?{query}"


async def put_simple(
    graph: GraphConnection, folder: Folder, name: str, data: bytes, conflict: ConflictBehavior
) -> DriveItem:
    """`PUT /drives/{d}/items/{parent}:/{name}:/content?@microsoft.graph.conflictBehavior=...`, tried again
    on 429/503/504 and transport failures (a 500 may have stored the file, so it is not repeated)."""
    builder = (
        graph.client.drives.by_drive_id(folder.drive_id)
        .items.by_drive_item_id(f"{folder.item_id}:/{name}:")
        .content.with_url(_content_url(graph, folder, name, conflict))
    )
    try:
        item = await with_retries(
            lambda: builder.put(data),
            policy=backoff(graph.config.max_retries),
            retry_on=throttle_retry,
            what=f"Graph upload of {name!r}",
        )
    except APIError as exc:
        raise to_domain(exc) from exc
    except httpx.TransportError as exc:
        raise Unavailable("graph.error.unavailable") from exc
    if item is None:
        raise Unavailable("graph.error.unavailable")
    return item


async def put_streamed(
    graph: GraphConnection, folder: Folder, name: str, spool: Spool, conflict: ConflictBehavior
) -> dict[str, Any]:
    """The simple PUT for a file too large to hold in memory: streamed from the spool, with the token (the
    URL is Graph's), tried again as `put_simple` is."""
    url = _content_url(graph, folder, name, conflict)

    async def attempt() -> dict[str, Any]:
        headers = {
            "Authorization": f"Bearer {await graph.tokens.get_authorization_token(url)}",
            "Content-Type": "application/octet-stream",
            "Content-Length": str(spool.size),
        }
        response = await graph.uploads.put(url, content=spool.whole(), headers=headers)
        if response.status_code in (429, 503, 504):
            raise Retryable(response.status_code, response.headers)
        if response.status_code not in (200, 201):
            raise _status_error(response.status_code)
        return dict(response.json())

    try:
        return await with_retries(
            attempt,
            policy=backoff(graph.config.max_retries),
            retry_on=throttle_retry,
            what=f"Graph upload of {name!r}",
        )
    except Retryable as exc:
        raise _status_error(exc.status) from exc
    except httpx.TransportError as exc:
        raise Unavailable("graph.error.unavailable") from exc


async def create_session(
    graph: GraphConnection, folder: Folder, name: str, conflict: ConflictBehavior
) -> str:
    """The pre-authenticated uploadUrl of a new upload session."""
    item = graph.client.drives.by_drive_id(folder.drive_id).items.by_drive_item_id(
        f"{folder.item_id}:/{name}:"
    )
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


async def upload_large(
    graph: GraphConnection, folder: Folder, name: str, spool: Spool, conflict: ConflictBehavior
) -> dict[str, Any]:
    """Upload through a session (fragments of `config.fragment_size`); returns the driveItem JSON. A session
    that vanishes is replaced, and the upload starts again from byte 0, at most `MAX_RESTARTS` times."""
    for restart in range(MAX_RESTARTS + 1):
        try:
            url = await create_session(graph, folder, name, conflict)
        except WorkspaceForbidden:
            if spool.size > SIMPLE_UPLOAD_MAX:
                raise
            # createUploadSession documents Sites.ReadWrite.All only; a simple PUT takes Files.ReadWrite.All
            return await put_streamed(graph, folder, name, spool, conflict)
        try:
            return await _send(graph.uploads, graph, url, spool)
        except SessionGone as gone:
            stored = await _stored(graph, folder, name) if gone.after_last else None
            if stored is not None and stored.get("size") == spool.size:
                return stored  # the last fragment completed the file; only its answer was lost
            if restart == MAX_RESTARTS:
                raise Unavailable("graph.error.upload_failed", status=404) from None
        except BaseException:
            with contextlib.suppress(httpx.HTTPError):
                await graph.uploads.delete(url)  # cancel: the service drops what it had received
            raise
    raise AssertionError("unreachable")


async def _send(http: httpx.AsyncClient, graph: GraphConnection, url: str, spool: Spool) -> dict[str, Any]:
    offset = 0
    pieces: AsyncIterator[bytes] = spool.pieces(graph.config.fragment_size)
    async for fragment in pieces:
        done = await _send_fragment(http, graph, url, fragment, offset, spool.size)
        offset += len(fragment)
        if done is not None:
            return done
    raise Unavailable("graph.error.upload_failed", status=202)  # every byte sent, yet not committed


async def _send_fragment(
    http: httpx.AsyncClient, graph: GraphConnection, url: str, fragment: bytes, offset: int, total: int
) -> dict[str, Any] | None:
    """PUT one fragment; None while more are expected, the driveItem JSON after the last one. Before a
    retry, the session's status says whether the failed request's bytes arrived after all."""
    end = offset + len(fragment) - 1
    headers = {"Content-Range": f"bytes {offset}-{end}/{total}"}
    tries = 0

    async def attempt() -> dict[str, Any] | None:
        nonlocal tries
        tries += 1
        if tries > 1:
            try:
                if await _next_expected(http, url) == end + 1:
                    return None  # the bytes arrived; only the answer was lost
            except SessionGone:
                raise SessionGone(after_last=end + 1 == total) from None
        response = await http.put(url, content=fragment, headers=headers)
        status = response.status_code
        if status == 429 or status >= 500:
            raise Retryable(status, response.headers)
        if status == 202:
            return None
        if status in (200, 201):
            return dict(response.json())
        if status == 416 and await _next_expected(http, url) == end + 1:
            return None  # the server had this fragment already
        if status == 404:
            raise SessionGone()
        raise _status_error(status)

    try:
        return await with_retries(
            attempt,
            policy=backoff(graph.config.max_retries),
            retry_on=transient_retry,
            what=f"Graph upload fragment at byte {offset}",
        )
    except Retryable as exc:
        raise _status_error(exc.status) from exc
    except httpx.TransportError as exc:
        raise Unavailable("graph.error.unavailable") from exc


async def _next_expected(http: httpx.AsyncClient, url: str) -> int | None:
    """The first byte the session expects (`nextExpectedRanges`); raises `SessionGone` for a 404."""
    try:
        response = await http.get(url)
    except httpx.HTTPError:
        return None
    if response.status_code == 404:
        raise SessionGone()
    try:
        ranges = response.json().get("nextExpectedRanges") or []
        return int(str(ranges[0]).split("-")[0]) if ranges else None
    except (ValueError, AttributeError, IndexError):
        return None


async def _stored(graph: GraphConnection, folder: Folder, name: str) -> dict[str, Any] | None:
    """The driveItem JSON at `folder/name`, or None."""
    item = graph.client.drives.by_drive_id(folder.drive_id).items.by_drive_item_id(
        f"{folder.item_id}:/{name}:"
    )
    url = request_url(item, graph.config.base_url)
    headers = {"Authorization": f"Bearer {await graph.tokens.get_authorization_token(url)}"}
    try:
        response = await graph.uploads.get(url, headers=headers)
    except httpx.HTTPError:
        return None
    return dict(response.json()) if response.status_code == 200 else None


def _status_error(status: int) -> Exception:
    if status == 409:
        return NameTaken()
    if status == 413:
        return FileTooLarge()
    if status in (401, 403):
        return WorkspaceForbidden()
    if status in (429, 503, 504):
        return Throttled()
    return Unavailable("graph.error.upload_failed", status=status)
