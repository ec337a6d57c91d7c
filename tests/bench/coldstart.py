"""Cold start: `python -m bot` on a fresh database, from the process start to /healthz 200 and to the first
answered turn (the help card reaching the connector double), beside the stock echo bot started the same way.

The goal is a time (the issue asks for it), so the stock echo's own start is printed beside it: on a busy
machine both grow, and the echo's says how busy it was. The project's modules are byte-compiled first, as
the service image does (`compileall /app`, since it runs with PYTHONDONTWRITEBYTECODE): without it every
start compiles them from source again. The median of ROUNDS starts, each on a new database.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from tests.bench.report import BenchRow
from tests.harness import activities as a
from tests.harness.connector import ConnectorDouble
from tests.harness.running import ROOT, free_port

ROUNDS = 3
GOAL_S = 1.5
POLL_S = 0.01


def _compile() -> None:
    """Byte-compile the service's own modules (into their __pycache__), as the image's build step does."""
    packages = ["bot", "core", "cards", "store", "graph"]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], cwd=ROOT, check=True)


async def _start(
    args: list[str], env: dict[str, str], connector: ConnectorDouble | None
) -> tuple[float, float]:
    """Seconds from spawning `python -m args` to /healthz 200, and to the first reply (nan without one)."""
    port = free_port()
    full_env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "MANAGEMENT_PORT": "0",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    command = [sys.executable, "-m", *[arg.replace("{port}", str(port)) for arg in args]]
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL)  # noqa: ASYNC220
    try:
        async with aiohttp.ClientSession() as session:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{command} exited with {process.returncode}")
                try:
                    async with session.get(url + "/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(POLL_S)
            healthy = time.perf_counter() - started
            if connector is None:
                return healthy, float("nan")
            before = len(connector.sent)
            help_message = a.personal_message(connector.url, "help", id=f"cold-{port}")
            async with session.post(url + "/api/messages", json=help_message) as response:
                await response.read()
            await connector.wait_for(before + 1)
            return healthy, time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=15)


async def run() -> list[BenchRow]:
    echo: list[float] = []
    ours: list[tuple[float, float]] = []
    _compile()
    async with ConnectorDouble() as connector:
        for _ in range(ROUNDS):
            echo.append((await _start(["tests.bench.echo_bot", "{port}"], {}, None))[0])
            with tempfile.TemporaryDirectory() as tmp:
                env = {"DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}", "VAR_DIR": tmp}
                ours.append(await _start(["bot"], env, connector))
    echo_start = statistics.median(echo)
    healthy = statistics.median(h for h, _ in ours)
    answered = statistics.median(t for _, t in ours)
    return [
        BenchRow(
            "coldstart",
            f"(a) stock CloudAdapter echo: start to /healthz (median of {ROUNDS})",
            f"{echo_start:.2f} s",
        ),
        BenchRow(
            "coldstart",
            f"(b) Vertaisbotti, new database: start to /healthz (median of {ROUNDS})",
            f"{healthy:.2f} s ({healthy / echo_start:.1f}x the echo's)",
            f"< {GOAL_S} s",
            healthy < GOAL_S,
        ),
        BenchRow(
            "coldstart",
            "(b) Vertaisbotti, new database: start to first answered turn (median)",
            f"{answered:.2f} s",
            f"< {GOAL_S} s",
            answered < GOAL_S,
        ),
    ]
