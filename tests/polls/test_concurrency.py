"""250 members vote at once, over HTTP, on SQLite and PostgreSQL: every vote counts exactly once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import SERVICES
from tests.harness.activities import MAIJA, User
from tests.harness.connector import ConnectorDouble
from tests.harness.running import make_settings, running_bot
from tests.polls.helpers import action, facts, form, invoke, poll_id_of

MEMBERS = [User(f"member{i}", f"Jäsen {i}", f"jasen{i}@omnia.fi") for i in range(250)]


async def test_250_members_vote_at_once(
    tmp_path: Path, database_url: str, connector: ConnectorDouble
) -> None:
    async with running_bot(make_settings(tmp_path, DATABASE_URL=database_url)) as bot:
        await invoke(
            bot,
            action(
                connector.url, "poll.create", form("Teema?", ["A", "B", "C", "D"], anonymous="true"), MAIJA
            ),
        )
        poll = poll_id_of((await connector.wait_for(1))[0].card)

        async def vote(i: int, member: User, choice: int) -> dict:
            return await invoke(
                bot, action(connector.url, "poll.vote", {"poll": poll, "choice": str(choice)}, member)
            )

        first = await asyncio.gather(*(vote(i, m, i % 4) for i, m in enumerate(MEMBERS)))
        assert all(body["type"] == "application/vnd.microsoft.card.adaptive" for body in first)
        # Everyone changes their mind at once; the latest answer replaces the first.
        await asyncio.gather(*(vote(i, m, 0 if i < 100 else 3) for i, m in enumerate(MEMBERS)))
        tally = await bot.app[SERVICES].store.tally(poll)
        assert tally.voters == 250 and tally.counts == (100, 0, 0, 150)
        last = await invoke(bot, action(connector.url, "poll.refresh", {"poll": poll}, MEMBERS[0]))
        assert facts(last["value"]) == {"A": "100", "B": "0", "C": "0", "D": "150"}
