"""The world of the coaching tests: the networks' world (the real bot over HTTP, a connector double, the
Graph sandbox, a real database), and helpers that act as coaches from several organisations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from store.outbox import OutboxRow
from tests.cards.checks import assert_teams_card as check_card
from tests.harness.activities import LIISA, MAIJA, MATTI, User
from tests.harness.people import seed_people
from tests.networks.conftest import World, world_fixtures

PEKKA = User("pekka", "Pekka Mäkinen", "pekka.makinen@omnia.fi")
SANNA = User("sanna", "Sanna Öhman", "sanna.ohman@tredu.fi", "en-US")
EMILIA = User("emilia", "Emilia Ärölä", "emilia.arola@luksia.fi")
OSKARI = User("oskari", "Oskari Lahti", "oskari.lahti@redu.fi")
AINO = User("aino", "Aino Koski", "aino.koski@tuntematon-opisto.fi")
COACHES = (MATTI, LIISA, PEKKA, SANNA, EMILIA, OSKARI)


def text_of(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


@dataclass
class Coaching:
    world: World

    @property
    def store(self) -> Any:
        return self.world.store

    async def act(self, verb: str, data: dict[str, Any] | None = None, user: User = MAIJA) -> dict[str, Any]:
        return await self.world.act(verb, data or {}, user)

    async def join(self, user: User, **choices: str) -> dict[str, Any]:
        data = {"role": "either", "themes": "hoks,peer-learning", "methods": "sparring", "languages": "fi"}
        data |= {"sizes": "2,3,4,5", **choices}
        return await self.act("coaching.save", data, user)

    async def queued(self, broadcast: str) -> dict[str, dict[str, Any]]:
        async with self.store.engine.connect() as conn:
            rows = await conn.execute(
                select(OutboxRow.recipient, OutboxRow.activity).where(OutboxRow.broadcast == broadcast)
            )
            found = {recipient: activity for recipient, activity in rows}
        cards = {}
        for recipient, activity in found.items():
            content = activity["attachments"][0]["content"]
            check_card(content)
            assert activity.get("summary"), "a proactive card says what it is in the notification"
            cards[recipient] = content
        return cards


async def prepare(world: World) -> Coaching:
    await seed_people(world.store, PEKKA, SANNA, EMILIA, OSKARI, AINO)
    return Coaching(world)


cw, any_cw = world_fixtures("cw", prepare)
