"""What a person does in the Agents Playground's page, driven through Playwright in Debian's chromium.

`PlaygroundWorld` runs `python -m devtools.playground` (what `make playground` runs) on free ports;
`Chat` is the page: open a conversation, type, wait for the bot's card, press its buttons, fill its inputs,
and check that nothing on a card is cut off. Selectors are the ones that work with Playground 0.2.28
(`/work/shared/facts.md`): conversations by `aria-label`, cards as `.ac-adaptiveCard`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import yaml

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
# Headless, and nothing that reaches for Google's hosts: the machine's network is closed.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 60_000  # the bot answers in well under a second; the margin is for a busy shared machine
_OPEN = re.compile(r"Open the Microsoft 365 Agents Playground: (\S+)")


def browser_missing() -> str | None:
    """Why the browser suite cannot run here, or None when it can."""
    if not CHROMIUM.is_file():
        return f"no chromium at {CHROMIUM} (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "pip playwright is not installed (make test installs the dev extras)"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PlaygroundWorld:
    """`python -m devtools.playground` in a subprocess, with its own database and files under `var`."""

    locale: str
    var: Path
    url: str = ""
    process: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.var / "playground-run.log"

    def start(self, startup_seconds: float = 60.0) -> None:
        self.var.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "HOST": "127.0.0.1",
            "PORT": str(free_port()),
            "PLAYGROUND_PORT": str(free_port()),
            "MANAGEMENT_PORT": str(free_port()),  # not 3979, which another bot on the machine may hold
            "PLAYGROUND_LOCALE": self.locale,
            "VAR_DIR": str(self.var),
            "DATABASE_URL": f"sqlite:///{self.var / 'bot.db'}",
            "GRAPH_BASE_URL": "sandbox",
        }
        for name in ("MicrosoftAppId", "TEAM_ID", "COORDINATORS"):
            env.pop(name, None)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "devtools.playground"], cwd=ROOT, env=env, stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + startup_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"make playground exited {self.process.returncode}:\n{self.output()}")
            if match := _OPEN.search(self.output()):
                self.url = match.group(1)
                return
            time.sleep(0.2)
        raise AssertionError(f"make playground did not start in {startup_seconds}s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def post_card(self, card: dict[str, object]) -> None:
        """Post `card` into the personal chat as the bot, through the Playground's mock connector (the
        REST call the bot makes), so the page renders a card built from data no journey has."""
        config = yaml.safe_load((ROOT / ".m365agentsplayground.yml").read_text(encoding="utf-8"))
        chat_id = config["personalChat"]["id"]
        activity = {
            "type": "message",
            "from": {"id": config["bot"]["id"], "name": config["bot"]["name"]},
            "conversation": {"id": chat_id},
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}],
        }
        request = urllib.request.Request(
            f"{self.url}/_connector/v3/conversations/{quote(chat_id, safe='')}/activities",
            data=json.dumps(activity).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status in (200, 201), answer.status

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# Elements of a rendered card whose content is wider than they are (a cut-off button title, text past the
# card's edge), or that reach outside the card, and the card itself when it scrolls sideways. Returns what
# each shows, to name it in the failure.
#
# A chart's axis labels are the renderer's to shorten: the Teams chart renderer in the Playground ends a
# category name that does not fit its bar group with "…" at any card width (the grouped bar chart of six
# assessment parts does so at 446 px), keeps the full name in the chart's accessible labels, and offers no
# setting against it. Cards that chart names therefore give the numbers in a table beside the chart. Text in
# a chart is still checked for reaching outside the card.
_CLIPPED_JS = """
card => {
  const box = card.getBoundingClientRect();
  const found = [];
  const [wide, shown] = [card.scrollWidth, card.clientWidth];
  if (wide > shown + 1) found.push(`scrolls sideways: ${wide} > ${shown}`);
  for (const el of card.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    // Nothing a person sees: empty boxes, and the 1-pixel focus guards Fluent's tabster puts around a
    // focused group (e.g. the radio buttons of a choice), fixed at the page's corner.
    if (r.width <= 1 || r.height <= 1 || el.hasAttribute('data-tabster-dummy')) continue;
    const style = getComputedStyle(el);
    if (style.position === 'fixed') continue;  // focus-trap sentinels and pop-ups are not the card's content
    const shown = el.value !== undefined && typeof el.value === 'string' ? el.value : el.innerText;
    const text = (shown || el.getAttribute('aria-label') || '').trim().slice(0, 80);
    const hides = ['hidden', 'clip'].includes(style.overflowX) || style.textOverflow === 'ellipsis';
    const inChart = el.closest('[role="alert"][aria-label*=" chart"]') !== null;
    if (hides && el.scrollWidth > el.clientWidth + 1 && text) {
      if (!inChart) found.push('cut off: ' + text);
    } else if (r.right > box.right + 1 || r.left < box.left - 1) {
      found.push('outside: ' + (text || el.tagName));
    }
  }
  return found;
}
"""
# A phone's card: a screen 360 CSS px wide less Teams' 16 px margin on each side. The Playground draws every
# card 446 px wide whatever the window (its message bubble has a fixed width and `msteams.width: "full"`
# changes nothing there), so `Chat.phone_width` narrows the cards themselves; the renderer then lays them
# out again, charts included (they follow their container's size, not the window's).
PHONE_SCREEN = 360
PHONE_CARD = PHONE_SCREEN - 2 * 16
_PHONE_CSS = f""".ac-preview-panel, .ac-adaptiveCard {{ width: {PHONE_CARD}px !important;
max-width: {PHONE_CARD}px !important; box-sizing: border-box; }}"""


class Chat:
    """The Playground's page as the signed-in user (Maija) sees it."""

    def __init__(self, page: object, bot_name: str = "Vertaisbotti") -> None:
        from playwright.sync_api import Page

        assert isinstance(page, Page)
        self.page = page
        self.bot_name = bot_name
        self._since = 0  # cards on the page before the last `say`: its answer comes after them
        self.errors: list[str] = []  # what the page's scripts reported as errors (shown with a failure)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)

    def open(self, conversation: str) -> None:
        """ "Personal Chat", a group chat's name, or "<Team> - <Channel>"."""
        self.page.get_by_label(conversation, exact=True).click()
        self.page.wait_for_timeout(300)
        self._since = 0

    def say(self, text: str) -> None:
        """Type into the personal or group chat's box and send."""
        self._since = self.page.locator(".ac-adaptiveCard").count()
        box = self.page.get_by_role("textbox").last
        box.click()
        box.fill(text)
        box.press("Enter")

    def post(self, text: str) -> None:
        """Start a channel post that @mentions the bot, as Teams needs for the bot to see it."""
        box = self.page.get_by_role("textbox").first
        box.click()
        box.type("@")
        self.page.get_by_role("menuitem", name=self.bot_name).click()
        box.type(f" {text}")
        self.page.get_by_role("button", name="Post", exact=True).click()

    def _cards_since(self) -> object:
        if not self._since:
            return self.page.locator(".ac-adaptiveCard")
        card = "contains(concat(' ', normalize-space(@class), ' '), ' ac-adaptiveCard ')"
        return self.page.locator(f"xpath=(//*[{card}])[position() > {self._since}]")

    def cards(self, text: str | re.Pattern[str]) -> object:
        return self.page.locator(".ac-adaptiveCard").filter(has_text=text)

    def card(self, text: str | re.Pattern[str], *, wait_ms: int = WAIT_MS) -> object:
        """The newest card showing `text`, once it is visible; fails if it does not come. After `say`, only
        a card that came after it counts (an older card showing the same words is not the answer)."""
        from playwright.sync_api import expect

        found = self._cards_since().filter(has_text=text).last
        expect(found).to_be_visible(timeout=wait_ms)
        found.scroll_into_view_if_needed()
        return found

    def text(self, text: str | re.Pattern[str], *, wait_ms: int = WAIT_MS) -> object:
        """The newest plain message (or anything on the page) showing `text`."""
        from playwright.sync_api import expect

        found = self.page.get_by_text(text).last
        expect(found).to_be_visible(timeout=wait_ms)
        return found

    def press(self, card: object, title: str | re.Pattern[str]) -> None:
        card.get_by_role("button", name=title).first.click()  # type: ignore[attr-defined]

    def choose(self, card: object, option: str, which: int = 0) -> None:
        """Pick `option` in the card's `which`-th drop-down (a Fluent combobox in the Playground)."""
        card.get_by_role("combobox").nth(which).click()  # type: ignore[attr-defined]
        self.page.get_by_role("option", name=option, exact=True).click()

    def check(self, card: object, label: str) -> None:
        """Tick a checkbox (an expanded multi-choice or a toggle, named by `aria-label`) or a radio button (an
        expanded single choice, named by its label)."""
        box = card.locator(f'input[aria-label="{label}"]')  # type: ignore[attr-defined]
        box.or_(card.get_by_role("radio", name=label, exact=True)).first.check()  # type: ignore[attr-defined]

    def fill(self, card: object, label: str, text: str) -> None:
        """Click into the card's input labelled `label` and type `text`, as a person does.

        The click matters: the Playground (0.2.28) rebuilds a card's model on the first pointer press in it
        after it is shown, and text put into a field before that (focus and type, or a bare `fill`) stays on
        the screen but is not sent with the card's action.
        """
        field = card.get_by_label(label).first  # type: ignore[attr-defined]
        field.click()
        field.fill(text)

    def pick_date(self, card: object, placeholder: str, day: date) -> None:
        """Pick `day` in the card's date input (a calendar pop-up in the Playground; it shows the month of
        today, in English)."""
        card.locator(f'input[placeholder="{placeholder}"]').click()  # type: ignore[attr-defined]
        calendar = self.page.get_by_role("dialog").last
        label = f"{day.day}, {day:%B}, {day.year}"
        if not calendar.locator(f'[aria-label="{label}"]').count():
            calendar.locator('button[title^="Next month"]').click()
        calendar.locator(f'[aria-label="{label}"]').click()

    def send_activity(self, activity: dict[str, object]) -> None:
        """Send the bot an activity from the Playground's "Mock an Activity" > "Custom activity" editor (how a
        message with a file attachment can be sent there: its send box takes no files)."""
        self._since = self.page.locator(".ac-adaptiveCard").count()
        self.page.get_by_role("button", name="Mock an Activity").click()
        self.page.get_by_role("menuitem", name="Custom activity").click()
        dialog = self.page.get_by_role("dialog", name="Custom activity")
        dialog.locator(".monaco-editor .view-lines").first.click()  # the editor's text, as a person clicks it
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.press("Delete")
        self.page.keyboard.insert_text(json.dumps(activity, ensure_ascii=False))
        dialog.get_by_role("button", name="Send activity").click()
        from playwright.sync_api import expect

        expect(dialog).to_be_hidden()

    def assert_whole(self, card: object) -> None:
        """Nothing on the card is cut off or sticks out of it."""
        problems = card.evaluate(_CLIPPED_JS)  # type: ignore[attr-defined]
        assert not problems, f"the card is clipped: {problems}"

    @contextmanager
    def phone_width(self) -> Iterator[None]:
        """Inside the block every card is as wide as on a phone. (Only the cards: the Playground's page
        keeps its layout at any window width, so a phone-wide window would only hide half of it.)"""
        style = self.page.add_style_tag(content=_PHONE_CSS)
        try:
            yield
        finally:
            style.evaluate("node => node.remove()")

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)


@contextmanager
def served_file(name: str, content: bytes) -> Iterator[str]:
    """Serve `content` at http://127.0.0.1:<port>/<name> while in the block and yield that URL: the
    pre-authorised download link Teams would put in a file's attachment (the bot fetches http only on
    this machine)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != f"/{quote(name)}":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{quote(name)}"
    finally:
        server.shutdown()
        server.server_close()


def node_available() -> bool:
    return shutil.which("node") is not None
