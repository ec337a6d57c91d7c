"""Posting poll actions to the running bot as Teams would, from a channel, and reading the cards back."""

from __future__ import annotations

from typing import Any

from tests.cards.checks import assert_teams_card
from tests.harness import activities as a
from tests.harness.activities import MAIJA, User
from tests.harness.cards import walk
from tests.harness.running import RunningBot

HR_CHANNEL = "19:hr-network@thread.tacv2"
PEDA_CHANNEL = "19:peda-network@thread.tacv2"


def channel_conversation(channel: str) -> dict[str, Any]:
    return {"conversationType": "channel", "isGroup": True, "id": f"{channel};messageid=1700000000000"}


def action(
    url: str,
    verb: str,
    data: dict[str, Any],
    user: User = MAIJA,
    channel: str = HR_CHANNEL,
    locale: str | None = None,
) -> dict[str, Any]:
    return a.card_action(
        url,
        verb,
        data,
        user,
        conversation=channel_conversation(channel),
        channel_data=a.team_channel_data(channel, "HR"),
        locale=locale,
    )


async def invoke(bot: RunningBot, activity: dict[str, Any]) -> dict[str, Any]:
    """The invoke reply body; checks HTTP 200 and that any card in it passes the Teams card check."""
    status, body = await bot.post_json(activity)
    assert status == 200, body
    if body.get("type") == "application/vnd.microsoft.card.adaptive":
        assert_teams_card(body["value"])
    return body


def error_message(body: dict[str, Any]) -> str:
    assert body["type"] == "application/vnd.microsoft.error", body
    assert body["statusCode"] == 400
    return body["value"]["message"]


def texts(card: dict[str, Any]) -> str:
    """Every text, title and label of a card, joined: what a reader of the card sees."""
    keys = ("text", "title", "label", "value")
    return "\n".join(node[key] for node in walk(card) for key in keys if isinstance(node.get(key), str))


def facts(card: dict[str, Any]) -> dict[str, str]:
    result: dict[str, str] = {}
    for element in card.get("body", []):
        if element.get("type") == "FactSet":
            result.update({f["title"]: f["value"] for f in element["facts"]})
    return result


def choice_value(card: dict[str, Any]) -> str | None:
    for element in card.get("body", []):
        if element.get("type") == "Input.ChoiceSet" and element.get("id") == "choice":
            return element.get("value")
    return None


def poll_id_of(card: dict[str, Any]) -> str:
    for act in card.get("actions", []):
        if act.get("verb") in ("poll.vote", "poll.refresh"):
            return act["data"]["poll"]
    raise AssertionError(f"no poll action in {card}")


def form(question: str, options: list[str], **fields: str) -> dict[str, Any]:
    return {"question": question, "options": "\n".join(options), **fields}
