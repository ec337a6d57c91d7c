"""`python -m devtools.playground`: the bot and the Microsoft 365 Agents Playground, to chat with it locally.

The bot runs in-process on the same settings as `python -m bot` (anonymous mode, loopback only). The
Playground (npm `@microsoft/m365agentsplayground`, put into `tests/e2e/node_modules` by `make playground`)
runs as a child process, fully offline, with the project team described in `.m365agentsplayground.yml`.

The Playground always chats as the file's `currentUser` and stamps every activity with `locale: en-US`. A
locale shim in front of the bot's `/api/messages` replaces that with the locale chosen for the session
(`--locale` or PLAYGROUND_LOCALE: Finnish by default, `en-US` for English), as a Teams client in that language
would send it.

The world is one: the Graph sandbox gets the Playground's team and channels (ids and names, see
`graph/sandbox/playground.py`), and once the Playground is up the bot is installed in that team, as a team
owner adding the app in Teams would do, so it knows its team, has greeted General and read the roster
before the first message.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import yaml
from aiohttp import web
from pydantic import ValidationError

from bot.app import SERVICES, create_app
from bot.logs import configure
from bot.settings import Settings
from graph.sandbox.playground import PlaygroundTeam, read_team, seed_playground_team

ROOT = Path(__file__).resolve().parents[1]
CONFIG_FILE = ROOT / ".m365agentsplayground.yml"
CLI = ROOT / "tests" / "e2e" / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"
DEFAULT_PORT = 56150
DEFAULT_LOCALE = "fi-FI"
LOG_FILE = "m365agentsplayground.log"  # where the Playground logs when its stdout is not a terminal
_LISTENING = re.compile(r"Listening on (\d+)")
_LOCALE = re.compile(r"[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})*")


class PlaygroundError(RuntimeError):
    """The Playground cannot run: not installed, no `node`, or it exited before listening."""


def localize(activity: dict[str, Any], locale: str) -> None:
    """Give the activity (and its clientInfo entity) the Teams client's locale, in place."""
    activity["locale"] = locale
    for entity in activity.get("entities") or ():
        if isinstance(entity, dict) and entity.get("type") == "clientInfo":
            entity["locale"] = locale


_SESSION = web.AppKey("session", aiohttp.ClientSession)

# The Playground's page (0.2.28) registers a channel post of its user only when its own POST returns; a
# reply to the post that reaches the page first makes its websocket handler throw ("Invalid conversation
# id ...;messageid=...") and stop, so the reply and every later message are lost to that page. The Playground
# answers that POST before it calls the bot, so holding a channel message this long lets the page go first.
CHANNEL_MESSAGE_HOLD_S = 0.3


def in_channel_thread(activity: dict[str, Any]) -> bool:
    """A message the user posted in a channel (a new post or a reply in its thread)."""
    conversation = activity.get("conversation")
    conversation_id = conversation.get("id") if isinstance(conversation, dict) else None
    return activity.get("type") == "message" and ";messageid=" in str(conversation_id or "")


def create_shim(target: str, locale: str) -> web.Application:
    """POST /api/messages forwarded to `target` with `locale` set; the bot's answer is passed back as is."""

    async def lifespan(app: web.Application) -> AsyncIterator[None]:
        app[_SESSION] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        yield
        await app[_SESSION].close()

    async def forward(request: web.Request) -> web.Response:
        body = await request.read()
        try:
            activity = await request.json()
        except ValueError:
            activity = None  # not JSON: the bot gives its own answer to that
        if isinstance(activity, dict):
            localize(activity, locale)
            body = json.dumps(activity, ensure_ascii=False).encode()
            if in_channel_thread(activity):
                await asyncio.sleep(CHANNEL_MESSAGE_HOLD_S)
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("authorization", "content-type")}
        try:
            async with request.app[_SESSION].post(target, data=body, headers=headers) as answer:
                content = await answer.read()
                return web.Response(status=answer.status, body=content, headers=_content_type(answer))
        except aiohttp.ClientError as error:
            return web.json_response({"error": f"the bot at {target} did not answer: {error}"}, status=502)

    app = web.Application(client_max_size=1024 * 1024)
    app.cleanup_ctx.append(lifespan)
    app.router.add_post("/api/messages", forward)
    return app


