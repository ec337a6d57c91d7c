"""Folders and files in a channel's library: ensure a folder path, upload, list recursively, download."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterable
from urllib.parse import urljoin

import httpx
from kiota_abstractions.api_error import APIError
from msgraph.generated.models.drive_item import DriveItem
from msgraph.generated.models.folder import Folder as GraphFolder

from core.errors import Invalid, NotFound, Unavailable
from core.retry import with_retries
from core.workspace import ConflictBehavior, FileInfo, Folder, NameTaken, Throttled, WorkspaceForbidden
from graph.client import GraphConnection
from graph.errors import (
    RETRY_STATUSES,
    Retryable,
    backoff,
    graph_errors,
    request_url,
    throttle_retry,
    to_domain,
)
from graph.items import file_info, file_info_from_json, folder_from_item
from graph.names import clean_file_name
from graph.spool import Spool
from graph.uploads import put_simple, upload_large

FOLDER_NOT_FOUND = "graph.error.folder_not_found"
FILE_NOT_FOUND = "graph.error.file_not_found"
PARALLEL = 8
CHUNK = 1024 * 1024
REDIRECTS = frozenset({301, 302, 303, 307, 308})


async def ensure_folder(graph: GraphConnection, parent: Folder, path: str) -> Folder:
    folder = parent
    for part in (p for p in path.split("/") if p.strip()):
        folder = await _child_folder(graph, folder, clean_file_name(part, at_root=not folder.path))
    return folder


async def _child_folder(graph: GraphConnection, parent: Folder, name: str) -> Folder:
    """Create `name` below `parent` (conflictBehavior=fail); when it exists, fetch it instead."""
    items = graph.client.drives.by_drive_id(parent.drive_id).items
    body = DriveItem(
        name=name, folder=GraphFolder(), additional_data={"@microsoft.graph.conflictBehavior": "fail"}
    )
    try:
        created = await items.by_drive_item_id(parent.item_id).children.post(body)
    except APIError as exc:
        if exc.response_status_code != 409:
            raise to_domain(exc, not_found=NotFound(FOLDER_NOT_FOUND)) from exc
        with graph_errors():
            created = await items.by_drive_item_id(f"{parent.item_id}:/{name}:").get()
        if created is not None and created.folder is None:
            raise NameTaken("graph.error.file_in_the_way", name=name) from exc
    except httpx.HTTPError as exc:
        raise Unavailable("graph.error.unavailable") from exc
    if created is None:
        raise Unavailable("graph.error.unavailable")
    return folder_from_item(created, parent)


async def upload(
    graph: GraphConnection,
    folder: Folder,
    name: str,
    content: bytes | AsyncIterable[bytes],
    size: int | None,
    conflict: ConflictBehavior,
) -> FileInfo:
    """Simple PUT up to `config.session_threshold` bytes, an upload session above it."""
    clean = clean_file_name(name)
    if isinstance(content, bytes | bytearray):
        size = len(content)
    elif size is None:
        raise ValueError("size is required when content is a chunk source")
    if size <= graph.config.session_threshold:
        data = bytes(content) if isinstance(content, bytes | bytearray) else await _collect(content, size)
        item = await put_simple(graph, folder, clean, data, conflict)
        return file_info(item, folder)
    spool = Spool(content, size)  # a session may have to start over from byte 0
    try:
        return file_info_from_json(await upload_large(graph, folder, clean, spool, conflict), folder)
    finally:
        spool.close()


async def list_files(graph: GraphConnection, folder: Folder, recursive: bool) -> list[FileInfo]:
    """Level by level; the folders of one level are listed concurrently (at most `PARALLEL` at a time)."""
    files: list[FileInfo] = []
    gate = asyncio.Semaphore(PARALLEL)

    async def children(current: Folder) -> list[DriveItem]:
        async with gate:
            return await _children(graph, current)

    level = [folder]
    while level:
        next_level: list[Folder] = []
        for current, items in zip(level, await asyncio.gather(*map(children, level)), strict=True):
            for item in items:
                if item.folder is None:
                    files.append(file_info(item, folder))
                elif recursive:
                    next_level.append(folder_from_item(item, current))
        level = next_level
    return files


async def _children(graph: GraphConnection, folder: Folder) -> list[DriveItem]:
    """Every page of `children`, following `@odata.nextLink` (PageIterator would drop async callbacks)."""
    item = graph.client.drives.by_drive_id(folder.drive_id).items.by_drive_item_id(folder.item_id)
    builder = item.children
    with graph_errors(not_found=NotFound(FOLDER_NOT_FOUND)):
        page = await builder.get()
        items = list(page.value or []) if page else []
        while page is not None and page.odata_next_link:
            page = await builder.with_url(page.odata_next_link).get()
            items.extend((page.value or []) if page else [])
    return items


async def _collect(source: AsyncIterable[bytes], size: int) -> bytes:
    data = bytearray()
    async for chunk in source:
        data += chunk
        if len(data) > size:
            break
    if len(data) != size:
        raise Invalid("graph.error.size_mismatch")
    return bytes(data)


async def download(graph: GraphConnection, drive_id: str, item_id: str) -> AsyncGenerator[bytes, None]:
    """`GET /drives/{d}/items/{id}/content`, streamed. Graph answers 302 to a pre-authenticated download
    URL, which is fetched without the Authorization header (it must not leak to another host); a 200 with
    the bytes is streamed as well. 429/503/504 before the first byte are tried again (`core.retry`)."""
    if not drive_id or not item_id or "/" in drive_id or "/" in item_id or ":" in item_id:
        raise NotFound(FILE_NOT_FOUND)
    content = graph.client.drives.by_drive_id(drive_id).items.by_drive_item_id(item_id).content
    url = request_url(content, graph.config.base_url)
    try:
        response = await with_retries(
            lambda: _open(graph, url),
            policy=backoff(graph.config.max_retries),
            retry_on=throttle_retry,
            what=f"Graph download of {item_id}",
        )
    except Retryable as exc:
        raise Throttled() from exc
    except httpx.HTTPError as exc:
        raise Unavailable("graph.error.unavailable") from exc
    try:
        _check_download(response.status_code)
        async for chunk in response.aiter_bytes(CHUNK):
            yield chunk
    except httpx.HTTPError as exc:
        raise Unavailable("graph.error.unavailable") from exc
    finally:
        await response.aclose()


async def _open(graph: GraphConnection, url: str) -> httpx.Response:
    """The open (streaming) response at the end of Graph's redirects; the token goes to Graph only."""
    headers = {"Authorization": f"Bearer {await graph.tokens.get_authorization_token(url)}"}
    target = url
    for _ in range(5):
        response = await graph.uploads.send(
            graph.uploads.build_request("GET", target, headers=headers), stream=True
        )
        if response.status_code in REDIRECTS and "location" in response.headers:
            await response.aclose()
            target, headers = urljoin(target, response.headers["location"]), {}
            continue
        if response.status_code in RETRY_STATUSES:
            await response.aclose()
            raise Retryable(response.status_code, response.headers)
        return response
    raise Unavailable("graph.error.unavailable")


def _check_download(status: int) -> None:
    if status == 200:
        return
    if status in RETRY_STATUSES:
        raise Throttled()
    if status in (401, 403):
        raise WorkspaceForbidden()
    if status in (400, 404, 410):
        raise NotFound(FILE_NOT_FOUND)
    raise Unavailable("graph.error.unavailable")
