"""The /liity page over HTTP: what a browser without JavaScript sends, and the approval card it leads to."""

from __future__ import annotations

import aiohttp
from aiohttp.test_utils import make_mocked_request

from bot.join_page import client_address
from core.joins import Status
from tests.harness.activities import MAIJA
from tests.joins.conftest import open_form
from tests.networks.conftest import World, card_text

FORM = {
    "name": "Aino Esimerkki",
    "email": "Aino.Esimerkki@Luksia.fi",
    "organization": "Luksia",
    "networks": "hr-kehittajat",
    "message": "Haluaisin mukaan HR-verkostoon.",
}


async def test_a_request_lands_with_the_coordinator_as_an_approval_card(world: World) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        token = await open_form(browser, world.bot.url + "/liity")
        async with browser.post(world.bot.url + "/liity", data={**FORM, "token": token}) as response:
            assert response.status == 200
            assert "Kiitos pyynnöstäsi" in await response.text()
    [request] = await world.store.join_requests([Status.PENDING])
    assert (request.email, request.networks) == ("aino.esimerkki@luksia.fi", ("hr-kehittajat",))
    assert request.client and "127.0.0.1" not in request.client  # a keyed hash, not the address
    await world.delivered(f"join:{request.id}:ask", 1)
    [card] = [c for c in await world.chat_cards(MAIJA) if "Liittymispyyntö" in card_text(c)]
    assert "aino.esimerkki@luksia.fi" in card_text(card) and "Hyväksy" in card_text(card)


async def test_a_post_without_the_pages_token_or_cookie_is_refused(world: World) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as other_site:
        token = await open_form(other_site, world.bot.url + "/join")
    # a token without its cookie: a post from another site
    async with (
        aiohttp.ClientSession() as browser,
        browser.post(world.bot.url + "/join", data={**FORM, "token": token}) as response,
    ):
        assert response.status == 400
        assert "The form expired" in await response.text()
    assert await world.store.join_requests([Status.PENDING]) == []


def test_behind_a_proxy_the_client_is_the_address_the_proxy_saw() -> None:
    forwarded = {"X-Forwarded-For": "10.9.9.9, 203.0.113.7"}  # a made-up entry, then the ingress's
    request = make_mocked_request("POST", "/liity", headers=forwarded)
    assert client_address(request, 1) == "203.0.113.7"
    assert client_address(request, 0) != "10.9.9.9"  # no proxy trusted: the header means nothing
