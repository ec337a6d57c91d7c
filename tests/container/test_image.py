"""The service image, run as a container: PostgreSQL and the Graph sandbox, `help` through the connector
double, then SIGTERM. `make test-container` builds the image and runs this; plain `make test` skips it.

The container shares the host's network (`--network host`) so it reaches PostgreSQL and the connector double
on 127.0.0.1, and listens on loopback in local anonymous mode. `VERTAISBOTTI_IMAGE` names the image,
`CONTAINER_ENGINE` the client (podman or docker), `CONTAINER_RUN_FLAGS` extra flags this machine needs.
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import aiohttp
import pytest

from tests.harness import activities as a
from tests.harness.connector import ConnectorDouble
from tests.harness.running import free_port
from tests.store.databases import fresh_postgres

IMAGE = os.environ.get("VERTAISBOTTI_IMAGE", "")
ENGINE = os.environ.get("CONTAINER_ENGINE", "podman")
RUN_FLAGS = shlex.split(os.environ.get("CONTAINER_RUN_FLAGS", ""))
STOP_WITHIN_S = 10

pytestmark = [
    pytest.mark.container,
    pytest.mark.skipif(not IMAGE, reason="VERTAISBOTTI_IMAGE is not set: run `make test-container`"),
]


def engine(*args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ENGINE, *args], capture_output=True, text=True, timeout=timeout, check=check)


@contextmanager
def container(env: dict[str, str]) -> Iterator[str]:
    name = f"vertaisbotti-test-{uuid.uuid4().hex[:8]}"
    env_flags = [flag for key, value in env.items() for flag in ("-e", f"{key}={value}")]
    engine("run", "-d", "--name", name, "--network", "host", *RUN_FLAGS, *env_flags, IMAGE)
    try:
        yield name
    finally:
        engine("rm", "-f", name, check=False)


async def until_healthy(session: aiohttp.ClientSession, url: str, name: str) -> None:
    for _ in range(300):
        try:
            async with session.get(url + "/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        if engine("inspect", name, "--format", "{{.State.Running}}").stdout.strip() != "true":
            raise AssertionError("the container exited:\n" + engine("logs", name, check=False).stdout)
        await asyncio.sleep(0.1)
    raise AssertionError("no /healthz answer:\n" + engine("logs", name, check=False).stdout)


@pytest.fixture
async def database() -> AsyncIterator[str]:
    async with fresh_postgres() as url:
        yield url


def test_the_image_runs_unprivileged_with_a_healthcheck_and_var_as_a_volume() -> None:
    [image] = json.loads(engine("image", "inspect", IMAGE).stdout)
    settings = image["Config"]
    assert settings["User"] not in ("", "root", "0")
    assert "/app/var" in (settings.get("Volumes") or {})
    healthcheck = settings.get("Healthcheck") or image.get("Healthcheck")  # docker | podman
    assert healthcheck["Test"] == ["CMD", "python", "-m", "bot.healthcheck"]
    assert settings["Cmd"] == ["python", "-m", "bot"]
    assert settings.get("StopSignal", "SIGTERM") in ("SIGTERM", "15")


async def test_the_container_answers_help_on_postgres_and_stops_on_sigterm(
    database: str, connector: ConnectorDouble
) -> None:
    port, management = free_port(), free_port()
    env = {
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "MANAGEMENT_PORT": str(management),
        "DATABASE_URL": database,
        "POLL_SECRET": "c" * 40,
        "GRAPH_BASE_URL": "sandbox",
        "LOG_FORMAT": "json",
    }
    url = f"http://127.0.0.1:{port}"
    with container(env) as name:
        async with aiohttp.ClientSession() as session:
            await until_healthy(session, url, name)
            assert engine("healthcheck", "run", name, check=False).returncode == 0
            async with session.get(f"http://127.0.0.1:{management}/readyz") as response:
                assert response.status == 200  # PostgreSQL answers the container
            activity = a.personal_message(connector.url, "help", user=a.MATTI)
            async with session.post(url + "/api/messages", json=activity) as response:
                assert response.status == 200
            [reply] = await connector.wait_for(1, timeout=30)
            assert reply.card is not None and reply.card["body"][0]["text"] == "Hi, I'm Vertaisbotti"
            async with session.get(f"http://127.0.0.1:{management}/metrics") as response:
                metrics = await response.text()
            assert 'vertaisbotti_turns_total{outcome="ok",type="message"} 1.0' in metrics
            assert "vertaisbotti_build_info{" in metrics

        engine("kill", "--signal", "TERM", name)
        waited = engine("wait", name, check=False, timeout=STOP_WITHIN_S)  # TimeoutExpired past 10 s
        assert waited.stdout.strip() == "0"  # exit code 0: a clean shutdown
        logs = engine("logs", name).stdout + engine("logs", name).stderr
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    [summary] = [line for line in lines if line.get("logger") == "bot.turns"]
    assert (summary["route"], summary["outcome"], summary["activity"]) == ("help", "ok", activity["id"])
    assert summary["tenant"] == a.TENANT and summary["user"] not in ("-", a.MATTI.aad)
    assert any("outbox worker" in line["message"] and "stopped" in line["message"] for line in lines)
