"""Files people send the bot in personal chat: read the Teams attachments and stream their bytes.

Teams delivers a file sent to a bot as an attachment of type
`application/vnd.microsoft.teams.file.download.info` whose content holds `downloadUrl` (a pre-authorised
link: a plain GET, no Authorization header), `uniqueId` and `fileType` (shared/facts.md "Files with bots").
The bytes are streamed from that link into the upload: a 60 MB deck never sits in memory at once. When the
server does not say how large the file is, it is spooled to a temporary file first (up to the limit).
"""

from __future__ import annotations

import asyncio
import ipaddress
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

import aiohttp

from core.errors import Invalid, Unavailable
from core.retry import Backoff, Retry, parse_retry_after, with_retries
from core.workspace import FileTooLarge

FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
CHUNK = 1024 * 1024
GONE = frozenset({401, 403, 404, 410})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=15, sock_read=60)


@dataclass(frozen=True)
class IncomingFile:
    name: str
    download_url: str
    file_type: str = ""
    unique_id: str = ""


def incoming_files(attachments: list[Any] | None) -> list[IncomingFile]:
    """The files among an activity's attachments (botbuilder `Attachment` objects or plain dicts)."""
    found = []
    for attachment in attachments or []:
        if isinstance(attachment, dict):
            kind, content, name = (attachment.get(k) for k in ("contentType", "content", "name"))
        else:
            kind, content, name = (getattr(attachment, k, None) for k in ("content_type", "content", "name"))
        if kind != FILE_DOWNLOAD_INFO:
            continue
        if not isinstance(content, dict) or not isinstance(content.get("downloadUrl"), str):
            continue
        name = name or f"{content.get('uniqueId') or 'tiedosto'}.{content.get('fileType') or 'bin'}"
        found.append(
            IncomingFile(
                str(name),
                content["downloadUrl"],
                str(content.get("fileType") or ""),
                str(content.get("uniqueId") or ""),
            )
        )
    return found


