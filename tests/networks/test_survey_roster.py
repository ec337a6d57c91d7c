"""The survey goes to the project team's current members only, over HTTP: the roster read when it starts,
people joining and leaving in between (membersAdded / membersRemoved); someone who left, or who only wrote to
the bot from elsewhere, gets nothing."""

from __future__ import annotations

from typing import Any

from tests.harness.activities import LIISA, MAIJA, MATTI, User, team_install
from tests.networks.conftest import World, actions_of, card_text

PEKKA = User("pekka", "Pekka Mäkinen", "pekka.makinen@sedu.fi")  # writes to the bot, not in the team
ANNA = User("anna", "Anna Laine", "anna.laine@omnia.fi")  # joins the team, then leaves


def _event(world: World, **members: list[dict[str, Any]]) -> dict[str, Any]:
    activity = team_install(world.connector.url)
    del activity["membersAdded"]
    activity.update(members)
    activity["channelData"]["eventType"] = (
        "teamMemberAdded" if "membersAdded" in members else "teamMemberRemoved"
    )
    return activity


async def _send_to(world: World) -> str:
    """The start button's label on the coordinator's results card (who a new survey would reach)."""
    (card,) = [r["attachments"][0]["content"] for r in await world.say("kartoitus") if r.get("attachments")]
    return next(a["title"] for a in actions_of(card) if a.get("verb") == "survey.start")


async def test_only_current_team_members_get_the_form(world: World) -> None:
    await world.say("apua", PEKKA)  # the bot knows Pekka from his personal chat
    await world.bot.post(team_install(world.connector.url))  # installed: the roster is read
    assert await _send_to(world) == "Lähetä 3 henkilölle"
    # Between survey starts the events keep the members current; with the roster unreadable, the start
    # button counts the members the events left.
    world.connector.roster_status = 403
    world.connector.members.append(ANNA.member())  # botbuilder looks the added member up
    added = _event(world, membersAdded=[{"id": ANNA.id, "aadObjectId": ANNA.aad}])
    assert (await world.bot.post(added)).status == 200
    assert await _send_to(world) == "Lähetä 4 henkilölle"
    world.connector.members.remove(ANNA.member())
    removed = _event(world, membersRemoved=[{"id": ANNA.id}])
    assert (await world.bot.post(removed)).status == 200
    assert await _send_to(world) == "Lähetä 3 henkilölle"
    world.connector.roster_status = 200

    replies = await world.say("kartoitus aloita")
    assert (
        replies[0]["text"].startswith("Kartoitus on aloitettu") and "3 tiimin jäsenelle" in replies[0]["text"]
    )
    survey = await world.store.open_survey()
    assert survey is not None
    report = await world.delivered(f"survey:{survey.id}", 4)
    assert (report.sent, report.total) == (4, 4)  # General and three forms
    for user in (MAIJA, MATTI, LIISA):
        assert any("survey.answer" in card_text(c) for c in await world.chat_cards(user)), user.name
    for user in (PEKKA, ANNA):
        assert await world.store.personal_conversation(user.aad) is None or not [
            c for c in await world.chat_cards(user) if "survey.answer" in card_text(c)
        ], user.name


async def test_a_member_who_left_without_an_event_is_dropped_by_the_roster_read(world: World) -> None:
    await world.bot.post(team_install(world.connector.url))
    world.connector.members.remove(LIISA.member())  # left; the event never reached the bot
    replies = await world.say("kartoitus aloita")
    assert "2 tiimin jäsenelle" in replies[0]["text"]
    survey = await world.store.open_survey()
    assert survey is not None
    await world.delivered(f"survey:{survey.id}", 3)
    assert await world.store.personal_conversation(LIISA.aad) is None


async def test_an_unreadable_roster_falls_back_to_the_known_members_or_refuses(world: World) -> None:
    world.connector.roster_status = 403
    replies = await world.say("survey start", MAIJA)  # no members known yet: nothing to fall back on
    assert replies[0]["text"] == (
        "En saanut juuri nyt hanketiimin jäsenluetteloa Teamsista, joten en tiedä, kenelle kartoitus "
        "lähetetään. Kartoitusta ei aloitettu. Yritä hetken kuluttua uudelleen."
    )
    assert await world.store.open_survey() is None
    world.connector.roster_status = 200
    await world.bot.post(team_install(world.connector.url))  # the members become known
    world.connector.roster_status = 403
    replies = await world.say("kartoitus aloita")  # the members known from the install are used
    assert "3 tiimin jäsenelle" in replies[0]["text"]
