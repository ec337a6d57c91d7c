"""The survey's answers as files people open: the CSV in the General channel's files read as Finnish Excel
reads it (its list separator `;`, UTF-8 only with a BOM), and the workbook beside it, sent to the
coordinator alone through file consent and read back with openpyxl."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import Any

import openpyxl

from bot.i18n import Catalogs
from bot.workbooks import workbook
from core.networks import Network
from core.spreadsheets import csv_for_excel
from core.survey import Answer, answers_table
from tests.harness.activities import LIISA, MAIJA, MATTI, invoke
from tests.materials.test_send import UploadDouble, uploads  # noqa: F401 (the upload-URL double fixture)
from tests.networks.conftest import World, card_text
from tests.networks.test_survey import answer, start_survey

FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
HEADER_FI = [
    "Organisaatio",
    "Tarvittavat verkostot",
    "Nykyiset sisäiset verkostot",
    "Ehdotus uudesta verkostosta",
    "Haluaa osallistua",
    "Voi toimia alustajana",
    "Vastattu",
]
TRICKY = {
    "proposal": "=HYPERLINK(x)",  # a formula
    "existing": "Esihenkilöt; ja rivi\nlisää",  # the separator and a line break inside one field
}


async def _answered(world: World) -> str:
    survey = await start_survey(world)
    await world.act(
        "survey.answer",
        answer(survey, "tredu", "hr-kehittajat,johtamisosaaminen", join="true", **TRICKY),
        MATTI,
    )
    await world.act("survey.answer", answer(survey, "vamia", "johtamisosaaminen", existing="-1+1"), LIISA)
    return survey


def as_finnish_excel(data: bytes) -> list[list[str]]:
    """What Excel with Finnish regional settings shows: it takes the file as UTF-8 only after a byte order
    mark, and splits fields at its list separator, the semicolon (quotes keep a field whole)."""
    assert data.startswith(b"\xef\xbb\xbf"), "no BOM: Excel would read the file in the ANSI code page"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))


async def test_the_csv_opens_in_finnish_excel_with_names_and_finnish_headers(world: World) -> None:
    survey = await _answered(world)
    body = await world.act("survey.export", {"survey": survey})
    assert "2 vastausta on tallennettu Yleinen-kanavan tiedostoihin" in card_text(body["value"])
    folder = world.sandbox.disk_path("team-aad-vertaansa", "General")
    (file,) = folder.glob("kartoitus-*.csv")
    rows = as_finnish_excel(file.read_bytes())
    assert rows[0] == HEADER_FI
    assert {len(row) for row in rows} == {len(HEADER_FI)}, "a row would spill into other columns"
    by_organization = {row[0]: row for row in rows[1:]}
    assert set(by_organization) == {"Tredu", "Vamia"}  # names, not keys
    tredu, vamia = by_organization["Tredu"], by_organization["Vamia"]
    assert tredu[1] == "HR-kehittäjäverkosto, Johtamisosaamisen verkosto"
    assert tredu[3] == "'=HYPERLINK(x)" and tredu[2] == TRICKY["existing"] and vamia[2] == "'-1+1"
    assert (tredu[4], tredu[5], vamia[4]) == ("kyllä", "ei", "ei")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", tredu[6])  # a time Excel reads as a date
    # The file is readable by the whole team: it names organisations, never people.
    assert not [row for row in rows if MATTI.aad in row or LIISA.aad in row or MATTI.name in row]
    # Exporting again replaces the file instead of piling up copies.
    await world.act("survey.export", {"survey": survey})
    assert len(list(folder.glob("kartoitus-*.csv"))) == 1


async def _consent(world: World, context: Any, upload: dict[str, Any], user: Any = MAIJA) -> list[dict]:  # type: ignore[type-arg]
    before = len(world.connector.sent)
    value = {"type": "fileUpload", "action": "accept", "context": context, "uploadInfo": upload}
    status, _ = await world.bot.post_json(invoke(world.connector.url, "fileConsent/invoke", value, user))
    assert status == 200
    sent = await world.connector.settle(0.15)
    return [s.body for s in sent[before:]]


async def test_the_workbook_beside_it_reaches_the_coordinator_alone_and_reads_back(
    world: World,
    uploads: UploadDouble,  # noqa: F811
) -> None:
    survey = await _answered(world)
    exported = (await world.act("survey.export", {"survey": survey}))["value"]
    button = next(a for a in exported["actions"] if a.get("verb") == "survey.workbook")
    assert button["title"] == "Lähetä Excel-työkirja"
    refused = await world.act(button["verb"], button["data"], MATTI)
    assert refused["type"] == "application/vnd.microsoft.error"
    before = len(world.connector.sent)
    body = await world.act(button["verb"], button["data"])
    assert body["type"] == "application/vnd.microsoft.activity.message", body
    sent = await world.connector.settle(0.1)
    (offer,) = [a for s in sent[before:] for a in s.attachments if a["contentType"] == FILE_CONSENT]
    assert offer["name"].endswith(".xlsx")
    context = offer["content"]["acceptContext"]
    replies = await _consent(world, context, uploads.upload_info(offer["name"]))
    assert any(a["contentType"] == FILE_INFO for r in replies for a in r.get("attachments") or [])
    (_headers, data) = uploads.puts[-1]
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Vastaukset"
    rows = [[cell for cell in row] for row in sheet.iter_rows()]
    assert [c.value for c in rows[0]] == HEADER_FI
    by_organization = {row[0].value: row for row in rows[1:]}
    tredu = by_organization["Tredu"]
    assert tredu[1].value == "HR-kehittäjäverkosto, Johtamisosaamisen verkosto"
    # Text that looks like a formula is stored as text (not evaluated, no apostrophe needed).
    assert (tredu[3].value, tredu[3].data_type) == ("=HYPERLINK(x)", "s")
    assert (by_organization["Vamia"][2].value, by_organization["Vamia"][2].data_type) == ("-1+1", "s")
    assert isinstance(tredu[6].value, datetime) and tredu[6].number_format == "d.m.yyyy h:mm"
    assert sheet.freeze_panes == "A2"
    # A replayed acceptance sends nothing again.
    again = await _consent(world, context, uploads.upload_info(offer["name"]))
    assert len(uploads.puts) == 1 and "Pyydä se uudelleen" in str(again)


def test_the_table_speaks_the_readers_language() -> None:
    en = Catalogs().for_locale("en")
    hr = Network("hr", "HR-kehittäjäverkosto", "HR developers' network", "", "")
    when = datetime(2026, 1, 12, 8, 0, tzinfo=UTC)
    one = Answer("s1", "aad-1", "omnia", needs=("hr", "gone"), present=True, answered_at=when)
    header, rows = answers_table(en, [one], [hr], {"omnia": "Omnia"})
    assert header[0] == "Organisation" and header[-1] == "Answered"
    assert rows == [["Omnia", "HR developers' network, gone", "", "", "no", "yes", when]]


def test_a_leading_tab_or_carriage_return_is_guarded_like_the_other_formula_starts() -> None:
    texts = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1", "tavallinen", " =välilyönti ensin"]
    rows = as_finnish_excel(csv_for_excel(["Teksti"], [[text] for text in texts]))
    assert [row[0] for row in rows[1:]] == [f"'{t}" for t in texts[:6]] + texts[6:]
    sheet = openpyxl.load_workbook(io.BytesIO(workbook("Taulukko", ["Teksti"], [[t] for t in texts]))).active
    # (XML reads a carriage return back as a line feed; either way the cell is text, not a formula.)
    expected = [(t.replace("\r", "\n"), "s") for t in texts]
    assert [(c.value, c.data_type) for (c,) in sheet.iter_rows(min_row=2)] == expected
