"""The Azure portal's "Test in Web Chat": a message gets one answer saying the bot works in Teams, and no
feature runs; every other activity from it, and anything from other channels, stays 403.

Locally (anonymous mode) the connector double receives the answer; with credentials the same path runs
after the token check, which tests/bot/test_auth.py covers for other channels."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import SERVICES
from tests.harness import activities as a
from tests.harness.connector import ConnectorDouble
from tests.harness.running import RunningBot


def web_chat(activity: dict[str, Any]) -> dict[str, Any]:
    """What Web Chat sends: its own channel, no Teams channel data or tenant, a user id the client chose."""
    activity.update(channelId="webchat", channelData={})
    activity["conversation"] = {"id": "webchat-conversation-1"}
    return activity


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en-US", "works in Microsoft Teams only"), ("fi-FI", "toimii vain Microsoft Teamsissa")],
)
async def test_a_web_chat_message_is_told_the_bot_works_in_teams(
    bot: RunningBot, connector: ConnectorDouble, locale: str, expected: str
) -> None:
    message = web_chat(a.personal_message(connector.url, "kartoitus aloita", locale=locale))
    status, _ = await bot.post_json(message)
    assert status == 200
    [reply] = await connector.settle(0.3)
    assert reply.conversation_id == "webchat-conversation-1"
    assert expected in reply.text and reply.card is None
    # no feature ran: the coordinator's survey was not started, nobody was written to
    assert bot.app is not None
    assert await bot.app[SERVICES].store.latest_survey() is None


async def test_nothing_but_a_message_is_answered(bot: RunningBot, connector: ConnectorDouble) -> None:
    action = web_chat(a.card_action(connector.url, "help.language", {"lang": "en"}))
    install = web_chat(a.team_install(connector.url))
    for activity in (action, install):
        status, body = await bot.post_json(activity)
        assert status == 403
        assert "not Microsoft Teams" in body["error"]
    assert await connector.settle(0.2) == []