def _content_type(answer: aiohttp.ClientResponse) -> dict[str, str]:
    value = answer.headers.get("Content-Type")
    return {"Content-Type": value} if value else {}


@asynccontextmanager
async def serve(app: web.Application, host: str, port: int) -> AsyncIterator[str]:
    """Run an aiohttp app and yield its base URL; port 0 picks a free one."""
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        yield f"http://{host}:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


@dataclass
class Playground:
    url: str
    process: asyncio.subprocess.Process
    output: list[str]


@asynccontextmanager
async def start_playground(
    endpoint: str,
    port: int = DEFAULT_PORT,
    *,
    config: Path = CONFIG_FILE,
    cli: Path = CLI,
    log_dir: Path = ROOT / "var",
    echo: bool = False,
    startup_seconds: float = 30.0,
) -> AsyncIterator[Playground]:
    """Start the Playground against the bot's `endpoint`; yields once /_debug/ping answers, stops it after.

    Raises PlaygroundError when it is not installed, `node` is missing, or it does not come up in time.
    """
    command, env = _command(endpoint, port, config, cli, log_dir)
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, env=env, start_new_session=True,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output: list[str] = []
    listening: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    reader = asyncio.create_task(_read_output(process, output, listening, echo))
    try:
        try:
            async with asyncio.timeout(startup_seconds):
                actual_port = await listening
                url = f"http://127.0.0.1:{actual_port}"
                await _wait_for_ping(url, process)
        except (TimeoutError, PlaygroundError) as error:
            details = "\n".join([*output, *_log_lines(log_dir / LOG_FILE)])
            raise PlaygroundError(
                f"the Playground did not start ({error or 'timed out'}):\n{details}"
            ) from error
        yield Playground(url, process, output)
    finally:
        await _stop(process)
        await reader


def _command(
    endpoint: str, port: int, config: Path, cli: Path, log_dir: Path
) -> tuple[list[str], dict[str, str]]:
    if not cli.is_file():
        raise PlaygroundError(
            f"the Agents Playground is not installed ({cli}): `make playground` installs it"
        )
    node = shutil.which("node")
    if node is None:
        raise PlaygroundError("`node` is not on PATH: install Node.js 20 or newer")
    if not config.is_file():
        raise PlaygroundError(f"the Playground's team and users file {config} is missing")
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        # Without a browser to open, the Playground would exit; the URL is printed instead.
        "TEAMSAPPTESTER_BROWSER": "none",
        "M365_AGENTS_PLAYGROUND_CONFIG_PATH": str(config),
        "M365_AGENTS_PLAYGROUND_LOGFILE": str(log_dir / LOG_FILE),
    }
    return [node, str(cli), "-e", endpoint, "-c", "msteams", "--dt", "-p", str(port)], env


def _log_lines(path: Path, last: int = 20) -> list[str]:
    try:
        return path.read_text(errors="replace").splitlines()[-last:]
    except OSError:
        return []


async def _read_output(
    process: asyncio.subprocess.Process, output: list[str], listening: asyncio.Future[int], echo: bool
) -> None:
    assert process.stdout is not None
    async for raw in process.stdout:
        line = raw.decode(errors="replace").rstrip()
        output.append(line)
        if echo:
            print(f"[playground] {line}", flush=True)
        match = _LISTENING.search(line)
        if match and not listening.done():
            listening.set_result(int(match.group(1)))
    if not listening.done():
        listening.set_exception(PlaygroundError(f"it exited with code {await process.wait()}"))


async def _wait_for_ping(url: str, process: asyncio.subprocess.Process) -> None:
    async with aiohttp.ClientSession() as session:
        while process.returncode is None:
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"{url}/_debug/ping") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
    raise PlaygroundError(f"it exited with code {process.returncode}")


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            async with asyncio.timeout(10):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()


async def install_in_team(url: str, team: PlaygroundTeam) -> None:
    """Have the Playground add the bot to its team, as it does when a team channel is first opened in its UI
    (the bot gets `installationUpdate` and `conversationUpdate` with `channelData.team`)."""
    path = f"/_debug/conversation/{quote(team.thread_id, safe='')}/installation"
    async with aiohttp.ClientSession() as session, session.post(url + path, json={}) as answer:
        if answer.status != 200:
            raise PlaygroundError(f"the Playground did not install the bot in {team.name}: {answer.status}")


