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
import socket
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import IO, Any, Self
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

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


@dataclass
class Download:
    """A file being fetched: its size and its bytes in chunks (read once)."""

    size: int
    chunks: AsyncIterator[bytes]


class RefusedAddress(Exception):
    """A host name that resolves to an address the bot does not fetch from (raised by `CheckedResolver`)."""


def allowed_address(address: str, *, loopback: bool) -> bool:
    """Whether an IP address may be fetched from: a public one, or this machine's with the `loopback`
    allowance. Private, link-local (cloud metadata), shared, reserved, multicast and unspecified addresses
    never; IPv6 forms carrying an IPv4 address (mapped, 6to4, Teredo, NAT64) are judged by that address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    if ip.is_loopback:
        return loopback
    return ip.is_global and not ip.is_multicast


NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class CheckedResolver(AbstractResolver):
    """Resolves with `inner` and refuses the name when any address it resolves to is not allowed
    (`allowed_address`); the connector then connects to exactly the addresses checked here, so a second
    lookup cannot swap in another (DNS rebinding). It keeps no state per request: one resolver may serve
    any number of concurrent requests."""

    def __init__(self, inner: AbstractResolver, *, loopback: bool) -> None:
        self._inner = inner
        self._loopback = loopback

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        for each in found:
            address = each["host"]
            if not allowed_address(address, loopback=self._loopback):
                raise RefusedAddress(f"{host} resolves to {address}")
        return found

    async def close(self) -> None:
        await self._inner.close()


def check_download_url(url: str, *, loopback: bool = False) -> str:
    """`url` when it may be fetched as far as the URL shows: https to a host name (its addresses are
    checked when it is resolved, `CheckedResolver`) or to a public address; with the `loopback` allowance
    (local development and tests only) also http(s) to this machine. Every redirect hop is checked too."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise Invalid("materials.error.bad_download") from None
    if not host or parts.username or parts.password or parts.scheme not in ("http", "https"):
        raise Invalid("materials.error.bad_download")
    try:
        ipaddress.ip_address(host)
    except ValueError:  # a host name: https, or http to this machine (`localhost`) with the allowance
        if parts.scheme == "https" or (loopback and host == "localhost"):
            return url
        raise Invalid("materials.error.bad_download") from None
    if not allowed_address(host, loopback=loopback):
        raise Invalid("materials.error.bad_download")  # private, link-local (cloud metadata), reserved
    if parts.scheme == "http" and not ipaddress.ip_address(host).is_loopback:
        raise Invalid("materials.error.bad_download")  # plain http only on this machine
    return url


Resolvers = Callable[[], AbstractResolver]


@dataclass
class Downloads:
    """How the bot fetches the files people send it and PUTs the files it sends: every URL and redirect hop
    on the allow-list, every host name resolved and checked, connections only to the checked addresses.
    `loopback` (setting DOWNLOADS_FROM_LOOPBACK, local anonymous mode only) also allows this machine;
    `resolver` makes the name lookup (a test double in tests).

    All of it goes through one aiohttp session, opened on first use (in the running loop) and closed by
    `close` at shutdown (`bot.app`, after the background transfers) or at the end of `async with`."""

    loopback: bool = False
    resolver: Resolvers = ThreadedResolver
    _session: aiohttp.ClientSession | None = field(default=None, init=False, repr=False)
    _checked: CheckedResolver | None = field(default=None, init=False, repr=False)

    def check(self, url: str) -> str:
        return check_download_url(url, loopback=self.loopback)

    def session(self) -> aiohttp.ClientSession:
        """The one session of every download and upload. No DNS cache and no kept-alive connections: each
        request resolves and checks its host anew (DNS rebinding), and no cookie jar, so nothing one
        pre-authorised URL is given travels with the next request to its host."""
        if self._session is None or self._session.closed:
            self._checked = CheckedResolver(self.resolver(), loopback=self.loopback)
            connector = aiohttp.TCPConnector(resolver=self._checked, use_dns_cache=False, force_close=True)
            self._session = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._checked is not None:
            await self._checked.close()
        self._session = self._checked = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.close()

    @asynccontextmanager
    async def open(self, url: str, limit: int) -> AsyncIterator[Download]:
        """Open `url` for streaming. Raises `FileTooLarge` above `limit` bytes, `Unavailable` when the link
        does not answer with the file, `Invalid` for a link the bot does not fetch."""
        self.check(url)
        try:
            async with self._get(self.session(), url) as response:
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
        except RefusedAddress as error:
            raise Invalid("materials.error.bad_download") from error
        except aiohttp.ClientError as error:
            raise Unavailable("materials.error.download_failed", status=0) from error

    @asynccontextmanager
    async def _get(self, session: aiohttp.ClientSession, url: str) -> AsyncIterator[aiohttp.ClientResponse]:
        """GET `url`, following at most MAX_REDIRECTS redirects by hand: aiohttp's own following would
        fetch any Location, so each one is checked against the allow-list before it is requested."""
        for _hop in range(MAX_REDIRECTS + 1):
            response = await session.get(url, allow_redirects=False, timeout=TIMEOUT)
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
            url = self.check(urljoin(url, location))
        raise Unavailable("materials.error.download_failed", status=response.status)  # a redirect loop

    async def put(self, url: str, spool: IO[bytes], size: int) -> None:
        """PUT the `size` bytes of `spool` to the `uploadInfo.uploadUrl` Teams gave for an accepted
        FileConsentCard: one request, `Content-Range: bytes 0-{size-1}/{size}`, no Authorization header
        (the URL is pre-authorised), its host on the allow-list like a download's. 429 and 5xx are retried
        (re-reading the spool). Raises `Unavailable`."""
        try:
            self.check(url)
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
                # an upload URL that redirects is refused, not followed (the bytes go where Teams said)
                async with self.session().put(
                    url,
                    data=_from_file(spool),
                    headers=headers,
                    allow_redirects=False,
                    timeout=UPLOAD_TIMEOUT,
                ) as response:
                    status = response.status
                    if status not in (200, 201):
                        raise _UploadRefused(status, parse_retry_after(response.headers.get("Retry-After")))
            except aiohttp.ClientError:
                status = 0
                raise

        try:
            await with_retries(
                once, policy=UPLOAD_BACKOFF, retry_on=_upload_retryable, what="FileConsent upload"
            )
        except (_UploadRefused, aiohttp.ClientError, RefusedAddress) as error:
            raise Unavailable("materials.error.send_failed_upload", status=status) from error


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
