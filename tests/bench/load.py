"""A small closed-loop load generator: N concurrent clients posting activities for a fixed time."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import aiohttp

from tests.harness.running import ROOT, free_port


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")

    @property
    def p99_ms(self) -> float:
        return self.percentile(0.99) * 1000


async def drive(
    url: str,
    make: Callable[[int], dict[str, Any]],
    *,
    seconds: float,
    concurrency: int = 16,
    warmup: int = 50,
) -> LoadResult:
    """POSTs `make(i)` to `url` from `concurrency` clients for `seconds`, after `warmup` unmeasured ones."""
    connector = aiohttp.TCPConnector(limit=concurrency * 2)
    async with aiohttp.ClientSession(connector=connector) as session:
        for i in range(warmup):
            async with session.post(url, json=make(-1 - i)) as response:
                await response.read()
        latencies: list[float] = []
        errors = 0
        counter = iter(range(10**9))
        deadline = time.perf_counter() + seconds

        async def client() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                async with session.post(url, json=make(next(counter))) as response:
                    await response.read()
                    if response.status >= 300:
                        errors += 1
                        continue
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        return LoadResult(len(latencies), errors, time.perf_counter() - started, latencies)


ROUND_NUMBERS = 10**7


def _shifted(make: Callable[[int], dict[str, Any]], offset: int, number: int) -> dict[str, Any]:
    return make(number + offset)


def combined(results: list[LoadResult]) -> LoadResult:
    """Rounds of one side as one result: what they did together in the time they took together."""
    latencies = [latency for result in results for latency in result.latencies]
    return LoadResult(
        sum(r.requests for r in results),
        sum(r.errors for r in results),
        sum(r.seconds for r in results),
        latencies,
    )


async def alternating(
    sides: list[tuple[str, Callable[[int], dict[str, Any]]]],
    *,
    seconds: float,
    rounds: int = 4,
    **options: Any,
) -> list[LoadResult]:
    """Drives each (url, make) in turn for `seconds / rounds`, `rounds` times, so that the machine's load
    changing during a run (other work on it) weighs on every side alike; one combined result per side."""
    done: list[list[LoadResult]] = [[] for _ in sides]
    for round_ in range(rounds):
        offset = round_ * ROUND_NUMBERS  # a new activity (id) in every round: a repeated id is a redelivery
        for index, (url, make) in enumerate(sides):
            numbered = partial(_shifted, make, offset)
            done[index].append(await drive(url, numbered, seconds=seconds / rounds, **options))
    return [combined(results) for results in done]


@dataclass(frozen=True)
class Memory:
    """A process's resident memory (/proc/<pid>/status), MiB: all of it, and its private part (heap, the
    Python objects) apart from pages of mapped files (shared libraries, shared with other processes)."""

    resident: float
    anonymous: float
    file_backed: float


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def memory(self) -> Memory:
        fields: dict[str, float] = {}
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "RssAnon", "RssFile"):
                    fields[name] = int(value.split()[0]) / 1024
        nan = float("nan")
        return Memory(fields.get("VmRSS", nan), fields.get("RssAnon", nan), fields.get("RssFile", nan))


@asynccontextmanager
async def server(
    args: list[str], env: dict[str, str] | None = None, port: int | None = None
) -> AsyncIterator[Server]:
    """A server subprocess (`python -m ...`) on a free port; yields it once /healthz answers."""
    port = port or free_port()
    full_env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "LOG_LEVEL": "WARNING", **(env or {})}
    command = [sys.executable, "-m", *[a.replace("{port}", str(port)) for a in args]]
    process = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL)  # noqa: ASYNC220
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(300):
                if process.poll() is not None:
                    raise RuntimeError(f"{command} exited with {process.returncode}")
                try:
                    async with session.get(url + "/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
        yield Server(url, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=15)
