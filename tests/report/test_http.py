"""`raportti` / `report` through the real bot over HTTP: the coordinator's card in Finnish, the workbook and
CSV filed into the General channel's folder of the Graph sandbox (read back, no person in them), the
attendance list with names offered to the coordinator alone; refusals and bad periods in both languages."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import openpyxl

from tests.harness.activities import MAIJA, MATTI, TEAM_AAD, personal_message
from tests.materials.test_send import UploadDouble, uploads  # noqa: F401 (the upload-URL double fixture)
from tests.networks.conftest import World, card_text
from tests.networks.test_survey_export import FILE_CONSENT, _consent, as_finnish_excel
from tests.networks.test_survey_privacy import in_shared_chat
from tests.report import seed as s
from tests.report.test_files import _no_person


def _text(replies: list[dict[str, Any]]) -> str:
    return " ".join(r.get("text") or "" for r in replies)


async def test_the_coordinator_gets_the_card_and_general_gets_the_files(
    world: World,
    uploads: UploadDouble,  # noqa: F811
) -> None:
    now = datetime.now(UTC)
    await s.seed(world.store, now)
    period = s.period_around(now)
    replies = await world.say(f"raportti {period.start:%-d.%-m.%Y} {period.end:%-d.%-m.%Y}")
    (card,) = [a["content"] for r in replies for a in r.get("attachments") or []]
    text = card_text(card)
    assert "3 pidettyä, 1 suunnitteilla" in text and "Tallensin työkirjan ja CSV:n" in text
    folder = world.sandbox.disk_path(TEAM_AAD, "General")
    book = openpyxl.load_workbook(io.BytesIO((folder / f"toimintaraportti-{period.slug}.xlsx").read_bytes()))
    networks = {row[0]: row[1:3] for row in book["Verkostot"].iter_rows(min_row=2, values_only=True)}
    assert networks["HR-kehittäjäverkosto"] == (2, 1) and networks["Koko hanke"] == (3, 1)
    cells = [
        str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c is not None
    ]
    rows = as_finnish_excel((folder / f"toimintaraportti-{period.slug}.csv").read_bytes())
    _no_person(cells + [cell for row in rows for cell in row], also=[MAIJA.name, MAIJA.email, MATTI.name])
    # The names go to the coordinator alone, as a file offered in the personal chat.
    (button,) = card["actions"]
    refused = await world.act(button["verb"], button["data"], MATTI)
    assert refused["type"] == "application/vnd.microsoft.error"
    before = len(world.connector.sent)
    await world.act(button["verb"], button["data"])
    sent = await world.connector.settle(0.1)
    (offer,) = [a for m in sent[before:] for a in m.attachments if a["contentType"] == FILE_CONSENT]
    await _consent(world, offer["content"]["acceptContext"], uploads.upload_info(offer["name"]))
    (_headers, data) = uploads.puts[-1]
    listed = as_finnish_excel(data)
    assert listed[0][3:5] == ["Nimi", "Sähköposti"]
    assert {row[3] for row in listed[1:]} == {name for key, (name, _e) in s.PEOPLE.items() if key != "p8"}
    assert len(listed) - 1 == 4 + 3 + 2 + 3  # one row a person and meeting, whatever their roles there
    assert listed[1][6] == "alustaja, ilmoittautui, pienryhmässä"


async def test_others_are_refused_and_a_bad_period_is_explained(world: World) -> None:
    refused = await world.say("report", MATTI)
    assert _text(refused) == "Only the project coordinator can get the activity report."
    assert "En tunnista ajanjaksoa ”talvi 2026”" in _text(await world.say("raportti talvi 2026"))
    backwards = await world.say("report 2026-12-31 2026-08-01", locale="en-US")
    assert _text(backwards).startswith("The period ends before it starts.")
    assert not list(world.sandbox.disk_path(TEAM_AAD, "General").glob("toimintaraportti-*"))
    # Asked for with the report, the attendance list is offered in the same personal chat.
    before = len(world.connector.sent)
    await world.bot.post(personal_message(world.connector.url, "raportti osallistujat syksy 2026", MAIJA))
    sent = await world.connector.settle(0.15)
    (offer,) = [a for m in sent[before:] for a in m.attachments if a["contentType"] == FILE_CONSENT]
    assert offer["name"] == "osallistujat-2026-syksy.csv"
    assert offer["content"]["description"].startswith("0 riviä")


async def test_help_offers_it_to_the_coordinator_only_and_a_channel_sees_no_figures(world: World) -> None:
    def shown(replies: list[dict[str, Any]]) -> str:
        return " ".join(card_text(a["content"]) for r in replies for a in r.get("attachments") or [])

    assert '"raportti"' in shown(await world.say("apua"))
    assert '"report"' not in shown(await world.say("help", MATTI))

    # Asked in the General channel, the card goes to the personal chat; the channel gets the notice only.
    said = await in_shared_chat(world, "raportti")
    assert [m.body.get("text") for m in said] == [
        "Lähetin toimintaraportin henkilökohtaiseen keskusteluusi. "
        "Työkirja ja CSV ovat Yleinen-kanavan tiedostoissa."
    ]
    report = await world.delivered(f"report:private:{MAIJA.aad}", 1)
    assert report.sent == 1
    reports = [m for m in world.connector.sent if m.card and "Toimintaraportti: " in card_text(m.card)]
    assert [m.conversation_id[:2] for m in reports] == ["a:"]  # a personal chat, not 19: (a channel)
