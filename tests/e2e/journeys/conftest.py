"""The browser suite: one `make playground` world and one chromium page per language, shared by the journeys
of a module in order (a journey builds on the ones before it, as a person's afternoon would)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.browser import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    ROOT,
    WAIT_MS,
    Chat,
    PlaygroundWorld,
    browser_missing,
)

SCREENSHOTS = ROOT / "var" / "e2e"
LANGUAGES = {"fi": "fi-FI", "en": "en-US"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = browser_missing()
    if reason is None:
        return
    if os.environ.get("E2E_BROWSER_REQUIRED"):
        raise pytest.UsageError(f"the browser suite must run here (E2E_BROWSER_REQUIRED) but: {reason}")
    skip = pytest.mark.skip(reason=f"browser suite skipped: {reason}")
    for item in items:
        if "journeys" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="module", params=sorted(LANGUAGES), ids=str)
def language(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def world(language: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlaygroundWorld]:
    world = PlaygroundWorld(LANGUAGES[language], tmp_path_factory.mktemp(f"playground-{language}"))
    world.start()
    try:
        yield world
    finally:
        world.stop()


@pytest.fixture(scope="module")
def chat(world: PlaygroundWorld) -> Iterator[Chat]:
    from playwright.sync_api import expect, sync_playwright

    # expect()'s own default is 5 s, not the page's: the journeys' checks get the same busy-machine margin
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(WAIT_MS)
            page.goto(world.url)
            yield Chat(page)
        finally:
            browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    """A failed journey step leaves a screenshot of the page under var/e2e/ and names it in the report."""
    report = yield
    chat = getattr(item, "funcargs", {}).get("chat")
    if report.when == "call" and report.failed and isinstance(chat, Chat):
        path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "_", item.nodeid) + ".png")
        try:
            chat.screenshot(path)
            report.sections.append(("screenshot", f"the page at the failure: {path}"))
        except Exception as error:  # the page itself may be what failed
            report.sections.append(("screenshot", f"no screenshot: {error}"))
        if chat.errors:
            report.sections.append(("the page's script errors (last 20)", "\n".join(chat.errors[-20:])))
        world = item.funcargs.get("world")
        if isinstance(world, PlaygroundWorld):
            report.sections.append(("make playground output (last lines)", world.output()[-4000:]))
    return report


def words(language: str, fi: str, en: str) -> str:
    return fi if language == "fi" else en


@pytest.fixture(scope="module")
def t(language: str) -> Any:
    """`t("suomeksi", "in English")`: the text the page shows in this module's language."""
    return lambda fi, en: words(language, fi, en)
