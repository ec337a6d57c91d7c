"""Run the real service: in-process on an ephemeral port, or as a `python -m bot` subprocess."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.app import MANAGEMENT_URL, create_app
from bot.settings import Settings
from tests.store.databases import migrated_sqlite_copy

ROOT = Path(__file__).resolve().parents[2]
MANAGED = ("/readyz", "/metrics")


@dataclass
class RunningBot:
    url: str
    app: web.Application | None
    session: aiohttp.ClientSession
    management_url: str = ""  # the management listener (/readyz, /metrics), when it runs

    @property
    def messages_url(self) -> str:
        return f"{self.url}/api/messages"

    async def post(
        self, activity: dict[str, Any], headers: dict[str, str] | None = None
    ) -> aiohttp.ClientResponse:
        async with self.session.post(self.messages_url, json=activity, headers=headers) as response:
            await response.read()
            return response

    async def post_json(
        self, activity: dict[str, Any], headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        async with self.session.post(self.messages_url, json=activity, headers=headers) as response:
            body = await response.json(content_type=None) if await response.read() else None
            return response.status, body

    async def get(self, path: str) -> tuple[int, str]:
        """GET `path`; /readyz and /metrics from the management listener, where the service serves them."""
        base = self.management_url if self.management_url and path.startswith(MANAGED) else self.url
        async with self.session.get(base + path) as response:
            return response.status, await response.text()


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for a bot under test; its SQLite database (unless `DATABASE_URL` is given) starts as a copy
    of one already migrated, as migrating each test's database anew took much of the suite's time."""
    if "DATABASE_URL" not in overrides and not (tmp_path / "bot.db").exists():
        migrated_sqlite_copy(tmp_path / "bot.db")
    values: dict[str, Any] = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "GRAPH_BASE_URL": "https://graph.invalid/v1.0",
        "VAR_DIR": str(tmp_path / "var"),
        "COORDINATORS": "aad-maija",
        "MANAGEMENT_PORT": "0",  # an ephemeral port: tests run side by side
        "GRAPH_RETRY_DELAY_SECONDS": "0",  # kiota's retries still happen, without its 3 s base wait
        **overrides,
    }
    if not any(values.get(name) for name in ("MicrosoftAppId", "APP_ID", "BOT_ID")):
        # The tests' file servers are on 127.0.0.1: the test-only allowance (local anonymous mode only).
        values["DOWNLOADS_FROM_LOOPBACK"] = "true"
    return Settings(_env_file=None, **values)


@asynccontextmanager
async def running_bot(settings: Settings, port: int = 0) -> AsyncIterator[RunningBot]:
    runner = web.AppRunner(create_app(settings), handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as session:
            yield RunningBot(
                f"http://127.0.0.1:{port}", runner.app, session, runner.app.get(MANAGEMENT_URL, "")
            )
    finally:
        await runner.cleanup()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@asynccontextmanager
async def bot_process(
    env: dict[str, str],
    timeout: float = 30.0,  # noqa: ASYNC109 (start-up deadline)
) -> AsyncIterator[tuple[RunningBot, subprocess.Popen]]:
    """`python -m bot` in a subprocess with `env` added; yields once /healthz answers."""
    port, management = free_port(), free_port()
    full_env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "MANAGEMENT_HOST": "127.0.0.1",
        "MANAGEMENT_PORT": str(management),
        **env,
    }
    # The output goes to a file, not a pipe nobody drains: a bot logging 64 KiB (an INFO log during a database
    # outage) blocked on its full pipe and hung the test. `process.stdout` reads that file from its start.
    log = tempfile.NamedTemporaryFile(prefix="bot-process-", suffix=".log")  # noqa: SIM115 (closed below)
    # Popen only spawns (no wait); tests want its synchronous kill/signal/wait API.
    process = subprocess.Popen(  # noqa: ASYNC220
        [sys.executable, "-m", "bot"],
        cwd=ROOT,
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.stdout = open(log.name, "rb")  # noqa: SIM115, ASYNC230 (closed below; a local file)
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            deadline = asyncio.get_running_loop().time() + timeout
            while True:
                if process.poll() is not None:
                    output = process.stdout.read().decode() if process.stdout else ""
                    raise AssertionError(f"python -m bot exited with {process.returncode}:\n{output}")
                try:
                    async with session.get(url + "/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError("python -m bot did not answer /healthz in time")
                await asyncio.sleep(0.1)
            management_url = (
                f"http://127.0.0.1:{full_env['MANAGEMENT_PORT']}" if full_env["MANAGEMENT_PORT"] else ""
            )
            yield RunningBot(url, None, session, management_url), process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout:
            process.stdout.close()
        log.close()
