"""The issue's end-to-end checks, through HTTP into real `python -m bot` processes (or the in-process app).

- Two bot processes on one PostgreSQL get the same activity: it is answered once.
- The database cannot be reached: /readyz answers 503 and turns get the localised apology, nothing crashes;
  when the database comes back the service works again by itself.
"""

from __future__ import annotations

import asyncio
import copy
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.i18n import Catalogs
from tests.harness import activities as teams
from tests.harness.connector import ConnectorDouble, Sent
from tests.harness.running import RunningBot, bot_process, make_settings, running_bot
from tests.store.databases import fresh_postgres
from tests.store.proxy import TcpProxy


def bot_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "MicrosoftAppId": "",
        "GRAPH_BASE_URL": "https://graph.invalid/v1.0",
        "VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "INFO",
    }


def apology(locale: str = "fi-FI") -> str:
    return Catalogs().for_locale(locale)("error.apology")


async def _answer_to_help(bot: RunningBot, connector: ConnectorDouble) -> Sent:
    """Send `apua` as a new activity and return the one reply it got."""
    before = len(connector.sent)
    status, _ = await bot.post_json(teams.personal_message(connector.url, "apua"))
    assert status == 200
    sent = await connector.wait_for(before + 1)
    await connector.settle(0.2)
    assert len(connector.sent) == before + 1
    return sent[before]


@pytest.mark.postgres
@pytest.mark.slow
async def test_two_bot_processes_on_one_postgres_answer_an_activity_once(tmp_path: Path) -> None:
    async with fresh_postgres() as url, ConnectorDouble() as connector, AsyncExitStack() as stack:
        env = bot_env(tmp_path, url)
        # Both start at once on the empty database: one migrates, the other waits for it.
        (first, _), (second, _) = await asyncio.gather(
            stack.enter_async_context(bot_process(env)), stack.enter_async_context(bot_process(env))
        )
        for bot in (first, second):
            assert (await bot.get("/readyz"))[0] == 200

        payload = teams.personal_message(connector.url, "apua")
        results = await asyncio.gather(
            first.post_json(payload), second.post_json(copy.deepcopy(payload)), first.post_json(payload)
        )
        assert [status for status, _ in results] == [200, 200, 200]
        [reply] = await connector.wait_for(1)
        await connector.settle(0.5)
        assert len(connector.sent) == 1
        assert reply.conversation_id == "a:personal-maija" and reply.card is not None

        # A later redelivery to either process is dropped as well; a new activity is answered.
        await second.post_json(copy.deepcopy(payload))
        await connector.settle(0.3)
        assert len(connector.sent) == 1
        assert (await _answer_to_help(second, connector)).card is not None


@pytest.mark.postgres
@pytest.mark.slow
async def test_bot_apologises_while_the_database_is_away_and_recovers(tmp_path: Path) -> None:
    async with fresh_postgres() as url, ConnectorDouble() as connector:
        real = make_url(url)
        proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
        via_proxy = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        try:
            async with bot_process(bot_env(tmp_path, via_proxy)) as (bot, process):
                # Away from the start: the process serves anyway.
                assert (await bot.get("/readyz"))[0] == 503
                assert (await _answer_to_help(bot, connector)).text == apology()
                assert process.poll() is None

                await proxy.start()  # back: migrated and working without a restart
                assert (await bot.get("/readyz"))[0] == 200
                assert (await _answer_to_help(bot, connector)).card is not None

                await proxy.stop()  # away again, with pooled connections cut
                assert (await bot.get("/readyz"))[0] == 503
                assert (await _answer_to_help(bot, connector)).text == apology()

                await proxy.start()
                assert (await bot.get("/readyz"))[0] == 200
                assert (await _answer_to_help(bot, connector)).card is not None
                assert (await bot.get("/healthz"))[0] == 200
                assert process.poll() is None
        finally:
            await proxy.stop()


async def test_unreachable_sqlite_means_not_ready_and_an_english_apology(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the database directory should be", encoding="utf-8")
    settings = make_settings(tmp_path, DATABASE_URL=f"sqlite:///{blocker / 'var' / 'bot.db'}")
    async with running_bot(settings) as bot, ConnectorDouble() as connector:
        status, body = await bot.get("/readyz")
        assert status == 503 and "unreachable" in body
        assert (await bot.get("/healthz"))[0] == 200
        status, _ = await bot.post_json(teams.personal_message(connector.url, "help", teams.MATTI))
        assert status == 200
        [reply] = await connector.wait_for(1)
        assert reply.text == apology("en-US")
