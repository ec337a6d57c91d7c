"""Chat over real HTTP: the bot on a port, its replies received by the connector double."""

from __future__ import annotations

import pytest

from bot import commands
from tests.harness import activities as a
from tests.harness.connector import ConnectorDouble
from tests.harness.running import RunningBot


def texts(card: dict) -> list[str]:
    return [block.get("text", "") for block in card["body"]]


@pytest.mark.parametrize(
    ("text", "locale", "title"),
    [
        ("apua", "fi-FI", "Hei, olen Vertaisbotti"),
        ("HELP", "fi-FI", "Hei, olen Vertaisbotti"),
        ("help", "en-US", "Hi, I'm Vertaisbotti"),
        ("Apua", "en-GB", "Hi, I'm Vertaisbotti"),
        ("apua", "sv-SE", "Hei, olen Vertaisbotti"),
        ("apua", None, "Hei, olen Vertaisbotti"),
        ("ohje", "fi-FI", "Hei, olen Vertaisbotti"),  # the usual Finnish word for help
        ("Ohjeet?", "fi-FI", "Hei, olen Vertaisbotti"),
        ("commands", "en-US", "Hi, I'm Vertaisbotti"),
    ],
)
async def test_help_in_personal_chat_follows_the_teams_locale(
    bot: RunningBot, connector: ConnectorDouble, text: str, locale: str | None, title: str
) -> None:
    activity = a.personal_message(connector.url, text, locale=locale)
    response = await bot.post(activity)
    assert response.status == 200
    [sent] = await connector.wait_for(1)
    assert sent.method == "POST"
    assert sent.conversation_id == "a:personal-maija"
    assert sent.path.endswith(f"/activities/{activity['id']}")  # a reply to the message
    assert sent.card is not None and texts(sent.card)[0] == title
    assert "Authorization" not in sent.headers


async def test_help_card_lists_every_command_in_the_users_language(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    await bot.post(a.personal_message(connector.url, "help", user=a.MATTI))
    [sent] = await connector.wait_for(1)
    facts = next(block for block in sent.card["body"] if block["type"] == "FactSet")["facts"]
    member = [c.en for c in commands.COMMANDS if "personal" in c.scopes and not c.coordinator_only]
    assert [f["title"] for f in facts] == member  # the coordinator's tools are for the coordinator
    assert facts[0]["title"] == "help" and "materials" in [f["title"] for f in facts]
    assert sent.card["version"] == "1.5"


async def test_mention_in_a_channel_is_stripped_and_answered_in_the_channel(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    await bot.post(a.channel_message(connector.url, "apua"))
    [sent] = await connector.wait_for(1)
    assert sent.conversation_id.startswith(a.TEAM_CHANNEL)
    assert texts(sent.card)[0] == "Hei, olen Vertaisbotti"
    assert "En tunnistanut" not in " ".join(texts(sent.card))
    facts = next(block for block in sent.card["body"] if block["type"] == "FactSet")["facts"]
    assert [f["title"] for f in facts] == [c.fi for c in commands.COMMANDS if "team" in c.scopes]


async def test_group_chat_mention_gets_help(bot: RunningBot, connector: ConnectorDouble) -> None:
    await bot.post(a.group_message(connector.url, " Help "))
    [sent] = await connector.wait_for(1)
    assert sent.conversation_id == "19:groupchat-1@thread.v2"
    assert texts(sent.card)[0] == "Hei, olen Vertaisbotti"


async def test_unknown_text_gets_the_help_card_naming_what_was_not_understood(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    await bot.post(a.personal_message(connector.url, "mikä on <b>sää</b>?"))
    [sent] = await connector.wait_for(1)
    assert "En tunnistanut komentoa ”mikä on sää ?”." in texts(sent.card)


async def test_team_install_greets_the_general_channel(bot: RunningBot, connector: ConnectorDouble) -> None:
    response = await bot.post(a.team_install(connector.url))
    assert response.status == 200
    [sent] = await connector.wait_for(1)
    assert sent.conversation_id == a.TEAM_CHANNEL
    assert texts(sent.card)[0] == "Vertaisbotti on nyt tiimissä Vertaansa vailla"
