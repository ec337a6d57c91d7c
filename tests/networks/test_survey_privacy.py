"""The needs survey over real HTTP: `kartoitus` alone never starts a survey (the coordinator confirms with a
button), and results, the export's answer and a member's own answer never go into a channel or group chat."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from bot.i18n import Catalogs
from cards import survey as survey_cards
from cards.base import to_json
from core.survey import TEXT_MAX, Answer, Survey, SurveyStatus, summarize
from tests.cards.checks import assert_teams_card as check_card
from tests.harness.activities import LIISA, MAIJA, MATTI, User, channel_message, group_message
from tests.harness.connector import Sent
from tests.networks.conftest import World, actions_of, card_text
from tests.networks.test_cards import NOW, big_networks

ERROR = "application/vnd.microsoft.error"
NOTHING = "application/vnd.microsoft.activity.message"


def start_button(card: dict[str, Any]) -> dict[str, Any] | None:
    return next((a for a in actions_of(card) if a.get("verb") == "survey.start"), None)


def shared(sent: list[Sent]) -> list[Sent]:
    """What went to a channel or a group chat (replies there, or new posts in a channel)."""
    return [
        s
        for s in sent
        if s.conversation_id.startswith("19:")
        or (s.path == "/v3/conversations" and (s.body.get("channelData") or {}).get("channel"))
    ]


async def in_shared_chat(world: World, text: str, user: User = MAIJA, *, group: bool = False) -> list[Sent]:
    """@mention the bot in the General channel (or a group chat); returns what the bot said there."""
    before = len(world.connector.sent)
    url = world.connector.url
    activity = group_message(url, text, user) if group else channel_message(url, text, user)
    response = await world.bot.post(activity)
    assert response.status in (200, 201, 202), response.status
    sent = await world.connector.settle(0.15)
    return shared(sent[before:])


async def private_cards(world: World, user: User, count: int) -> list[dict[str, Any]]:
    """Once `count` private survey messages went to the user's personal chat (the delivery report of the
    outbox): every card sent into personal chats, in order (the connector double opens a new chat for
    each "create conversation", so they are not all in one)."""
    report = await world.delivered(f"survey:private:{user.aad}", count)
    assert (report.sent, report.total) == (count, count), report
    return [s.card for s in world.connector.sent if s.conversation_id.startswith("a:") and s.card]


async def test_kartoitus_with_none_open_does_not_start_but_offers_the_start_button(world: World) -> None:
    replies = await world.say("kartoitus")
    assert len(replies) == 1, replies
    card = replies[0]["attachments"][0]["content"]
    assert "Kartoitusta ei ole vielä tehty." in card_text(card)
    button = start_button(card)
    assert button is not None and button["title"] == "Lähetä 3 henkilölle"
    assert await world.store.latest_survey() is None
    assert world.channel_posts(world.general_id) == []
    replies = await world.say("survey", locale="en-US")
    english = start_button(replies[0]["attachments"][0]["content"])
    assert english is not None and english["title"] == "Send to 3 people"
    assert await world.store.latest_survey() is None

    # The button starts it: the announcement and every form go out, the card turns into the live results.
    body = await world.act(button["verb"], button.get("data"))
    assert body["type"] == "application/vnd.microsoft.card.adaptive", body
    assert "Tarvekartoituksen tulokset" in card_text(body["value"])
    assert start_button(body["value"]) is None
    survey = await world.store.open_survey()
    assert survey is not None
    report = await world.delivered(f"survey:{survey.id}", 4)
    assert (report.sent, report.total) == (4, 4)
    # A second click on the same confirmation is refused while the survey is open.
    again = await world.act(button["verb"], button.get("data"))
    assert again["type"] == ERROR and again["value"]["code"] == "Conflict"

    # Right after closing, `kartoitus` shows the latest results and offers a new one; it starts nothing.
    await world.act("survey.answer", {"survey": survey.id, "organization": "tredu", "needs": ""}, MATTI)
    replies = await world.say("kartoitus sulje")
    assert start_button(replies[0]["attachments"][0]["content"]) is not None
    replies = await world.say("kartoitus")
    assert len(replies) == 1, replies
    card = replies[0]["attachments"][0]["content"]
    text = card_text(card)
    assert "Tarvekartoituksen tulokset" in text and "Vastauksia: 1. Kartoitus on suljettu." in text
    assert start_button(card) is not None
    assert await world.store.open_survey() is None
    assert (await world.store.latest_survey()).id == survey.id  # type: ignore[union-attr]
    assert len(world.channel_posts(world.general_id)) == 1


async def test_a_non_coordinator_cannot_start_with_a_forged_confirmation(world: World) -> None:
    for channel in (False, True):
        body = await world.act("survey.start", {"confirm": True}, MATTI, channel=channel)
        assert body["type"] == ERROR and body["value"]["code"] == "NotAllowed", body
        assert body["value"]["message"].startswith("Only the project coordinator")
    replies = await world.say("kartoitus", LIISA)
    assert [r["text"] for r in replies] == ["Kartoitus ei ole nyt auki."]
    assert await world.store.latest_survey() is None
    assert world.channel_posts(world.general_id) == []


async def test_results_answers_and_export_never_go_to_a_channel_or_group_chat(world: World) -> None:
    private = 0
    # No survey yet: the confirmation goes to the coordinator's personal chat, the channel hears why.
    said = await in_shared_chat(world, "kartoitus")
    assert [s.text for s in said] == [
        "Tulokset näkyvät vain projektipäällikölle, joten näytän ne henkilökohtaisessa keskustelussamme."
    ]
    private += 1
    cards = await private_cards(world, MAIJA, private)
    assert start_button(cards[-1]) is not None
    assert await world.store.latest_survey() is None

    said = await in_shared_chat(world, "kartoitus aloita")
    # The reply and the outbox's General announcement race each other: find the reply by its place.
    replies = [s for s in said if s.path != "/v3/conversations"]
    assert "Kartoitus on aloitettu" in replies[0].text and not any(s.attachments for s in said)
    private += 1
    survey = await world.store.open_survey()
    assert survey is not None
    secret = {"survey": survey.id, "organization": "tredu", "needs": "hr-kehittajat", "proposal": "Salaisuus"}
    await world.act("survey.answer", secret, MATTI)

    # A member's own answer: the form goes to their personal chat, the channel gets a short note.
    said = await in_shared_chat(world, "survey", MATTI)
    assert [s.text for s in said] == [
        "Only the project coordinator sees the answers, so I sent the survey form to our personal chat."
    ]
    assert "Salaisuus" in card_text((await private_cards(world, MATTI, 1))[-1])

    for command in ("kartoitus", "kartoitus tulokset", "kartoitus vie"):
        said = await in_shared_chat(world, command)
        assert len(said) == 1 and not said[0].attachments, (command, said)
        private += 1
    said = await in_shared_chat(world, "kartoitus", group=True)
    assert len(said) == 1 and not said[0].attachments
    private += 1

    # Buttons clicked on a card in the channel answer there with nothing; the card goes to the chat.
    for verb in ("survey.results", "survey.export", "survey.close"):
        body = await world.act(verb, {"survey": survey.id}, channel=True)
        assert body["type"] == NOTHING and body["value"] == "", (verb, body)
        private += 1
    await world.connector.settle(0.15)

    cards = await private_cards(world, MAIJA, private)
    texts = [card_text(c) for c in cards]
    assert sum("Tarvekartoituksen tulokset" in t for t in texts) >= 5
    assert any("Yleinen-kanavan tiedostoihin" in t for t in texts)
    leaked = json.dumps([s.body for s in shared(world.connector.sent)], ensure_ascii=False)
    for secret_text in ("Salaisuus", "Tarvekartoituksen tulokset", "Needs survey results", ".csv", "tredu"):
        assert secret_text not in leaked, secret_text


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_the_start_confirmation_renders_alone_and_under_the_worst_closed_results(lang: str) -> None:
    t = Catalogs().for_locale(lang)
    lonely = to_json(survey_cards.results_card(t, None, {}, start_recipients=1))
    check_card(lonely)
    assert start_button(lonely)["title"] in (  # type: ignore[index]
        "Lähetä 1 henkilölle",
        "Send to 1 person",
    )
    networks = big_networks()
    survey = Survey("s" * 32, "team", SurveyStatus.CLOSED, "aad-maija", NOW, NOW)
    answer = Answer(survey.id, "", "", "e" * TEXT_MAX, tuple(n.key for n in networks), "p" * TEXT_MAX, True)
    answers = [replace(answer, person=f"aad-{i}", organization=f"org-{i % 76}") for i in range(250)]
    results = summarize(survey, answers, networks, {f"org-{i}": 10 for i in range(76)})
    names = {f"org-{i}": "Organisaatio " + "x" * 60 for i in range(76)}
    card = to_json(survey_cards.results_card(t, results, names, start_recipients=250))
    check_card(card)
    assert start_button(card) is not None
    # An open survey's results never offer a start, whatever the caller asks.
    open_results = summarize(replace(survey, status=SurveyStatus.OPEN), [], networks, {})
    assert start_button(to_json(survey_cards.results_card(t, open_results, {}, start_recipients=3))) is None
