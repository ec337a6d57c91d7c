"""Downloads of files sent to the bot follow redirects themselves: every hop passes the same allow-list as the
first URL (issue 14, request forgery), at most a few hops, and an upload URL is never redirected."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.files import MAX_REDIRECTS, check_download_url, open_download, put_to_upload_url
from core.errors import Invalid, Unavailable


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


async def _read(url: str) -> bytes:
    async with open_download(url, 1024) as download:
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
    with pytest.raises(Unavailable):
        await put_to_upload_url(f"{links.url}/upload", io.BytesIO(b"x"), 1)
    assert links.hits == ["/upload"]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://contoso.sharepoint.com/personal/x/file.pptx", True),
        ("http://127.0.0.1:8080/file", True),
        ("http://localhost/file", True),
        ("https://127.0.0.1/file", True),
        ("http://contoso.sharepoint.com/file", False),
        ("https://192.168.1.1/file", False),
        ("https://[::ffff:10.0.0.1]/file", False),
        ("https://0.0.0.0/file", False),
        ("https://user:pw@contoso.sharepoint.com/file", False),
        ("https:///file", False),
    ],
)
def test_the_allow_list(url: str, allowed: bool) -> None:
    if allowed:
        assert check_download_url(url) == url
    else:
        with pytest.raises(Invalid):
            check_download_url(url)