def roster_size(config: Path) -> int:
    """How many people the Playground's team has: its signed-in user and the other users."""
    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    return int(bool(data.get("currentUser"))) + len(data.get("users") or ())


async def wait_for_roster(store: Any, team_id: str, people: int, wait_seconds: float = 30.0) -> None:
    """Wait until the bot has read the team's roster after its install (it reads it in the install's turn,
    which the Playground starts after answering `install_in_team`), so the first message already reaches
    the whole team; a bot that does not read it in time is reported, not waited for forever."""
    try:
        async with asyncio.timeout(wait_seconds):
            while True:
                if len(await store.survey_recipients(team_id)) >= people:
                    return
                await asyncio.sleep(0.05)  # the roster is read in a turn of this process; no event to await
    except TimeoutError:
        print(f"The bot did not read the team's {people} members in {wait_seconds:.0f} s.", file=sys.stderr)


async def run(settings: Settings, port: int, locale: str) -> int:
    """Serve the bot, the locale shim and the Playground until SIGINT/SIGTERM or the Playground's exit."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    team = read_team(CONFIG_FILE)
    app = create_app(settings)
    async with (
        serve(app, settings.host, settings.port) as bot_url,
        serve(create_shim(f"{bot_url}/api/messages", locale), settings.host, 0) as shim_url,
        start_playground(f"{shim_url}/api/messages", port, log_dir=settings.var_dir, echo=True) as pg,
    ):
        services = app[SERVICES]
        if services.graph.sandbox is not None:
            seed_playground_team(services.graph.sandbox, team)
        await install_in_team(pg.url, team)
        await wait_for_roster(services.store, team.graph_id, roster_size(CONFIG_FILE))
        print(f"Vertaisbotti is listening at {bot_url}/api/messages (local anonymous mode).", flush=True)
        print(f"Open the Microsoft 365 Agents Playground: {pg.url} (locale {locale})", flush=True)
        print(
            "Type `apua` or `help`; in the team's channels, @mention Vertaisbotti first. Stop with Ctrl+C.",
            flush=True,
        )
        exited = asyncio.create_task(pg.process.wait())
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({exited, stopped}, return_when=asyncio.FIRST_COMPLETED)
        for task in (exited, stopped):
            task.cancel()
        if not stop.is_set():
            print(f"The Playground exited with code {pg.process.returncode}.", file=sys.stderr, flush=True)
            return 1
    print("Stopped the Playground and the bot.", flush=True)
    return 0


def with_playground_defaults(settings: Settings, config: Path = CONFIG_FILE) -> Settings:
    """The Playground's team is the project team and its user (Maija) the coordinator, unless set."""
    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    update: dict[str, object] = {}
    if not settings.team_id and (data.get("team") or {}).get("aadGroupId"):
        update["team_id"] = data["team"]["aadGroupId"]
    if not settings.coordinators and (data.get("currentUser") or {}).get("aadObjectId"):
        update["coordinators"] = frozenset({data["currentUser"]["aadObjectId"].lower()})
    if settings.anonymous:  # a file "sent" in the Playground is served from this machine (see README)
        update["downloads_from_loopback"] = True
    return settings.model_copy(update=update) if update else settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.playground", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--port", type=int, default=os.environ.get("PLAYGROUND_PORT", str(DEFAULT_PORT)),
        help=f"the Playground's port (PLAYGROUND_PORT, default {DEFAULT_PORT}; if busy, a free one is used)",
    )  # fmt: skip
    parser.add_argument(
        "--locale", default=os.environ.get("PLAYGROUND_LOCALE", DEFAULT_LOCALE),
        help=f"the Teams client's locale (PLAYGROUND_LOCALE, default {DEFAULT_LOCALE}; en-US for English)",
    )  # fmt: skip
    options = parser.parse_args(argv)
    if not _LOCALE.fullmatch(options.locale):
        parser.error(f"--locale: expected a locale such as fi-FI or en-US, got {options.locale!r}")
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"Invalid settings (environment or .env):\n{error}", file=sys.stderr)
        return 2
    if not settings.anonymous:
        print("The Playground needs the bot in local anonymous mode: unset MicrosoftAppId.", file=sys.stderr)
        return 2
    settings = with_playground_defaults(settings)
    configure(settings.log_level, settings.log_format)
    try:
        return asyncio.run(run(settings, options.port, options.locale))
    except PlaygroundError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
