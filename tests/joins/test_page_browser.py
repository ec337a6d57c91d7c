"""/liity in a real browser (Debian's chromium, headless, through Playwright): the keyboard order, an
over-long message answered beside its field, a script tag shown as text, the request sent and its approval
card with the coordinator, the honeypot, and the rate limit."""

from __future__ import annotations

import pytest

from bot.app import SERVICES
from core.joins import MESSAGE_MAX, JoinRequest, Source, Status, client_key
from tests.e2e.browser import CHROMIUM, CHROMIUM_FLAGS, browser_missing
from tests.harness.activities import MAIJA
from tests.networks.conftest import World, card_text

pytestmark = pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))

SCRIPT = "<script>document.title='pwned'</script>"


async def test_the_join_page_in_a_browser(world: World) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = await browser.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda d: dialogs.append(d.message))
            await page.goto(world.bot.url + "/liity")

            # The keyboard reaches the fields in reading order; the honeypot is never reached.
            order = []
            for _ in range(11):
                await page.keyboard.press("Tab")
                focused = "document.activeElement.id || document.activeElement.tagName"
                order.append(await page.evaluate(focused))
            assert order[:4] == ["A", "name", "email", "organization"]
            boxes = [o for o in order if o.startswith("network-")]
            assert order == ["A", "name", "email", "organization", *boxes, "message", "BUTTON"]
            assert boxes[0] == "network-hr-kehittajat"

            await page.get_by_label("Nimi", exact=True).fill(f"Aino {SCRIPT}")
            await page.get_by_label("Työsähköposti").fill("aino.esimerkki@luksia.fi")
            await page.get_by_label("Organisaatio").fill("Luksia")
            await page.get_by_label("HR-kehittäjäverkosto").check()
            await page.get_by_label("Lyhyt viesti (vapaaehtoinen)").fill("x" * (MESSAGE_MAX + 1))
            await page.get_by_role("button", name="Lähetä pyyntö").click()

            # Answered beside the field (and in the summary), everything typed kept, the script as text.
            message = page.get_by_label("Lyhyt viesti (vapaaehtoinen)")
            assert await message.get_attribute("aria-invalid") == "true"
            error = page.locator("#message-error")
            assert await error.inner_text() == "Viesti on liian pitkä: enintään 1\u00a0000 merkkiä."
            assert "message-error" in (await message.get_attribute("aria-describedby") or "")
            assert await page.get_by_label("Nimi", exact=True).input_value() == f"Aino {SCRIPT}"
            assert await page.get_by_label("HR-kehittäjäverkosto").is_checked()
            assert await page.title() != "pwned" and dialogs == []
            assert await world.store.join_requests([Status.PENDING]) == []

            await message.fill("Haluaisin mukaan.")
            await page.get_by_role("button", name="Lähetä pyyntö").click()
            await page.get_by_role("heading", name="Kiitos pyynnöstäsi!").wait_for()
            [request] = await world.store.join_requests([Status.PENDING])
            assert request.name == f"Aino {SCRIPT}"
            await world.delivered(f"join:{request.id}:ask", 1)
            [approval] = [c for c in await world.chat_cards(MAIJA) if request.email in card_text(c)]
            assert SCRIPT in card_text(approval)  # plain text in a TextRun: shown as typed, never run

            # A bot filling every field, the hidden one too: thanked, nothing kept.
            await page.goto(world.bot.url + "/join")
            await page.get_by_label("Name", exact=True).fill("Bot")
            await page.get_by_label("Work email").fill("bot@example.com")
            await page.get_by_label("Organisation").fill("Bots")
            await page.locator("#website").fill("http://spam.example", force=True)
            await page.get_by_role("button", name="Send the request").click()
            await page.get_by_role("heading", name="Thank you for your request!").wait_for()
            assert len(await world.store.join_requests([Status.PENDING])) == 1

            # The fifth request from one address within the hour is the last one.
            assert world.bot.app is not None
            secret = world.bot.app[SERVICES].key.derive(b"join-client")
            for n in range(4):
                await world.store.add_join_request(
                    JoinRequest(
                        f"seed{n}", Source.FORM, f"p{n}@example.com", client=client_key(secret, "127.0.0.1")
                    )
                )
            await page.goto(world.bot.url + "/join")
            await page.get_by_label("Name", exact=True).fill("Late")
            await page.get_by_label("Work email").fill("late@example.com")
            await page.get_by_label("Organisation").fill("Luksia")
            response_status = []
            page.on("response", lambda r: response_status.append(r.status))
            await page.get_by_role("button", name="Send the request").click()
            await page.get_by_text("Many requests have already been sent from this address").wait_for()
            assert 429 in response_status
        finally:
            await browser.close()
