"""Vote throughput: Action.Execute invokes from 250 distinct voters on one poll, beside the stock echo bot.

The stock CloudAdapter echo bot answers personal messages (its turn rate is the baseline); Vertaisbotti
answers `poll.vote` invokes in a channel with each voter's own card, on SQLite, while the shared card is
updated in the background. Both send to the same connector double and are driven by the same load generator,
in alternating rounds (so the load other work puts on the machine weighs on both alike).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import aiohttp

from tests.bench.load import LoadResult, alternating, server
from tests.bench.report import BenchRow
from tests.harness import activities as a
from tests.harness.activities import MAIJA, User
from tests.harness.connector import ConnectorDouble
from tests.polls.helpers import action, form, poll_id_of

SECONDS = 8.0
CONCURRENCY = 16
VOTERS = [User(f"voter{i}", f"Äänestäjä {i}", f"voter{i}@omnia.fi") for i in range(250)]
OPTIONS = ["Arviointi", "Hyvinvointi", "Digitaidot", "Rekrytointi", "Perehdytys"]
GOAL = 4.0
P99_GOAL_MS = 100.0


def _rows(name: str, result: LoadResult, unit: str) -> list[BenchRow]:
    return [
        BenchRow("votes", f"{name}: {unit}/s", f"{result.rate:.0f}"),
        BenchRow("votes", f"{name}: p50 / p99 latency", f"{result.p50_ms:.1f} ms / {result.p99_ms:.1f} ms"),
        BenchRow("votes", f"{name}: errors", f"{result.errors}"),
    ]


async def _post_poll(url: str, connector: ConnectorDouble) -> str:
    create = action(
        connector.url, "poll.create", form("Mikä teema seuraavaksi?", OPTIONS, anonymous="true"), MAIJA
    )
    async with aiohttp.ClientSession() as session, session.post(url, json=create) as response:
        body = await response.json()
    if body.get("type") != "application/vnd.microsoft.card.adaptive":
        raise RuntimeError(f"the bench poll was not posted: {body}")
    return poll_id_of((await connector.wait_for(1))[0].card)


async def run() -> list[BenchRow]:
    rows: list[BenchRow] = []
    async with ConnectorDouble() as connector:
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}",
                "VAR_DIR": tmp,
                "COORDINATORS": MAIJA.aad,
            }
            async with server(["tests.bench.echo_bot", "{port}"]) as echo, server(["bot"], env) as ours:
                url = ours.url + "/api/messages"
                poll = await _post_poll(url, connector)

                def vote(i: int) -> dict:
                    k = abs(i)
                    data = {"poll": poll, "choice": str(k * 7 % len(OPTIONS))}
                    return action(connector.url, "poll.vote", data, VOTERS[k % len(VOTERS)])

                def echo_message(i: int) -> dict:
                    return a.personal_message(connector.url, "hei", id=f"bench-echo-{i}")

                stock, result = await alternating(
                    [(echo.url + "/api/messages", echo_message), (url, vote)],
                    seconds=SECONDS,
                    concurrency=CONCURRENCY,
                )
                shared_updates = sum(1 for sent in connector.sent if sent.method == "PUT")
        rows += _rows("(a) stock CloudAdapter echo", stock, "turns")
        rows += _rows("(b) Vertaisbotti poll.vote invokes, 250 voters", result, "votes")
    ratio = result.rate / stock.rate if stock.rate else 0.0
    rows.append(
        BenchRow(
            "votes",
            "ratio b/a (invokes/s vs echo turns/s)",
            f"{ratio:.2f}x",
            f">= {GOAL:.1f}x",
            ratio >= GOAL,
        )
    )
    rows.append(
        BenchRow(
            "votes",
            "(b) vote p99 latency",
            f"{result.p99_ms:.1f} ms",
            f"< {P99_GOAL_MS:.0f} ms",
            result.p99_ms < P99_GOAL_MS,
        )
    )
    rows.append(BenchRow("votes", "(b) shared card updates sent (coalesced, <= 1/s)", f"{shared_updates}"))
    return rows
