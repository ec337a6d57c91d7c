"""bot/wire.py against msrest: the same Activity from the same JSON, the same JSON from the same Activity."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, Mention
from botbuilder.schema.teams import TeamsChannelData
from msrest.serialization import DeserializationError, Model

from bot.i18n import Catalogs
from bot.teams import card_activity
from bot.wire import Wire, activity_of, dumps, json_of
from cards.help import help_card
from tests.harness import activities as a

URL = "https://smba.trafficmanager.net/emea/"

TEAMS_SENDS = {
    "personal message": a.personal_message(URL, "apua"),
    "channel message with a mention": a.channel_message(URL, "kysely"),
    "group chat message": a.group_message(URL, "help"),
    "card submit": a.submit(URL, {"verb": "poll.vote", "choice": "1"}),
    "card action invoke": a.card_action(URL, "poll.vote", {"poll": "p1", "choice": "2"}),
    "file consent": a.invoke(URL, "fileConsent/invoke", {"action": "accept", "uploadInfo": {"name": "x"}}),
    "team install": a.team_install(URL),
    "file sent to the bot": a.personal_message(
        URL,
        "",
        attachments=[
            {
                "contentType": "application/vnd.microsoft.teams.file.download.info",
                "contentUrl": "https://contoso.sharepoint.com/x.pdf",
                "name": "x.pdf",
                "content": {"downloadUrl": "https://example.org/x", "uniqueId": "1", "fileType": "pdf"},
            },
            {"contentType": "text/html", "content": "<p>diat</p>"},
        ],
    ),
    "members removed, reactions, local time": {
        **a.personal_message(URL, "x"),
        "membersRemoved": [{"id": "29:x", "name": "X", "aadObjectId": "aad-x"}],
        "reactionsAdded": [{"type": "like"}],
        "localTimestamp": "2026-12-01T17:10:00.1234567+02:00",
        "localTimezone": "Europe/Helsinki",
        "textFormat": "plain",
        "attachmentLayout": "list",
        "historyDisclosed": False,
    },
}

MSREST_COERCES = {  # what the fast path hands to msrest: the outcome must still be msrest's own
    "a number where a string goes": {**a.personal_message(URL, "x"), "locale": 12},
    "a string where a flag goes": {
        **a.personal_message(URL, "x"),
        "conversation": {"id": "a:1", "isGroup": "true"},
    },
    "a string where a list goes": {**a.personal_message(URL, "x"), "membersAdded": "29:x"},
    "null items and keys": {**a.personal_message(URL, "x"), "entities": [None], "replyToId": None},
    "unknown keys at every level": {
        **a.personal_message(URL, "x"),
        "extra": {"a": [1, None]},
        "from": {"id": "29:m", "email": "m@omnia.fi", "userPrincipalName": "m@omnia.fi"},
    },
    "a semantic action (a dict of entities)": {
        **a.personal_message(URL, "x"),
        "semanticAction": {"id": "s", "entities": {"e": {"type": "mention"}}},
    },
}


def _same(left: Any, right: Any, where: str = "") -> None:
    assert type(left) is type(right), where
    if isinstance(left, Model):
        assert vars(left).keys() == vars(right).keys(), where
        for name in vars(left):
            _same(getattr(left, name), getattr(right, name), f"{where}.{name}")
    elif isinstance(left, dict):
        assert left.keys() == right.keys(), where
        for key in left:
            _same(left[key], right[key], f"{where}[{key!r}]")
    elif isinstance(left, list):
        assert len(left) == len(right), where
        for index, (x, y) in enumerate(zip(left, right, strict=True)):
            _same(x, y, f"{where}[{index}]")
    elif isinstance(left, dt.datetime):
        assert (left, left.utcoffset()) == (right, right.utcoffset()), where
    else:
        assert left == right, where


@pytest.mark.parametrize("case", [*TEAMS_SENDS, *MSREST_COERCES])
def test_an_activity_is_read_as_msrest_reads_it(case: str) -> None:
    data = {**TEAMS_SENDS, **MSREST_COERCES}[case]
    try:
        expected = Activity().deserialize(data)
    except DeserializationError:
        with pytest.raises(DeserializationError):
            activity_of(data)
        return
    _same(activity_of(data), expected)


@pytest.mark.parametrize("case", list(TEAMS_SENDS))
def test_what_teams_sends_takes_the_fast_path(case: str) -> None:
    Wire()._model(Activity, TEAMS_SENDS[case])  # raises when it would hand the activity to msrest


def test_a_bad_timestamp_is_refused_as_msrest_refuses_it() -> None:
    data = {**a.personal_message(URL, "x"), "timestamp": "yesterday"}
    with pytest.raises(DeserializationError):
        Activity().deserialize(data)
    with pytest.raises(DeserializationError):
        activity_of(data)


def _replies() -> dict[str, Activity]:
    card = CardFactory.adaptive_card(
        {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock"}]}
    )
    reply = MessageFactory.attachment(card)
    reply.summary = "Apua"
    reply.from_property = ChannelAccount(id="28:bot", name="Vertaisbotti")
    reply.recipient = ChannelAccount(id="29:m", name="Maija", aad_object_id="aad-m", role="user")
    reply.conversation = ConversationAccount(id="a:1", conversation_type="personal", tenant_id="t")
    reply.reply_to_id = "f:1"
    reply.timestamp = dt.datetime(2026, 12, 1, 15, 0, 0, 120000, tzinfo=dt.UTC)
    text = MessageFactory.text("Hei")
    text.entities = [Mention(mentioned=ChannelAccount(id="29:m"), text="<at>M</at>", type="mention")]
    with_model_data = MessageFactory.text("x")
    with_model_data.channel_data = TeamsChannelData(notification=None, event_type="x")
    return {
        "card reply": reply,
        "text with a mention": text,
        "channel data as a model": with_model_data,
        "read from the wire": activity_of(TEAMS_SENDS["file sent to the bot"]),
        "invoke read from the wire": activity_of(TEAMS_SENDS["card action invoke"]),
        "list with a gap": Activity(type="message", attachments=[None]),
        "card_activity": card_activity(help_card(Catalogs().for_locale("fi"), [])),
    }


@pytest.mark.parametrize("case", list(_replies()))
def test_an_activity_is_written_as_msrest_writes_it(case: str) -> None:
    activity = _replies()[case]
    assert json_of(activity) == activity.serialize()


def test_what_is_sent_is_json_that_reads_back_the_same() -> None:
    card = {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "Hyvää päivää ✓"}], "n": 1.5}
    assert json.loads(dumps(card)) == card
    odd = {1: "a number as a key", "big": 2**70}  # orjson refuses both; json writes them
    assert json.loads(dumps(odd)) == {"1": "a number as a key", "big": 2**70}


def test_botbuilders_copy_of_a_card_reply_leaves_the_reply_as_built() -> None:
    reply = card_activity(help_card(Catalogs().for_locale("en"), []))
    before = reply.serialize()
    incoming = activity_of(TEAMS_SENDS["personal message"])
    sent = TurnContext.apply_conversation_reference(
        copy.deepcopy(reply), TurnContext.get_conversation_reference(incoming)
    )
    sent.id, sent.input_hint = None, "acceptingInput"  # what send_activities sets on its copy
    assert reply.serialize() == before
    assert sent.serialize()["conversation"] == incoming.serialize()["conversation"]
    assert sent.attachments[0].content == reply.attachments[0].content


def test_a_card_is_written_as_json_through_the_connector_client_too() -> None:
    """Channel posts and proactive messages go through msrest's serializer (the connector client), which
    writes a mapping that is not exactly a dict as its Python repr: the card must arrive as an object."""
    from botbuilder.schema import ConversationParameters
    from botframework.connector import models
    from msrest import Serializer

    reply = card_activity(help_card(Catalogs().for_locale("fi"), []))
    parameters = ConversationParameters(
        is_group=True, activity=reply, channel_data={"channel": {"id": "19:x"}}
    )
    types = {name: kind for name, kind in vars(models).items() if isinstance(kind, type)}
    body = Serializer(types).body(parameters, "ConversationParameters")
    content = body["activity"]["attachments"][0]["content"]
    assert isinstance(content, dict) and content["type"] == "AdaptiveCard"
    assert reply.serialize()["attachments"][0]["content"] == content
