"""Downloads of files sent to the bot follow redirects themselves: every hop passes the same allow-list as the
first URL (issue 14, request forgery), at most a few hops, and an upload URL is never redirected."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.files import MAX_REDIRECTS, Downloads, check_download_url
from core.errors import Invalid, Unavailable
from tests.harness.resolver import Names


class Links:
    """A loopback file server whose paths redirect as a test tells them to."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.redirects: dict[str, tuple[int, str]] = {}
        self.url = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.hits.append(request.path)
        if request.path in self.redirects:
            status, location = self.redirects[request.path]
            return web.Response(status=status, headers={"Location": location})
        if request.path == "/file":
            return web.Response(body=b"slides")
        return web.Response(status=404)


@pytest.fixture
async def links() -> AsyncIterator[Links]:
    server = Links()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield server
    finally:
        await runner.cleanup()


def _local() -> Downloads:
    """The links server is on this machine: the tests' explicit allowance; names resolve to a public
    address."""
    return Downloads(loopback=True, resolver=Names)


async def _read(url: str, downloads: Downloads | None = None) -> bytes:
    """The file at `url`, through `downloads` (whose session is closed afterwards, as at shutdown)."""
    async with downloads or _local() as through, through.open(url, 1024) as download:
        return b"".join([chunk async for chunk in download.chunks])


async def test_redirects_within_the_allow_list_are_followed(links: Links) -> None:
    links.redirects["/a"] = (302, f"{links.url}/b")
    links.redirects["/b"] = (307, "/file")  # relative, as SharePoint's are
    assert await _read(f"{links.url}/a") == b"slides"
    assert links.hits == ["/a", "/b", "/file"]


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata, plain http off this machine
        "http://example.com/file",
        "https://10.0.0.5/internal",
        "https://169.254.169.254/metadata",
        "https://[fd00::1]/x",
        "ftp://127.0.0.1/file",
        "file:///etc/passwd",
    ],
)
async def test_a_redirect_off_the_allow_list_is_refused_before_it_is_fetched(
    links: Links, location: str
) -> None:
    links.redirects["/a"] = (302, location)
    with pytest.raises(Invalid):
        await _read(f"{links.url}/a")
    assert links.hits == ["/a"]


async def test_a_redirect_chain_is_bounded(links: Links) -> None:
    links.redirects["/loop"] = (301, "/loop")
    with pytest.raises(Unavailable):
        await _read(f"{links.url}/loop")
    assert len(links.hits) == MAX_REDIRECTS + 1


async def test_a_redirect_without_a_location_is_a_failed_download(links: Links) -> None:
    links.redirects["/a"] = (302, "")
    with pytest.raises(Unavailable):
        await _read(f"{links.url}/a")


async def test_an_upload_url_that_redirects_is_not_followed(links: Links) -> None:
    links.redirects["/upload"] = (307, f"{links.url}/elsewhere")
    async with _local() as downloads:
        with pytest.raises(Unavailable):
            await downloads.put(f"{links.url}/upload", io.BytesIO(b"x"), 1)
    assert links.hits == ["/upload"]


@pytest.mark.parametrize(
    ("url", "allowed", "with_loopback"),
    [
        ("https://contoso.sharepoint.com/personal/x/file.pptx", True, True),  # its addresses: when resolved
        ("http://127.0.0.1:8080/file", False, True),
        ("http://localhost/file", False, True),
        ("https://127.0.0.1/file", False, True),
        ("https://[::1]/file", False, True),
        ("http://contoso.sharepoint.com/file", False, False),  # plain http only to this machine
        ("http://93.184.216.34/file", False, False),
        ("https://192.168.1.1/file", False, False),
        ("https://100.64.0.1/file", False, False),
        ("https://[::ffff:10.0.0.1]/file", False, False),
        ("https://[64:ff9b::a00:1]/file", False, False),  # NAT64 of 10.0.0.1
        ("https://[2002:a00:1::]/file", False, False),  # 6to4 of 10.0.0.1
        ("https://224.0.0.1/file", False, False),
        ("https://0.0.0.0/file", False, False),
        ("https://user:pw@contoso.sharepoint.com/file", False, False),
        ("https:///file", False, False),
    ],
)
def test_the_allow_list(url: str, allowed: bool, with_loopback: bool) -> None:
    for loopback, expected in ((False, allowed), (True, with_loopback)):
        if expected:
            assert check_download_url(url, loopback=loopback) == url
        else:
            with pytest.raises(Invalid):
                check_download_url(url, loopback=loopback)


async def test_downloads_and_uploads_go_through_one_session_closed_at_the_end(links: Links) -> None:
    downloads = _local()
    async with downloads:
        session = downloads.session()
        async with downloads.open(f"{links.url}/file", 1024) as download:
            assert b"".join([chunk async for chunk in download.chunks]) == b"slides"
        with pytest.raises(Unavailable):  # 404 from the upload URL: refused, not retried
            await downloads.put(f"{links.url}/missing", io.BytesIO(b"x"), 1)
        assert downloads.session() is session and not session.closed
    assert session.closed and links.hits == ["/file", "/missing"]
