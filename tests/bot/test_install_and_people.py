"""Install in a team, the roster, who wrote, and redelivered activities: through HTTP into the real store."""

from __future__ import annotations

import asyncio

from bot.app import SERVICES
from tests.harness import activities as a
from tests.harness.connector import ConnectorDouble
from tests.harness.running import RunningBot


def store_of(bot: RunningBot):
    return bot.app[SERVICES].store


async def test_install_greets_once_records_the_team_and_reads_the_whole_roster(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    connector.members = [user.member() for user in (a.MAIJA, a.MATTI, a.LIISA)]
    connector.page_size = 2  # two pages
    for _ in range(2):  # Teams may deliver the install again (a new activity id each time)
        assert (await bot.post(a.team_install(connector.url))).status == 200
    sent = await connector.settle(0.2)
    posts = [s for s in sent if s.method == "POST" and s.card]
    assert len(posts) == 1, "the General channel is greeted once"
    store = store_of(bot)
    team = await store.get_team(a.TEAM_AAD)
    assert team is not None and team.name == "Vertaansa vailla" and team.thread_id == a.TEAM_CHANNEL
    matti = await store.get_person(a.MATTI.aad)
    assert matti is not None and matti.email == a.MATTI.email and matti.organization == "tredu"
    liisa = await store.get_person(a.LIISA.aad)
    assert liisa is not None and liisa.organization == "vamia"


async def test_a_redelivered_activity_is_handled_once(bot: RunningBot, connector: ConnectorDouble) -> None:
    activity = a.personal_message(connector.url, "apua")
    statuses = await asyncio.gather(*(bot.post(activity) for _ in range(5)))
    assert all(s.status == 200 for s in statuses)
    sent = await connector.settle(0.3)
    assert len(sent) == 1


async def test_the_sender_and_their_conversation_are_remembered(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    await bot.post(a.personal_message(connector.url, "help", user=a.MATTI))
    await connector.wait_for(1)
    store = store_of(bot)
    person = await store.get_person(a.MATTI.aad)
    assert person is not None and person.name == a.MATTI.name and person.locale == "en-US"
    reference = await store.personal_conversation(a.MATTI.aad)
    assert reference is not None and reference.conversation_id == "a:personal-matti"
    assert reference.service_url == connector.url


async def test_a_repeated_card_action_gets_its_answer_again(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    """Invokes are answered in the HTTP response: a repeat must not get silence (or a 501)."""
    activity = a.card_action(connector.url, "help.language", {"lang": "en"})
    first = await bot.post_json(activity)
    again = await bot.post_json(activity)
    assert first == again
    assert first[0] == 200 and first[1]["value"]["body"][0]["text"] == "Hi, I'm Vertaisbotti"


async def test_people_added_to_the_team_later_are_remembered(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    connector.members = [a.MAIJA.member()]
    await bot.post(a.team_install(connector.url))
    await connector.settle(0.1)
    newcomer = a.User("uusi", "Uusi Jäsen", "uusi.jasen@luksia.fi")
    connector.members.append(newcomer.member())
    added = a.team_install(connector.url)
    added["membersAdded"] = [{"id": newcomer.id, "aadObjectId": newcomer.aad}]
    assert (await bot.post(added)).status == 200
    person = await store_of(bot).get_person(newcomer.aad)
    assert person is not None and person.organization == "luksia"
    posts = [s for s in await connector.settle(0.1) if s.card]
    assert len(posts) == 1, "only the bot's own install is greeted"
