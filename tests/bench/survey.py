"""The survey spike: a survey started for MEMBERS people, then their answers arriving over a minute while
the forms are still going out, under Teams' 50 messages/s app limit (the throttling connector double).

Scaled down by default (SCALE of the issue's 1,000 members and 60 s; the output says which); `--full`
(`python -m tests.bench survey --full`, or `make bench BENCH_ARGS=--full`) runs the full size. Answers
arrive open-loop, evenly spaced, each a `survey.answer` invoke from its own member, so a slow bot is not
given a slower arrival rate. Goals: every answer stored, answer p99 < 300 ms, and the forms delivered
within 1.1x of the floor the rate limit sets (everything the start queued, the General post and a form
for each person the bot knows, at 50/s).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

import aiohttp

from core.conversations import ConversationRef
from core.people import Person
from core.teams import Team, TeamMember
from store import open_store
from tests.bench.load import LoadResult
from tests.bench.report import BenchRow
from tests.harness.activities import (
    BOT_ID,
    MAIJA,
    TEAM_AAD,
    TEAM_CHANNEL,
    TENANT,
    User,
    card_action,
    personal_message,
)
from tests.harness.running import bot_process
from tests.outbox.throttling import ThrottlingConnector

FULL_MEMBERS = 1000
FULL_SECONDS = 60.0
SCALE = 0.3
RATE = 50.0
P99_GOAL_MS = 300.0
OUTBOX_GOAL = 1.1
FULL = "BENCH_SURVEY_FULL"  # set by `--full`


def _members(count: int) -> list[User]:
    return [User(f"member{i:04d}", f"Jäsen {i}", f"member{i:04d}@omnia.fi") for i in range(count)]


async def _seed(url: str, service_url: str, members: list[User]) -> None:
    store = await open_store(url)
    try:
        await store.save_team(Team(TEAM_AAD, "Vertaansa vailla", TENANT, service_url, TEAM_CHANNEL))
        for user in [MAIJA, *members]:
            await store.upsert_person(
                Person(user.aad, name=user.name, email=user.email, locale=user.locale, tenant_id=TENANT)
            )
            # each has the bot's personal chat (as after a message or the app's install): one request a form
            chat = ConversationRef(
                service_url=service_url,
                conversation_id=f"a:chat-{user.key}",
                tenant_id=TENANT,
                scope="personal",
                bot_id=BOT_ID,
                user_aad_id=user.aad,
            )
            await store.save_conversation(chat)
        # the team's roster as the bot last read it (the start reads it again from the connector double)
        roster = [TeamMember(user.aad, user.id) for user in [MAIJA, *members]]
        await store.replace_team_members(TEAM_AAD, roster)
    finally:
        await store.close()


async def _answers(
    url: str, service_url: str, survey: str, members: list[User], seconds: float
) -> LoadResult:
    """Each member answers once, at evenly spaced moments over `seconds`; latency of each invoke."""
    latencies: list[float] = []
    errors = 0
    interval = seconds / len(members)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as session:
        started = time.perf_counter()

        async def one(index: int, user: User) -> None:
            nonlocal errors
            await asyncio.sleep(max(0.0, started + index * interval - time.perf_counter()))
            data = {"survey": survey, "organization": "omnia", "needs": "hr-kehittajat", "join": "true"}
            sent = time.perf_counter()
            async with session.post(
                url, json=card_action(service_url, "survey.answer", data, user)
            ) as response:
                body = await response.json(content_type=None)
            if response.status != 200 or body.get("type") != "application/vnd.microsoft.card.adaptive":
                errors += 1
                return
            latencies.append(time.perf_counter() - sent)

        await asyncio.gather(*(one(i, user) for i, user in enumerate(members)))
        return LoadResult(len(latencies), errors, time.perf_counter() - started, latencies)


async def run() -> list[BenchRow]:
    scale = 1.0 if os.environ.get(FULL) else SCALE
    members = _members(round(FULL_MEMBERS * scale))
    seconds = FULL_SECONDS * scale
    size = "full size" if scale == 1.0 else f"scaled to {scale:.0%} (--full for the issue's size)"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        env = {
            "DATABASE_URL": url,
            "MicrosoftAppId": "",
            "GRAPH_BASE_URL": "https://graph.invalid/v1.0",
            "VAR_DIR": tmp,
            "LOG_LEVEL": "WARNING",
            "COORDINATORS": MAIJA.aad,
            "TEAM_ID": TEAM_AAD,
        }
        roster = [user.member() for user in [MAIJA, *members]]
        double = ThrottlingConnector(global_rate=RATE, global_burst=5.0, members=roster, page_size=500)
        async with double:
            await _seed(url, double.url, members)
            async with bot_process(env) as (bot, _process):
                started = time.perf_counter()
                async with aiohttp.ClientSession() as session:
                    start = personal_message(double.url, "kartoitus aloita", MAIJA)
                    async with session.post(bot.messages_url, json=start) as response:
                        await response.read()
                store = await open_store(url)
                try:
                    survey = await store.open_survey()
                    if survey is None:
                        said = [sent.text for sent in double.sent if sent.text]
                        raise RuntimeError(f"the bench survey did not start: {said}")
                    broadcast = f"survey:{survey.id}"
                    answering = asyncio.create_task(
                        _answers(bot.messages_url, double.url, survey.id, members, seconds)
                    )
                    forms = (await store.delivery_counts(broadcast)).total  # queued at once by the start
                    floor = forms / RATE
                    while True:
                        report = await store.delivery_counts(broadcast)
                        if report.done:
                            break
                        if time.perf_counter() - started > floor * 4:
                            break  # too slow: reported below as not delivered
                        await asyncio.sleep(0.05)
                    delivered = time.perf_counter() - started
                    result = await answering
                    stored = len(await store.list_answers(survey.id))
                finally:
                    await store.close()
    ratio = delivered / floor
    part = "survey"
    return [
        BenchRow(part, f"{len(members)} members, answers over {seconds:.0f} s", size),
        BenchRow(
            part,
            "answers stored / sent (errors)",
            f"{stored} / {len(members)} ({result.errors})",
            "all stored",
            stored == len(members) and result.errors == 0,
        ),
        BenchRow(part, "answer p50 latency", f"{result.p50_ms:.1f} ms"),
        BenchRow(
            part,
            "answer p99 latency",
            f"{result.p99_ms:.1f} ms",
            f"< {P99_GOAL_MS:.0f} ms",
            result.p99_ms < P99_GOAL_MS,
        ),
        BenchRow(
            part,
            f"forms delivered ({report.sent}/{forms} sent) vs the {floor:.1f} s floor",
            f"{delivered:.1f} s = {ratio:.2f}x",
            f"<= {OUTBOX_GOAL}x",
            ratio <= OUTBOX_GOAL and report.sent == forms,
        ),
    ]
