"""`python -m devtools.playground` as `make playground` runs it, and what it does with bad input."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from devtools.playground import (
    CONFIG_FILE,
    PlaygroundError,
    create_shim,
    in_channel_thread,
    main,
    serve,
    start_playground,
)
from tests.e2e.playground_client import PlaygroundClient
from tests.harness.running import ROOT, free_port, make_settings, running_bot

pytestmark = pytest.mark.playground

_OPEN = re.compile(r"Open the Microsoft 365 Agents Playground: (\S+)")


def entry_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
        "PLAYGROUND_PORT": str(free_port()),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "GRAPH_BASE_URL": "https://graph.invalid/v1.0",
        "VAR_DIR": str(tmp_path / "var"),
        **extra,
    }


@asynccontextmanager
async def entry(env: dict[str, str], *args: str) -> AsyncIterator[asyncio.subprocess.Process]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "devtools.playground", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def read_until(
    process: asyncio.subprocess.Process, pattern: re.Pattern[str], seen: list[str]
) -> re.Match:
    assert process.stdout is not None
    async with asyncio.timeout(30):
        async for raw in process.stdout:
            seen.append(raw.decode(errors="replace").rstrip())
            if match := pattern.search(seen[-1]):
                return match
    raise AssertionError("python -m devtools.playground ended early:\n" + "\n".join(seen))


async def refused(url: str) -> bool:
    async with aiohttp.ClientSession() as session:
        try:
            async with session.get(url):
                return False
        except aiohttp.ClientConnectionError:
            return True


async def test_make_playground_serves_the_bot_and_stops_both_on_sigterm(tmp_path: Path) -> None:
    env = entry_env(tmp_path)
    seen: list[str] = []
    async with entry(env) as process:
        url = (await read_until(process, _OPEN, seen)).group(1)
        async with aiohttp.ClientSession() as session:
            client = PlaygroundClient(url, session)
            config = await client.config()
            async with client.stream() as stream:
                await client.send(config["personalChat"]["id"], config["currentUser"]["id"], "apua")
                personal = config["personalChat"]["id"]
                reply = await stream.next_from_bot(config["bot"]["id"], conversation_id=personal)
                # The bot was installed in the team at start: it knows the roster before any channel is
                # opened, so a survey would reach all six people (and the General channel).
                await client.send(config["personalChat"]["id"], config["currentUser"]["id"], "kartoitus")
                survey = await stream.next_from_bot(config["bot"]["id"], conversation_id=personal)
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(20):
            rest, _ = await process.communicate()
    seen.extend(rest.decode(errors="replace").splitlines())
    assert reply.card_title == "Hei, olen Vertaisbotti"
    assert "Lähetä 6 henkilölle" in str(survey.cards[0])
    assert process.returncode == 0, "\n".join(seen)
    assert "Stopped the Playground and the bot." in seen
    assert await refused(f"{url}/_debug/ping")
    assert await refused(f"http://127.0.0.1:{env['PORT']}/healthz")


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--locale", "fi FI"], {}, "expected a locale"),
        (["--port", "many"], {}, "invalid int value"),
        ([], {"PLAYGROUND_PORT": "many"}, "invalid int value"),
        ([], {"MicrosoftAppId": "00000000-0000-0000-0000-000000000001"}, "local anonymous mode"),
        ([], {"HOST": "0.0.0.0"}, "Invalid settings"),
    ],
)
def test_bad_options_and_settings_stop_before_starting(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    args: list[str],
    env: dict[str, str],
    expected: str,
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    for name in ("MicrosoftAppId", "PLAYGROUND_PORT", "PLAYGROUND_LOCALE", "HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MicrosoftAppPassword", "secret")
    monkeypatch.setenv("MicrosoftAppTenantId", "tenant")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        code = main(args)
    except SystemExit as exit_:
        code = exit_.code
    assert code == 2
    assert expected in capsys.readouterr().err


async def test_a_missing_playground_install_is_reported(tmp_path: Path) -> None:
    with pytest.raises(PlaygroundError, match="make playground"):
        async with start_playground("http://127.0.0.1:9/api/messages", cli=tmp_path / "cli.js"):
            pass


async def test_a_broken_team_file_is_reported_with_the_playground_reason(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = CONFIG_FILE.read_text()
    broken.write_text(
        text.replace("  - id: 29:juha-vamia", "  - id: 29:aino-tredu", 1)
    )  # a duplicate user id
    with pytest.raises(PlaygroundError, match="User ID must be unique"):
        async with start_playground(
            "http://127.0.0.1:9/api/messages", free_port(), config=broken, log_dir=tmp_path / "logs"
        ):
            pass


async def test_the_shim_passes_on_what_the_bot_answers_to_a_bad_body(tmp_path: Path) -> None:
    headers = {"Content-Type": "application/json"}
    async with (
        running_bot(make_settings(tmp_path)) as bot,
        serve(create_shim(bot.messages_url, "fi-FI"), "127.0.0.1", 0) as shim,
    ):
        answers = []
        for url in (bot.messages_url, f"{shim}/api/messages"):
            async with bot.session.post(url, data=b"{not json", headers=headers) as response:
                answers.append((response.status, response.content_type, await response.read()))
    assert answers[0] == answers[1]
    assert answers[0][0] == 400


async def test_the_shim_answers_502_when_the_bot_is_down() -> None:
    target = f"http://127.0.0.1:{free_port()}/api/messages"
    async with (
        serve(create_shim(target, "fi-FI"), "127.0.0.1", 0) as shim,
        aiohttp.ClientSession() as session,
        session.post(f"{shim}/api/messages", json={"type": "message", "text": "apua"}) as response,
    ):
        assert response.status == 502
        assert target in (await response.json())["error"]


def test_the_playground_team_and_user_become_the_project_team_and_its_coordinator() -> None:
    import yaml

    from bot.settings import Settings
    from devtools.playground import CONFIG_FILE, with_playground_defaults

    config = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    settings = with_playground_defaults(Settings(_env_file=None))
    assert settings.team_id == config["team"]["aadGroupId"]
    assert settings.is_coordinator(config["currentUser"]["aadObjectId"])
    explicit = with_playground_defaults(Settings(_env_file=None, TEAM_ID="t", COORDINATORS="x"), CONFIG_FILE)
    assert (explicit.team_id, explicit.coordinators) == ("t", frozenset({"x"}))


def test_only_channel_messages_are_held_for_the_playgrounds_page() -> None:
    thread = {"id": "19:hr@thread.tacv2;messageid=1796126180752"}
    assert in_channel_thread({"type": "message", "conversation": thread})
    assert not in_channel_thread({"type": "invoke", "conversation": thread})  # a card's answer is awaited
    assert not in_channel_thread({"type": "message", "conversation": {"id": "a:1vertaisbotti-maija"}})
    assert not in_channel_thread({"type": "message", "conversation": "19:x;messageid=1"})
    assert not in_channel_thread({"type": "message"})
