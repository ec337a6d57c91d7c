"""The optional Graph group chat of each confirmed group, through msgraph-sdk against the sandbox: created
with every member, the bot installed, the introduction posted in it; and when Graph refuses, the group's
chat is marked failed while everyone's personal introduction (with the deep link) still goes out."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass

from bot.app import COACHING, SERVICES
from core.coaching_rounds import ChatState
from core.people import Person
from tests.coaching.conftest import Coaching, text_of
from tests.harness.activities import TENANT, User

APP = "6b3f6f5e-0d6c-4a8e-9a3b-2f4f1e7b9c01"


@dataclass(frozen=True)
class GuidUser(User):
    guid: str = ""

    @property
    def aad(self) -> str:
        return self.guid

    def account(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "aadObjectId": self.guid}


def guid_user(key: str, name: str, email: str) -> GuidUser:
    return GuidUser(key, name, email, guid=str(uuid.uuid4()))


ANNA = guid_user("anna", "Anna Aalto", "anna.aalto@omnia.fi")
BERTTA = guid_user("bertta", "Bertta Berg", "bertta.berg@tredu.fi")


async def _round(cw: Coaching, *, app_id: str | None) -> str:
    services = cw.world.bot.app[SERVICES]  # type: ignore[index]
    services.coaching = dataclasses.replace(services.coaching, group_chats=True, teams_app_id=app_id)
    for user in (ANNA, BERTTA):
        await cw.store.upsert_person(Person(user.aad, name=user.name, email=user.email, tenant_id=TENANT))
    await cw.join(ANNA, organization="omnia")
    await cw.join(BERTTA, organization="tredu")
    await cw.act("coaching.round.propose", {"size": "2"})
    round_id = (await cw.store.proposal()).id
    await cw.act("coaching.round.confirm", {"round": round_id})
    return round_id


async def test_the_bot_creates_the_chat_installs_itself_and_posts_the_introduction(cw: Coaching) -> None:
    round_id = await _round(cw, app_id=APP)
    scheduler = cw.world.bot.app[COACHING]  # type: ignore[index]
    await scheduler.tick()
    (group,) = (await cw.store.get_round(round_id)).groups
    assert group.chat is ChatState.CREATED and group.chat_id
    chat = cw.world.sandbox.chats[group.chat_id]
    assert chat["members"] == sorted([ANNA.aad, BERTTA.aad]) and chat["installedApps"] == [APP]
    assert chat["chatType"] == "group" and "Vertaisvalmennus" in chat["topic"]
    posted = await cw.queued(f"coaching:{round_id}:chat")
    assert "Tervetuloa vertaisvalmennukseen" in text_of(posted[group.chat_id])
    await scheduler.tick()
    assert len(cw.world.sandbox.chats) == 1  # asked once
    await cw.world.delivered(f"coaching:{round_id}:chat", 1)


async def test_graph_refusing_leaves_the_deep_link_introductions(cw: Coaching) -> None:
    cw.world.sandbox.inject(403, times=5, match="POST /chats")
    round_id = await _round(cw, app_id=APP)
    await cw.world.bot.app[COACHING].tick()  # type: ignore[index]
    (group,) = (await cw.store.get_round(round_id)).groups
    assert group.chat is ChatState.FAILED and not cw.world.sandbox.chats
    intros = await cw.queued(f"coaching:{round_id}:intro")
    assert set(intros) == {ANNA.aad, BERTTA.aad}
    assert "teams.microsoft.com/l/chat/0/0?users=bertta.berg@tredu.fi" in text_of(intros[ANNA.aad])
    assert not await cw.queued(f"coaching:{round_id}:chat")


async def test_throttling_keeps_the_chat_pending_for_the_next_run(cw: Coaching) -> None:
    round_id = await _round(cw, app_id=None)
    cw.world.sandbox.inject(503, times=20, match="POST /chats", retry_after=0)
    scheduler = cw.world.bot.app[COACHING]  # type: ignore[index]
    await scheduler.tick()
    (group,) = (await cw.store.get_round(round_id)).groups
    assert group.chat is ChatState.PENDING
    cw.world.sandbox.clear_faults()
    await scheduler.tick()
    (group,) = (await cw.store.get_round(round_id)).groups
    assert group.chat is ChatState.CREATED  # no app id: the chat is there, the bot does not post in it
    assert not await cw.queued(f"coaching:{round_id}:chat")
