"""End to end through the Microsoft 365 Agents Playground: its UI's API in, its mock connector out."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import OpenPlayground
from tests.e2e.playground_client import BotMessage

pytestmark = pytest.mark.playground

FI_TITLE = "Hei, olen Vertaisbotti"
EN_TITLE = "Hi, I'm Vertaisbotti"
ORGANISATIONS = {"omnia", "vamia", "tredu", "redu", "luksia", "stadinao"}


def command_words(reply: BotMessage) -> list[str]:
    facts = next(item for item in reply.cards[0]["body"] if item["type"] == "FactSet")["facts"]
    return [fact["title"] for fact in facts]


def language_button(reply: BotMessage) -> dict:
    return next(a for a in reply.cards[0]["actions"] if a.get("verb") == "help.language")


async def test_the_playground_loads_the_project_team(open_playground: OpenPlayground) -> None:
    async with open_playground() as pg:
        team = pg.config["teams"][0]
        people = [pg.config["currentUser"], *pg.config["users"]]
    assert team["name"] == "Vertaansa vailla"
    assert [channel["name"] for channel in team["channels"]] == ["General", "HR-kehittäjäverkosto"]
    assert team["channels"][0]["id"] == team["id"]
    assert {person["email"].split("@")[1].split(".")[0] for person in people} == ORGANISATIONS
    assert pg.config["bot"]["name"] == "Vertaisbotti"


async def test_apua_in_personal_chat_gets_the_finnish_help_card(open_playground: OpenPlayground) -> None:
    async with open_playground() as pg, pg.client.stream() as stream:
        posted = await pg.client.send(pg.personal_chat, pg.me, "apua")
        reply = await stream.next_from_bot(pg.bot["id"])
    assert reply.conversation_id == posted.conversation_id == pg.personal_chat
    assert reply.card_title == FI_TITLE
    assert "verkostot" in command_words(reply)


async def test_a_mention_in_the_general_channel_is_answered_in_its_thread(
    open_playground: OpenPlayground,
) -> None:
    async with open_playground() as pg, pg.client.stream() as stream:
        posted = await pg.client.send(pg.general_channel, pg.me, "apua", mention=pg.bot)
        reply = await stream.next_from_bot(pg.bot["id"])
    assert posted.conversation_id.startswith(f"{pg.general_channel};messageid=")
    assert reply.conversation_id == posted.conversation_id
    assert reply.card_title == FI_TITLE


async def test_a_mention_in_group_chat_is_answered_there(open_playground: OpenPlayground) -> None:
    async with open_playground() as pg, pg.client.stream() as stream:
        await pg.client.send(pg.group_chat, pg.me, "HELP", mention=pg.bot)
        reply = await stream.next_from_bot(pg.bot["id"])
    assert reply.conversation_id == pg.group_chat
    assert reply.card_title == FI_TITLE


async def test_an_english_teams_client_gets_english_and_the_button_switches_to_finnish(
    open_playground: OpenPlayground,
) -> None:
    async with open_playground(locale="en-US") as pg, pg.client.stream() as stream:
        await pg.client.send(pg.personal_chat, pg.me, "help")
        reply = await stream.next_from_bot(pg.bot["id"])
        assert reply.card_title == EN_TITLE
        assert "networks" in command_words(reply)
        button = language_button(reply)
        status, answer = await pg.client.click(reply, pg.me, button["verb"], button["data"])
    assert status == 200, answer
    assert answer["type"] == "application/vnd.microsoft.card.adaptive"
    assert answer["value"]["body"][0]["text"] == FI_TITLE


async def test_without_the_shim_the_playground_speaks_en_us(open_playground: OpenPlayground) -> None:
    """Why `devtools.playground` has a locale shim: the Playground itself stamps every activity `en-US`."""
    async with open_playground(locale=None) as pg, pg.client.stream() as stream:
        await pg.client.send(pg.personal_chat, pg.me, "apua")
        reply = await stream.next_from_bot(pg.bot["id"])
    assert reply.card_title == EN_TITLE
