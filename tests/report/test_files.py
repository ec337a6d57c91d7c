"""The seeded term's report as the coordinator and the funder see it: the summary card, the workbook read
back with openpyxl (its sheets, numbers and native charts) and the CSV read as Finnish Excel reads it, in
Finnish and English; and neither file names a person."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bot.i18n import Catalogs
from bot.report_workbook import workbook
from cards.base import to_json
from cards.report import report_card
from core import report, report_flow
from core.errors import Conflict, NotAllowed
from core.report import ActivityReport, MeetingLine
from core.report_tables import csv_table
from core.spreadsheets import csv_for_excel
from core.teams import Team
from store import SqlStore, open_store
from tests.cards.checks import assert_teams_card
from tests.harness.workspace import RecordingWorkspace
from tests.networks.test_survey_export import as_finnish_excel
from tests.report import seed as s

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CATALOGS = Catalogs()


@pytest.fixture
async def seeded(tmp_path: Path) -> AsyncIterator[tuple[SqlStore, ActivityReport]]:
    store = await open_store(f"sqlite:///{tmp_path / 'report.db'}")
    try:
        await s.seed(store, NOW)
        yield store, await report.build(store, s.period_around(NOW), now=NOW, is_coordinator=True)
    finally:
        await store.close()


def _facts(card: dict[str, Any]) -> dict[str, str]:
    (facts,) = [e for e in card["body"] if e["type"] == "FactSet"]
    return {f["title"]: f["value"] for f in facts["facts"]}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for v in value.values() for text in _strings(v)]
    if isinstance(value, list):
        return [text for v in value for text in _strings(v)]
    return []


def _no_person(texts: list[str], also: list[str] = ()) -> None:  # type: ignore[assignment]
    people = s.names_and_emails() + [s.aad(key) for key in s.PEOPLE] + list(also)
    found = [(text, who) for text in texts for who in people if who.casefold() in text.casefold()]
    assert found == [], "a shared file names a person"


async def test_the_card_shows_the_counted_numbers_with_charts(
    seeded: tuple[SqlStore, ActivityReport],
) -> None:
    _store, made = seeded
    fi = to_json(report_card(CATALOGS.for_locale("fi"), made, files={"a.xlsx": "https://x/a.xlsx"}))
    assert_teams_card(fi)
    facts = _facts(fi)
    assert facts["Tapaamiset"] == "3 pidettyä, 1 suunnitteilla"
    assert (facts["Alustukset"], facts["Osallistun-ilmoitukset"], facts["Pienryhmät"]) == ("7", "8", "3")
    assert (facts["Osallistujat"], facts["Kumppanit"]) == ("8", "5/15 mukana")
    assert facts["Kyselyt ja teemaäänestykset"] == "1 kysely, 1 teemaäänestys, 5 vastausta"
    assert facts["Kyselyihin vastanneet"] == "56 %"
    assert facts["Kartoituksen vastausprosentti"].startswith("57 %")  # 4 answers of 7 people known
    assert facts["Vertaisvalmennus"] == "1 kierros, 1 pari, 1 ryhmä"
    assert facts["Vertaisvalmennuksen tapaamiset"] == "75 % tapasi, 50 % eri organisaatioista"
    assert (facts["Itsearvioinnit"], facts["Osaamismerkit"]) == (
        "3 itsearviointia tehty",
        "3 osaamismerkkiä myönnetty",
    )
    (table,) = [e for e in fi["body"] if e["type"] == "Table"]
    rows = [[c["items"][0]["text"] for c in row["cells"]] for row in table["rows"][1:]]
    assert rows == [
        ["HR-kehittäjäverkosto", "2", "1", "7"],
        ["Pedagogisen johtamisen verkosto", "1", "0", "3"],
        ["Johtamisosaamisen verkosto", "0", "0", "0"],
    ]
    charts = {e["title"]: e["data"] for e in fi["body"] if e["type"].startswith("Chart.")}
    assert charts["Tapaamiset verkostoittain"] == [
        {"x": "HR-kehittäjäverkosto", "y": 3},
        {"x": "Pedagogisen johtamisen verkosto", "y": 1},
        {"x": "Johtamisosaamisen verkosto", "y": 0},
    ]
    people = {d["x"]: d["y"] for d in charts["Osallistujat organisaatioittain"]}
    assert people == {"Omnia": 2, "Tredu": 2, "Luksia": 1, "REDU": 1, "Vamia": 1}
    assert {d["x"]: d["y"] for d in charts["Alustukset organisaatioittain"]} == {
        "Tredu": 3,
        "Omnia": 2,
        "REDU": 1,
        "Vamia": 1,
    }
    text = json.dumps(fi, ensure_ascii=False)
    assert "10 kumppaniorganisaatiota ilman osallistujia: Brahe" in text
    assert "HR-kehittäjäverkosto: Perehdytys, Hyvinvointi" in text
    en = to_json(report_card(CATALOGS.for_locale("en"), made))
    assert_teams_card(en)
    facts = _facts(en)
    assert facts["Meetings"] == "3 held, 1 planned"
    assert facts["Partner organisations"] == "5 of 15 taking part"
    assert en["body"][0]["text"].startswith("Activity report: ")


async def test_the_workbook_holds_a_sheet_per_section_with_charts_and_no_person(
    seeded: tuple[SqlStore, ActivityReport],
) -> None:
    _store, made = seeded
    book = openpyxl.load_workbook(io.BytesIO(workbook(CATALOGS.for_locale("fi"), made)))
    assert book.sheetnames == [
        "Tiedot",
        "Verkostot",
        "Tapaamiset ja teemat",
        "Alustajat",
        "Organisaatiot",
        "Kartoitus",
        "Vertaisvalmennus",
        "Valmennus organisaatioittain",
        "Itsearvioinnit ja merkit",
    ]
    values = {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}
    front = {row[0]: row[1] for row in values["Tiedot"][2:]}
    assert "Tapaaminen kuuluu ajanjaksoon" in front["Tapaamiset"] and "Tietosuoja" in front
    networks = {row[0]: tuple(row[1:]) for row in values["Verkostot"][1:]}
    # the counts as the use case gives them, then the participation per cent in place of the eligible
    assert networks["HR-kehittäjäverkosto"] == (*s.EXPECTED_NETWORKS["hr"][:11], 56)
    assert networks["Pedagogisen johtamisen verkosto"] == (*s.EXPECTED_NETWORKS["ped"][:11], 0)
    assert networks["Koko hanke"] == (*s.EXPECTED_TOTAL[:11], 56)
    assert networks["Johtamisosaamisen verkosto"] == (0,) * 12
    themes = [(row[0], row[2], row[3]) for row in values["Tapaamiset ja teemat"][1:]]
    assert ("HR-kehittäjäverkosto", "Perehdytys", "suunnitteilla") in themes and len(themes) == 4
    organizations = {row[0]: tuple(row[1:]) for row in values["Organisaatiot"][1:]}
    assert organizations["Tredu"] == ("kyllä", 2, 3, 2) and organizations["Brahe"] == ("ei", 0, 0, 0)
    assert len(organizations) == 15
    rates = {row[0]: (row[2], row[3], row[4]) for row in values["Kartoitus"][1:]}
    assert rates == s.EXPECTED_RATES
    coaching = dict(values["Vertaisvalmennus"][1:])
    assert (
        coaching["Tapaamisprosentti (%)"],
        coaching["Eri organisaatioista (%)"],
    ) == s.EXPECTED_COACHING_RATES
    progress = {row[0]: tuple(row[1:]) for row in values["Itsearvioinnit ja merkit"][1:]}
    assert progress["Osaamismerkki: Alustaja"] == (2, 1)
    charted = {sheet.title: len(sheet._charts) for sheet in book}  # native charts, not pictures
    meetings_chart = book["Verkostot"]._charts[0]  # held and planned per network, the total row left out
    assert [series.val.numRef.f for series in meetings_chart.series] == [
        "'Verkostot'!$B$2:$B$4",
        "'Verkostot'!$C$2:$C$4",
    ]
    assert charted["Verkostot"] == 2 and charted["Organisaatiot"] == 1 and charted["Kartoitus"] == 1
    assert charted["Valmennus organisaatioittain"] == 1 and charted["Itsearvioinnit ja merkit"] == 1
    _no_person([str(cell) for rows in values.values() for row in rows for cell in row if cell is not None])


async def test_the_csv_opens_in_finnish_excel_and_names_no_person(
    seeded: tuple[SqlStore, ActivityReport],
) -> None:
    store, made = seeded
    workspace = RecordingWorkspace()
    team = Team("team", "Vertaansa vailla", "tenant", "https://smba.example/", "19:general@thread.tacv2")
    filed = await report_flow.file(
        store, workspace, team, made, CATALOGS.for_locale("fi"), workbook, actor="aad-x", is_coordinator=True
    )
    slug = s.period_around(NOW).slug
    assert sorted(filed) == [f"toimintaraportti-{slug}.csv", f"toimintaraportti-{slug}.xlsx"]
    rows = as_finnish_excel(workspace.files[("19:general@thread.tacv2", f"toimintaraportti-{slug}.csv")])
    assert rows[0] == ["Osio", "Rivi", "Mittari", "Arvo"]
    assert {len(row) for row in rows} == {4}
    values = {(row[0], row[1], row[2]): row[3] for row in rows[1:]}
    assert values[("Verkostot", "HR-kehittäjäverkosto", "Tapaamisia pidetty")] == "2"
    assert values[("Verkostot", "Koko hanke", "Osallistujia")] == "8"
    assert values[("Organisaatiot", "Omnia / kyllä", "Alustuksia")] == "2"
    started = CATALOGS.for_locale("fi").date(NOW - timedelta(days=50))
    assert values[("Kartoitus", f"REDU / {started}", "Vastausprosentti (%)")] == "0"
    assert values[("Alustajat", "HR-kehittäjäverkosto / Omnia", "Alustuksia")] == "2"
    assert values[("Itsearvioinnit ja merkit", "Itsearviointeja tehty", "Määrä")] == "3"
    _no_person([cell for row in rows for cell in row])
    header, table = csv_table(CATALOGS.for_locale("en"), made)
    english = as_finnish_excel(csv_for_excel(header, table))
    assert english[0] == ["Section", "Row", "Measure", "Value"]
    assert ["Networks", "Whole project", "Meetings held", "3"] in english


def test_a_theme_that_looks_like_a_formula_stays_text_in_both_files() -> None:
    from tests.report.card_samples import _empty

    empty = _empty()
    line = MeetingLine("=cmd", NOW, "=HYPERLINK(x)", True, 1, 2, 0)
    made = ActivityReport(**{**empty.__dict__, "meetings": [line]})
    t = CATALOGS.for_locale("fi")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook(t, made)))["Tapaamiset ja teemat"]
    assert (sheet["C2"].value, sheet["C2"].data_type) == ("=HYPERLINK(x)", "s")
    header, rows = csv_table(t, made)
    labels = [row[1] for row in as_finnish_excel(csv_for_excel(header, rows))]
    # a row label is guarded where it would start a formula (a network typed as "=..."), not inside
    assert any(label.startswith("'=cmd / ") and "/ =HYPERLINK(x) / pidetty" in label for label in labels)


async def test_before_the_bot_knows_the_team_nothing_is_filed_and_the_card_says_why(
    seeded: tuple[SqlStore, ActivityReport],
) -> None:
    store, made = seeded
    t = CATALOGS.for_locale("fi")
    workspace = RecordingWorkspace()
    with pytest.raises(Conflict) as refused:
        await report_flow.file(store, workspace, None, made, t, workbook, actor="x", is_coordinator=True)
    assert workspace.files == {}
    error = t("report.card.not_filed", reason=t(refused.value.key))
    card = to_json(report_card(t, made, error=error))
    assert_teams_card(card)
    assert "Työkirjaa ja CSV:tä ei voitu tallentaa" in json.dumps(card, ensure_ascii=False)
    with pytest.raises(NotAllowed):
        await report_flow.file(store, workspace, None, made, t, workbook, actor="x", is_coordinator=False)
