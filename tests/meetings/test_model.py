"""The meeting model's rules: folder names in Helsinki time, who may file and plan, drafts and plans,
when the reminder is due (across daylight saving), the summary document, and catalog coverage."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.i18n import Catalogs
from core.errors import Invalid
from core.meetings import (
    Contribution,
    GroupAnswer,
    Meeting,
    MeetingDraft,
    Plan,
    local_start,
    may_file_materials,
    may_organise,
    reminder_due,
    reminder_time,
    summary_markdown,
)
from core.networks import Network

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 1, 10, tzinfo=UTC)
HR = Network("hr", "HR", "HR", "", "", facilitator="aad-liisa")


def meeting(starts_at: datetime, **extra: object) -> Meeting:
    return Meeting("m1", "hr", "Palaute: miten?", starts_at, ("aad-matti", "aad-maija"), "aad-liisa", **extra)  # type: ignore[arg-type]


def test_folder_uses_the_helsinki_date() -> None:
    # 22:30 UTC on 1 March is already 2 March in Helsinki (UTC+2).
    assert (
        meeting(datetime(2026, 3, 1, 22, 30, tzinfo=UTC)).folder_path()
        == "Tapaamiset/2026-03-02 Palaute: miten?"
    )
    assert (
        meeting(datetime(2026, 7, 1, 20, 59, tzinfo=UTC)).folder_path()
        == "Tapaamiset/2026-07-01 Palaute: miten?"
    )
    assert (
        meeting(datetime(2026, 7, 1, 21, 0, tzinfo=UTC)).folder_path()
        == "Tapaamiset/2026-07-02 Palaute: miten?"
    )


def test_who_may_file_materials_and_plan() -> None:
    m = meeting(NOW)
    assert may_file_materials(m, HR, "aad-matti", False)
    assert may_file_materials(m, HR, "aad-liisa", False)  # the network's facilitator
    assert may_file_materials(m, HR, "aad-anyone", True)  # a coordinator
    assert not may_file_materials(m, HR, "aad-pekka", False)
    assert not may_file_materials(m, HR, None, False)
    other = Network("ped", "P", "P", "", "", facilitator="aad-pekka")
    assert not may_file_materials(m, other, "aad-pekka", False)  # facilitator of another network
    assert may_organise(HR, "aad-liisa", False) and not may_organise(HR, "aad-matti", False)
    assert may_organise(HR, None, True) and not may_organise(HR, None, False)


def test_draft_rules() -> None:
    start = NOW + timedelta(days=3)
    members = ["aad-matti", "aad-maija", "aad-a", "aad-b"]
    draft = MeetingDraft(
        "hr", "  Palaute   ja  kulttuuri ", start, ("aad-matti", "aad-matti", " aad-maija "), " x "
    )
    valid = draft.validated(NOW, members)
    assert valid.theme == "Palaute ja kulttuuri" and valid.presenters == ("aad-matti", "aad-maija")
    assert valid.description == "x"
    bad = {
        "meetings.error.no_theme": MeetingDraft("hr", " ", start, ("aad-matti",)),
        "meetings.error.theme_too_long": MeetingDraft("hr", "x" * 121, start, ("aad-matti",)),
        "meetings.error.in_past": MeetingDraft("hr", "t", NOW, ("aad-matti",)),
        "meetings.error.presenter_count": MeetingDraft("hr", "t", start, tuple(members)),
        "meetings.error.presenter_not_member": MeetingDraft("hr", "t", start, ("aad-x",)),
        "meetings.error.description_too_long": MeetingDraft("hr", "t", start, ("aad-matti",), "d" * 1001),
    }
    for key, wrong in bad.items():
        with pytest.raises(Invalid) as caught:
            wrong.validated(NOW, members)
        assert caught.value.key == key
    with pytest.raises(ValueError):
        MeetingDraft("hr", "t", datetime(2026, 5, 1), ("aad-matti",)).validated(NOW, members)
    with pytest.raises(Invalid):
        local_start("2026-02-30", "14:00")
    assert local_start("2026-06-01", "14:00").utcoffset() == timedelta(hours=3)


def test_plan_rules() -> None:
    presenters = ("aad-matti",)
    plan = Plan(("  a  b ", "", "c"), ("q",), (Contribution("aad-matti", " diat "),)).validated(presenters)
    assert plan == Plan(("a b", "c"), ("q",), (Contribution("aad-matti", "diat"),))
    with pytest.raises(Invalid):
        Plan(tuple("x" for _ in range(11))).validated(presenters)
    with pytest.raises(Invalid):
        Plan(("x" * 301,)).validated(presenters)
    with pytest.raises(Invalid):
        Plan(contributions=(Contribution("aad-pekka", "kahvit"),)).validated(presenters)


def test_reminder_is_due_from_nine_the_day_before_across_daylight_saving() -> None:
    # Sunday 29 March 2026 clocks go forward in Helsinki; the meeting is on Monday 30 March at 10:00 (UTC+3).
    m = meeting(datetime(2026, 3, 30, 7, tzinfo=UTC))
    assert reminder_time(m) == datetime(2026, 3, 29, 6, tzinfo=UTC)  # 09:00 on Sunday, already UTC+3
    assert not reminder_due(m, datetime(2026, 3, 29, 5, 59, tzinfo=UTC))
    assert reminder_due(m, datetime(2026, 3, 29, 6, tzinfo=UTC))
    assert reminder_due(m, datetime(2026, 3, 30, 6, 59, tzinfo=UTC))
    assert not reminder_due(m, datetime(2026, 3, 30, 7, tzinfo=UTC))  # started


def test_summary_document_lists_answers_by_question_and_group() -> None:
    m = meeting(NOW, questions=("Mikä toimii?", "Mitä kokeilette?"))
    groups = [["aad-a", "aad-b"], ["aad-c"]]
    answers = [
        GroupAnswer(1, "aad-a", ("Vertaispalaute", "")),
        GroupAnswer(1, "aad-b", ("Kahvit", "Pilotti")),
    ]
    labels = {"title": "Yhteenveto", "group": "Ryhmä", "no_answers": "(ei vastausta)"}
    text = summary_markdown(m, groups, answers, {"aad-a": "Aino", "aad-b": "Bertta"}, labels)
    first, second = text.split("## 2. Mitä kokeilette?")
    assert "## 1. Mikä toimii?" in first and "- Vertaispalaute" in first and "- Kahvit" in first
    assert "### Ryhmä 1 (Aino, Bertta)" in first and "### Ryhmä 2 (aad-c)\n- (ei vastausta)" in first
    assert "- Pilotti" in second and "Vertaispalaute" not in second


def test_every_meetings_key_is_in_both_catalogs() -> None:
    sources = [
        "core/meetings.py",
        "core/groups.py",
        "store/meetings.py",
        "cards/meetings.py",
        "bot/features/meetings.py",
    ]
    used = {
        k for s in sources for k in re.findall(r'"(meetings\.[a-z_]+\.[a-z_.]+)"', (ROOT / s).read_text())
    }
    assert len(used) > 60
    catalogs = Catalogs()
    for lang in ("fi", "en"):
        missing = [k for k in used if k not in catalogs.keys(lang)]
        assert not missing, (lang, missing)
