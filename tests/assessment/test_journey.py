"""The self-assessment over HTTP in Finnish and English: several cards with progress, answers kept between
cards and resumed later, the private results with charts, growth between two assessments, export as a
file (FileConsent), deletion, and nobody reading another person's answers."""

from __future__ import annotations

import json

from tests.assessment.conftest import (
    CARD,
    ERROR,
    FILE_INFO,
    AssessmentWorld,
    UploadDouble,
    buttons,
    charts,
    inputs,
    text_of,
    walk,
)
from tests.harness.activities import LIISA, MAIJA, MATTI


async def test_answering_over_several_cards_with_progress_resume_and_results(aw: AssessmentWorld) -> None:
    start = await aw.start(LIISA)
    assert "Johtamisosaamisen itsearviointi" in text_of(start)
    assert "Osioita on 6 ja väittämiä yhteensä 26." in text_of(start)
    first = await aw.card(buttons(start)["assessment.start"], LIISA)
    assert "Osio 1/6" in text_of(first) and "Muutosjohtaminen" in text_of(first)
    statements = [key for key in inputs(first) if key.startswith("q.")]
    assert len(statements) == 5
    choice = inputs(first)[statements[0]]
    assert [c["title"] for c in choice["choices"]][-1] == "En osaa sanoa"

    # Moving on with a statement unanswered keeps the card, says what is missing and keeps what was given.
    partial = {key: "4" for key in statements[:3]}
    again = await aw.card(buttons(first)["assessment.answer:Seuraava"], LIISA, **partial)
    assert "2 on vastaamatta" in text_of(again) and "Osio 1/6" in text_of(again)
    assert inputs(again)[statements[0]]["value"] == "4"

    full = {**partial, statements[3]: "5", statements[4]: "0"}
    second = await aw.card(buttons(again)["assessment.answer:Seuraava"], LIISA, **full)
    assert "Osio 2/6" in text_of(second) and "Pedagoginen johtaminen" in text_of(second)
    back = await aw.card(buttons(second)["assessment.answer:Edellinen"], LIISA)
    assert "Osio 1/6" in text_of(back) and inputs(back)[statements[3]]["value"] == "5"
    second = await aw.card(buttons(back)["assessment.answer:Seuraava"], LIISA, **full)

    # "Continue later" keeps the half-answered card; typing arviointi again resumes there.
    half = {key: "3" for key in list(inputs(second))[:2]}
    saved = await aw.card(buttons(second)["assessment.answer:Jatka myöhemmin"], LIISA, **half)
    assert "Vastauksesi on tallennettu" in text_of(saved) and "2/6" in text_of(saved)
    resumed_start = await aw.start(LIISA)
    assert "seuraavaksi osio 2/6" in text_of(resumed_start)
    assert buttons(resumed_start)["assessment.start"]["title"] == "Jatka arviointia"
    resumed = await aw.card(buttons(resumed_start)["assessment.start"], LIISA)
    assert "Osio 2/6" in text_of(resumed)
    assert [inputs(resumed)[k].get("value") for k in half] == ["3", "3"]

    card = resumed
    for score in (4, 2, 5, 3, 4):
        answers = {key: str(score) for key in inputs(card) if key.startswith("q.")}
        card = await aw.card(buttons(card)["assessment.answer:Seuraava"], LIISA, **answers)
    assert "Kaikki osiot on vastattu" in text_of(card)
    results = await aw.card(
        buttons(card)["assessment.finish"], LIISA, goal="Otan tiimin mukaan suunnitteluun."
    )

    text = text_of(results)
    assert "Itsearvioinnin tulokset" in text and "Tulokset näkyvät vain sinulle" in text
    assert "Otan tiimin mukaan suunnitteluun." in text
    overview, *gauges = charts(results)
    assert overview["type"] == "Chart.VerticalBar.Grouped"
    (mine,) = overview["data"]  # no earlier assessment, no comparison yet
    assert [v["x"] for v in mine["values"]] == [
        "Muutos",
        "Pedagogiikka",
        "Palvelut",
        "Valmentava",
        "Jaettu",
        "Verkostot",
    ]
    assert [v["y"] for v in mine["values"]] == [4.2, 4.0, 2.0, 5.0, 3.0, 4.0]  # "can't say" left out
    assert [g["type"] for g in gauges] == ["Chart.Gauge"] * 6
    # The chart's numbers as text too, with Finnish decimals (the renderer's chart shows no bar values).
    table = next(n for n in walk(results) if n.get("type") == "Table")
    rows = [[c["items"][0]["text"] for c in row["cells"]] for row in table["rows"]]
    assert rows[0] == ["Osio", "Nyt"] and rows[1] == ["Muutos", "4,2"]
    assert [r[1] for r in rows[1:]] == ["4,2", "4,0", "2,0", "5,0", "3,0", "4,0"]
    assert "Vahvuutesi" in text and "Valmentava johtaminen" in text
    assert "Kehittämiskohteet" in text and "Palveluprosessien johtaminen" in text
    assert "Vertailukeskiarvoja ei vielä näytetä" in text


