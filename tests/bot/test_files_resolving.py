"""Downloads resolve every host name themselves, through a resolver double here: a name with any private,
loopback, link-local or otherwise non-public address is refused before any connection, and the connection
goes to the very address that was checked (one lookup per connection: DNS rebinding has no second one)."""

from __future__ import annotations

import io

import pytest
from pydantic import ValidationError

from bot.files import Downloads
from bot.settings import Settings
from core.errors import Invalid, Unavailable
from tests.bot.test_files_redirects import Links, _read, links  # noqa: F401 (the links fixture)
from tests.harness.resolver import Names


@pytest.mark.parametrize(
    "addresses",
    [
        ["10.0.0.5"],
        ["192.168.1.20"],
        ["169.254.169.254"],  # cloud metadata
        ["127.0.0.1"],  # this machine, without the allowance
        ["100.64.0.1"],  # carrier-grade NAT
        ["::1"],
        ["fd00::1"],
        ["fe80::1"],
        ["64:ff9b::a9fe:a9fe"],  # NAT64 of 169.254.169.254
        ["93.184.216.34", "10.0.0.5"],  # one private address among public ones is enough
    ],
)
async def test_a_name_resolving_to_a_non_public_address_is_refused_unconnected(addresses: list[str]) -> None:
    names = Names({"files.example": [addresses]})
    downloads = Downloads(resolver=lambda: names)
    with pytest.raises(Invalid):
        await _read("https://files.example/deck.pptx", downloads)
    assert names.calls == ["files.example"]
    async with downloads:
        with pytest.raises(Unavailable):  # an upload URL naming such a host is refused alike
            await downloads.put("https://files.example/upload", io.BytesIO(b"x"), 1)


async def test_the_connection_goes_to_the_checked_address(links: Links) -> None:  # noqa: F811
    port = links.url.rsplit(":", 1)[1]
    # The first answer is this machine (allowed in tests); a rebinding second answer would be private.
    names = Names({"localhost": [["127.0.0.1"], ["10.0.0.5"]]})
    downloads = Downloads(loopback=True, resolver=lambda: names)
    assert await _read(f"http://localhost:{port}/file", downloads) == b"slides"
    assert names.calls == ["localhost"] and links.hits == ["/file"]
    # A new connection looks the name up again and meets the rebound, private answer: refused.
    with pytest.raises(Invalid):
        await _read(f"http://localhost:{port}/file", downloads)
    assert links.hits == ["/file"]


async def test_plain_http_to_another_name_is_refused_unresolved() -> None:
    names = Names()
    with pytest.raises(Invalid):
        await _read("http://intranet.example/file", Downloads(loopback=True, resolver=lambda: names))
    assert names.calls == []


def test_the_loopback_allowance_is_for_local_anonymous_mode_only() -> None:
    with pytest.raises(ValidationError, match="DOWNLOADS_FROM_LOOPBACK"):
        Settings(
            _env_file=None, MicrosoftAppId="app", MicrosoftAppPassword="pw", DOWNLOADS_FROM_LOOPBACK=True
        )
    assert Settings(_env_file=None, DOWNLOADS_FROM_LOOPBACK=True).downloads_from_loopback
