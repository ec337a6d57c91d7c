"""PostgreSQL: an answer racing the survey's close never lands after the close committed. The answer's status
read takes a share lock, so while a close is being committed the answer waits, then sees it closed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text, update

from store.survey import SurveyRow
from tests.harness.activities import MATTI
from tests.networks.conftest import World, open_world
from tests.networks.test_survey import answer, start_survey
from tests.store.databases import fresh_postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg_world(tmp_path: Path) -> AsyncIterator[World]:
    async with fresh_postgres() as url:
        async for opened in open_world(tmp_path, url):
            yield opened


async def _waiting_for_a_lock(world: World, within: float = 10.0) -> None:
    """Until another backend of this database waits for a row lock (the answer behind the close)."""
    deadline = asyncio.get_running_loop().time() + within
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND query ILIKE '%FOR SHARE%'"
    )
    while True:
        async with world.store.engine.connect() as conn:
            if (await conn.execute(query)).scalar_one():
                return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the answer did not wait for the close being committed")
        await asyncio.sleep(0.02)


async def test_an_answer_racing_the_close_waits_for_it_and_is_refused(pg_world: World) -> None:
    world = pg_world
    survey = await start_survey(world)
    async with world.store.engine.connect() as closing:
        await closing.begin()
        await closing.execute(
            update(SurveyRow).where(SurveyRow.id == survey).values(status="closed", open_slot=None)
        )
        # The close is written, not committed: the answer sent now over HTTP must wait for it.
        answering = asyncio.create_task(world.act("survey.answer", answer(survey, "tredu"), MATTI))
        await _waiting_for_a_lock(world)
        assert not answering.done()
        await closing.commit()
    body = await answering
    assert body["type"] == "application/vnd.microsoft.error"
    assert body["value"]["message"] == "The survey is closed: answers can no longer be changed."
    assert await world.store.list_answers(survey) == []