async def test_english_journey_and_growth_between_two_assessments(aw: AssessmentWorld) -> None:
    first = await aw.complete(MATTI, 3)
    assert "Your self-assessment results" in text_of(first)
    later = await aw.complete(MATTI, [4, 4, 2, 5, 3, 3], goal="Share more.")
    text = text_of(later)
    assert "Change since your previous assessment" in text
    overview = charts(later)[0]
    legends = [series["legend"] for series in overview["data"]]
    assert legends[0].startswith("This assessment") and legends[1].startswith("Earlier")
    assert [v["y"] for v in overview["data"][1]["values"]] == [3.0] * 6
    table = next(n for n in walk(later) if n.get("type") == "Table")
    header = [c["items"][0]["text"] for c in table["rows"][0]["cells"]]
    assert header == ["Part", "Now", "Before"]
    assert "+1.0" in text and "−1.0" in text and "±0.0" in text
    start = await aw.start(MATTI)
    assert "You have completed 2 assessments." in text_of(start)


async def test_every_answer_cant_say_gives_no_chart_of_nothing(aw: AssessmentWorld) -> None:
    results = await aw.complete(MATTI, 0)  # "can't say" to every statement: no mean anywhere
    assert charts(results) == []
    assert text_of(results).count("You answered “Can't say” to every statement of this part.") == 6
    table = next(n for n in walk(results) if n.get("type") == "Table")
    assert {row["cells"][1]["items"][0]["text"] for row in table["rows"][1:]} == {"–"}


async def test_results_are_only_the_persons_own(aw: AssessmentWorld) -> None:
    results = await aw.complete(MAIJA, 4)
    maija_id = buttons(results)["assessment.goal"]["data"]["assessment"]
    # Liisa presents Maija's assessment id: she is told it is not hers, and sees nothing of it.
    for verb, data in (
        ("assessment.results", {"assessment": maija_id}),
        ("assessment.goal", {"assessment": maija_id, "goal": "x"}),
        ("assessment.answer", {"assessment": maija_id, "dimension": "muutosjohtaminen", "move": 1}),
        ("assessment.finish", {"assessment": maija_id}),
    ):
        body = await aw.world.act(verb, data, LIISA)
        assert body["type"] == ERROR, (verb, body)
        assert body["value"]["message"] == "En löytänyt tätä arviointia omista arvioinneistasi."
    # Forged values and a wrong move are refused without a change.
    body = await aw.world.act(
        "assessment.answer", {"assessment": maija_id, "dimension": "x", "move": 7}, MAIJA
    )
    assert body["type"] == ERROR
    again = await aw.world.act("assessment.results", {"assessment": maija_id}, MAIJA)
    assert again["type"] == CARD and "Itsearvioinnin tulokset" in text_of(again["value"])
    # The coordinator (Maija) gets counts, never answers; Liisa gets no overview at all.
    overview = await aw.card({"verb": "assessment.overview"}, MAIJA)
    assert "Aloittaneita" in text_of(overview) and charts(overview) == []
    refused = await aw.world.act("assessment.overview", {}, LIISA)
    assert refused["type"] == ERROR and "projektipäällikkö" in refused["value"]["message"]


async def test_in_a_channel_it_points_to_the_personal_chat(aw: AssessmentWorld) -> None:
    body = await aw.world.act("assessment.start", {}, LIISA, channel=True)
    assert body["type"] == ERROR and "henkilökohtaisessa keskustelussa" in body["value"]["message"]


async def test_export_as_a_file_and_delete(aw: AssessmentWorld, uploads: UploadDouble) -> None:
    results = await aw.complete(LIISA, 5, goal="Tavoite")
    before = len(aw.world.connector.sent)
    body = await aw.click(buttons(results)["assessment.export"], LIISA)
    assert body["value"] == "Lähetin tiedoston hyväksyttäväksi tähän keskusteluun."
    await aw.world.connector.settle(0.1)
    (consent,) = aw.consent_cards(before)
    context = consent["content"]["acceptContext"]
    name = consent["name"]
    assert name.startswith("itsearviointi-") and name.endswith(".json")
    replies = await aw.consent("accept", context, uploads.upload_info(name), LIISA)
    ((headers, data),) = uploads.puts
    assert "Authorization" not in headers
    document = json.loads(data)
    (exported,) = document["assessments"]
    assert exported["goal"] == "Tavoite" and exported["status"] == "done"
    first = exported["dimensions"][0]
    assert first["name"] == "Muutosjohtaminen" and first["mean"] == 5.0
    assert first["statements"][0]["label"] == "Täysin samaa mieltä"
    assert any(a["contentType"] == FILE_INFO for r in replies for a in r.get("attachments") or [])
    # Someone else's acceptance of Liisa's card is refused; so is a replay.
    refused = await aw.consent("accept", context, uploads.upload_info(name), MATTI)
    assert refused and "no longer be sent" in refused[0]["text"]
    replay = await aw.consent("accept", context, uploads.upload_info(name), LIISA)
    assert replay and "ei voi enää lähettää" in replay[0]["text"]
    assert len(uploads.puts) == 1

    confirm = await aw.card(buttons(results)["assessment.delete"], LIISA)
    assert "Poistetaanko arviointisi?" in text_of(confirm)
    done = await aw.card(buttons(confirm)["assessment.delete_confirm"], LIISA)
    assert "1 arviointi on poistettu." in text_of(done)
    assert await aw.store.assessments_of(LIISA.aad) == []
    gone = await aw.world.act("assessment.results", {}, LIISA)
    assert gone["type"] == ERROR and "ei ole vielä valmista" in gone["value"]["message"]
