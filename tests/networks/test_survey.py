"""The needs-mapping survey over real HTTP: start, answer, results, export, close; in Finnish and English."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.cards.checks import nodes
from tests.harness.activities import LIISA, MAIJA, MATTI
from tests.networks.conftest import World, card_text, open_world


async def start_survey(world: World) -> str:
    replies = await world.say("kartoitus aloita")
    assert "Kartoitus on aloitettu" in replies[0]["text"]
    results = replies[1]["attachments"][0]["content"]
    assert "Tarvekartoituksen tulokset" in card_text(results)
    survey = await world.store.open_survey()
    assert survey is not None
    return survey.id


def answer(survey: str, organization: str, needs: str = "", **extra: str) -> dict[str, str]:
    return {"survey": survey, "organization": organization, "needs": needs, **extra}


async def test_coordinator_starts_survey_for_channel_and_every_member(world: World) -> None:
    survey = await start_survey(world)
    report = await world.delivered(f"survey:{survey}", 4)
    assert (report.sent, report.total) == (4, 4)
    [announcement] = world.channel_posts(world.general_id)
    assert "Vastaa kartoitukseen" in card_text(announcement) and survey in card_text(announcement)
    forms = {user.aad: card_text((await world.chat_cards(user))[-1]) for user in (MAIJA, MATTI, LIISA)}
    # Each person's form speaks their language and has their organisation picked from the email domain.
    assert "Organisaatiosi" in forms[LIISA.aad] and '"value": "vamia"' in forms[LIISA.aad]
    assert "Your organisation" in forms[MATTI.aad] and '"value": "tredu"' in forms[MATTI.aad]
    assert "HR-kehittäjäverkosto" in forms[LIISA.aad] and "HR developers' network" in forms[MATTI.aad]
    # The notifications say what came, each in its reader's language (the General post in the team's).
    summaries = {s.message.get("summary") for s in world.connector.sent if s.proactive}
    assert {"Vertaisverkostojen tarvekartoitus", "Peer network needs survey"} <= summaries
    # A second start while one is open is refused.
    replies = await world.say("kartoitus aloita")
    assert replies[0]["text"] == "Kartoitus on jo auki. Sulje se ennen uuden aloittamista."
    assert (await world.store.open_survey()).id == survey  # type: ignore[union-attr]


async def test_a_survey_is_not_started_before_the_bot_knows_its_team(tmp_path: Path) -> None:
    """Real Teams before the install in the team: starting would reach one person and lose the General
    announcement, so the coordinator is told what to do and nothing is queued."""
    async for world in open_world(tmp_path, f"sqlite:///{tmp_path / 'bot.db'}", team=False):
        replies = await world.say("kartoitus aloita")
        assert "Lisää minut ensin hanketiimiin" in replies[0]["text"]
        body = await world.act("survey.start", {}, replace(MAIJA, locale="en-US"))
        assert "Add me to the project team first" in body["value"]["message"]
        assert await world.store.open_survey() is None
        assert world.channel_posts(world.general_id) == []


async def test_non_coordinator_cannot_start_see_results_export_or_close(world: World) -> None:
    replies = await world.say("survey start", MATTI)
    assert (
        replies[0]["text"]
        == "Only the project coordinator can start the survey, see its results or close it."
    )
    body = await world.act("survey.start", {}, LIISA)
    assert body["type"] == "application/vnd.microsoft.error"
    assert body["value"]["message"].startswith("Vain projektipäällikkö")
    assert await world.store.open_survey() is None
    survey = await start_survey(world)
    for verb in ("survey.results", "survey.export", "survey.close"):
        body = await world.act(verb, {"survey": survey}, MATTI)
        assert body["value"]["code"] == "NotAllowed", verb
    assert (await world.store.get_survey(survey)).status == "open"  # type: ignore[union-attr]


async def test_member_answers_and_sees_the_answer_back_latest_wins(world: World) -> None:
    survey = await start_survey(world)
    body = await world.act("survey.open", {"survey": survey}, MATTI)
    form = card_text(body["value"])
    assert "Send the answer" in form and '"value": "tredu"' in form

    first = answer(
        survey, "tredu", "hr-kehittajat,johtamisosaaminen", proposal="Opinto-ohjaajat", join="true"
    )
    body = await world.act("survey.answer", first, MATTI)
    shown = card_text(body["value"])
    assert "Your answer is saved" in shown and "Update the answer" in shown
    assert '"value": "hr-kehittajat,johtamisosaaminen"' in shown and "Opinto-ohjaajat" in shown

    second = answer(survey, "tredu", "pedagoginen-johtaminen", present="true")
    await world.act("survey.answer", second, MATTI)
    answers = await world.store.list_answers(survey)
    assert len(answers) == 1
    assert answers[0].needs == ("pedagoginen-johtaminen",)
    assert answers[0].present and not answers[0].join and answers[0].proposal == ""

    # The same in Finnish through the command: the form shows the stored answer.
    await world.act("survey.answer", answer(survey, "vamia", "hr-kehittajat"), LIISA)
    replies = await world.say("kartoitus", LIISA)
    assert len(replies) == 1, replies
    form = card_text(replies[0]["attachments"][0]["content"])
    assert "Päivitä vastaus" in form and '"value": "hr-kehittajat"' in form


async def test_bad_answers_are_refused_and_nothing_is_stored(world: World) -> None:
    survey = await start_survey(world)
    cases = [
        (answer(survey, "no-such-org", "hr-kehittajat"), "Choose your organisation from the list."),
        (
            answer(survey, "tredu", "hr-kehittajat,made-up"),
            "The network made-up is not among the survey's choices.",
        ),
        (answer(survey, "tredu", proposal="x" * 1001), "An answer may be at most 1,000 characters long."),
        (answer("forged-survey-id", "tredu"), "The survey was not found."),
    ]
    for data, message in cases:
        body = await world.act("survey.answer", data, MATTI)
        assert body["type"] == "application/vnd.microsoft.error"
        assert body["value"]["message"] == message
    assert await world.store.list_answers(survey) == []


async def test_closed_survey_takes_no_answers_and_shows_results(world: World) -> None:
    survey = await start_survey(world)
    await world.act("survey.answer", answer(survey, "tredu", "hr-kehittajat"), MATTI)
    replies = await world.say("kartoitus sulje")
    assert "suljettu" in card_text(replies[0]["attachments"][0]["content"])
    body = await world.act("survey.answer", answer(survey, "tredu", "johtamisosaaminen"), MATTI)
    assert body["value"]["message"] == "The survey is closed: answers can no longer be changed."
    assert (await world.store.list_answers(survey))[0].needs == ("hr-kehittajat",)
    body = await world.act("survey.open", {"survey": survey}, MATTI)
    shown = card_text(body["value"])
    assert "The survey is closed" in shown and "Action.Execute" not in shown
    replies = await world.say("survey", MATTI)
    assert replies[0]["text"] == "The needs survey is not open right now."


async def test_results_count_people_and_organisations_per_network(world: World) -> None:
    survey = await start_survey(world)
    await world.act(
        "survey.answer", answer(survey, "tredu", "hr-kehittajat,johtamisosaaminen", join="true"), MATTI
    )
    await world.act("survey.answer", answer(survey, "vamia", "hr-kehittajat", proposal="Opot"), LIISA)
    await world.act("survey.answer", answer(survey, "omnia", "hr-kehittajat", existing="HR-tiimi"), MAIJA)
    body = await world.act("survey.results", {"survey": survey})
    card = body["value"]
    chart = next(e for e in card["body"] if e["type"] == "Chart.HorizontalBar")
    bars = {bar["x"]: bar["y"] for bar in chart["data"]}
    assert bars["HR-kehittäjäverkosto"] == 3 and bars["Johtamisosaamisen verkosto"] == 1
    assert bars["Pedagogisen johtamisen vertaisverkosto"] == 0
    text = card_text(card)
    assert "Vastaajia: 3, organisaatioita: 3, osallistumaan haluavia: 1" in text
    assert "Vamia: Opot" in text and "Omnia: HR-tiimi" in text
    assert "1/1 vastannut (100 %)" in text
    body = await world.act("survey.results", {"survey": survey}, MAIJA)
    # One choice of the networks to launch and one short button (a button per network ran off the card).
    shown = list(nodes(body["value"]))
    choice = next(n for n in shown if n.get("type") == "Input.ChoiceSet" and n.get("id") == "network")
    choices = {c["title"]: c["value"] for c in choice["choices"]}
    assert choices["HR-kehittäjäverkosto"] == "hr-kehittajat" and choice["style"] == "expanded"
    button = next(n for n in shown if n.get("verb") == "network.launch")
    assert button["title"] == "Käynnistä verkosto" and "data" not in button
    # The client sends the chosen value with the button's action; the network is launched.
    launched = await world.act("network.launch", {"network": choices["HR-kehittäjäverkosto"]}, MAIJA)
    assert "käynnistetty" in card_text(launched["value"])
    # In English for an English-speaking coordinator view of the same results.
    replies = await world.say("kartoitus tulokset")
    assert "Vastaajia: 3," in card_text(replies[0]["attachments"][0]["content"])


async def test_export_when_graph_fails_is_reported(world: World) -> None:
    survey = await start_survey(world)
    world.sandbox.inject(503, times=50)
    body = await world.act("survey.export", {"survey": survey})
    assert body["type"] == "application/vnd.microsoft.error"
    assert body["value"]["message"]