def check_download_url(url: str) -> str:
    """`url` when it may be fetched: https to a named host or a public address, or http(s) to this machine
    (local development and tests). Every redirect hop is checked with this too (`open_download`)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise Invalid("materials.error.bad_download") from None
    if not host or parts.username or parts.password or parts.scheme not in ("http", "https"):
        raise Invalid("materials.error.bad_download")
    if host == "localhost":
        return url
    try:
        address = ipaddress.ip_address(host)
    except ValueError:  # a host name
        if parts.scheme == "https":
            return url
        raise Invalid("materials.error.bad_download") from None
    mapped = getattr(address, "ipv4_mapped", None) or address
    if mapped.is_loopback:
        return url
    if parts.scheme == "https" and mapped.is_global:
        return url
    raise Invalid("materials.error.bad_download")  # private, link-local (cloud metadata), reserved


@dataclass
class Download:
    """A file being fetched: its size and its bytes in chunks (read once)."""

    size: int
    chunks: AsyncIterator[bytes]


@asynccontextmanager
async def open_download(url: str, limit: int) -> AsyncIterator[Download]:
    """Open `url` for streaming. Raises `FileTooLarge` above `limit` bytes, `Unavailable` when the link
    does not answer with the file, `Invalid` for a link the bot does not fetch."""
    check_download_url(url)
    try:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session, _get(session, url) as response:
            if response.status in GONE:
                raise Invalid("materials.error.bad_download")  # an expired or revoked link: send again
            if response.status != 200:
                raise Unavailable("materials.error.download_failed", status=response.status)
            length = response.content_length
            if length is not None and length > limit:
                raise FileTooLarge("materials.error.too_large", max_mb=limit // (1024 * 1024))
            if length is not None:
                yield Download(length, _exactly(response, length))
                return
            with tempfile.TemporaryFile() as spool:
                size = await _spool(response, spool, limit)
                yield Download(size, _from_file(spool))
    except aiohttp.ClientError as error:
        raise Unavailable("materials.error.download_failed", status=0) from error


@asynccontextmanager
async def _get(session: aiohttp.ClientSession, url: str) -> AsyncIterator[aiohttp.ClientResponse]:
    """GET `url`, following at most MAX_REDIRECTS redirects by hand: aiohttp's own following would fetch
    any Location, so each one is checked against the allow-list before it is requested."""
    for _hop in range(MAX_REDIRECTS + 1):
        response = await session.get(url, allow_redirects=False)
        if response.status not in REDIRECTS:
            try:
                yield response
            finally:
                response.release()
            return
        location = response.headers.get("Location", "")
        response.release()
        if not location:
            raise Unavailable("materials.error.download_failed", status=response.status)
        url = check_download_url(urljoin(url, location))
    raise Unavailable("materials.error.download_failed", status=response.status)  # a redirect loop


async def _exactly(response: aiohttp.ClientResponse, length: int) -> AsyncIterator[bytes]:
    received = 0
    async for chunk in response.content.iter_chunked(CHUNK):
        received += len(chunk)
        if received > length:
            raise Unavailable("materials.error.download_failed", status=response.status)
        yield chunk


async def _spool(response: aiohttp.ClientResponse, spool: IO[bytes], limit: int) -> int:
    size = 0
    async for chunk in response.content.iter_chunked(CHUNK):
        size += len(chunk)
        if size > limit:
            raise FileTooLarge("materials.error.too_large", max_mb=limit // (1024 * 1024))
        await asyncio.to_thread(spool.write, chunk)
    await asyncio.to_thread(spool.seek, 0)
    return size


async def _from_file(spool: IO[bytes]) -> AsyncIterator[bytes]:
    while chunk := await asyncio.to_thread(spool.read, CHUNK):
        yield chunk


# ---- files the bot sends: the FileConsentCard's upload URL ------------------------------------------

UPLOAD_BACKOFF = Backoff(retries=3, base=0.5, cap=30.0)
UPLOAD_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=15, sock_read=120)


async def spool_chunks(chunks: AsyncIterator[bytes], spool: IO[bytes], limit: int) -> int:
    """Write `chunks` into `spool` (at most `limit` bytes, else `FileTooLarge`); the size, spool rewound."""
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise FileTooLarge("materials.error.too_large", max_mb=limit // (1024 * 1024))
        await asyncio.to_thread(spool.write, chunk)
    await asyncio.to_thread(spool.seek, 0)
    return size


async def put_to_upload_url(url: str, spool: IO[bytes], size: int) -> None:
    """PUT the `size` bytes of `spool` to the `uploadInfo.uploadUrl` Teams gave for an accepted
    FileConsentCard: one request, `Content-Range: bytes 0-{size-1}/{size}`, no Authorization header (the
    URL is pre-authorised). 429 and 5xx are retried (re-reading the spool). Raises `Unavailable`."""
    try:
        check_download_url(url)
    except Invalid as error:
        raise Unavailable("materials.error.send_failed_upload", status=0) from error
    headers = {"Content-Length": str(size)}
    if size:
        headers["Content-Range"] = f"bytes 0-{size - 1}/{size}"
    status = 0

    async def once() -> None:
        nonlocal status
        await asyncio.to_thread(spool.seek, 0)
        try:
            async with (
                aiohttp.ClientSession(timeout=UPLOAD_TIMEOUT) as session,
                # an upload URL that redirects is refused, not followed (the bytes go only where Teams said)
                session.put(url, data=_from_file(spool), headers=headers, allow_redirects=False) as response,
            ):
                status = response.status
                if status not in (200, 201):
                    raise _UploadRefused(status, parse_retry_after(response.headers.get("Retry-After")))
        except aiohttp.ClientError:
            status = 0
            raise

    try:
        await with_retries(once, policy=UPLOAD_BACKOFF, retry_on=_upload_retryable, what="FileConsent upload")
    except (_UploadRefused, aiohttp.ClientError) as error:
        raise Unavailable("materials.error.send_failed_upload", status=status) from error


class _UploadRefused(Exception):
    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(f"upload URL answered {status}")
        self.status = status
        self.retry_after = retry_after


def _upload_retryable(error: BaseException) -> Retry | None:
    if isinstance(error, aiohttp.ClientError):
        return Retry()
    if isinstance(error, _UploadRefused) and (error.status == 429 or error.status >= 500):
        return Retry(error.retry_after)
    return None
