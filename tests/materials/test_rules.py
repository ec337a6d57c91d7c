"""The pure rules of `core.materials` and how `materiaalit <network> <words>` is read."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.errors import Invalid, NotAllowed, NotFound
from core.materials import (
    Entry,
    Kind,
    Material,
    NoChannel,
    check_may_file,
    fileable_meetings,
    from_records,
    group_files,
    kind_of,
    link_name,
    meeting_folder,
    parse_link,
    shortcut_file,
)
from core.materials_flow import split_network
from core.meetings import Meeting
from core.networks import Network
from graph.names import clean_file_name

WHEN = datetime(2026, 5, 12, 9, tzinfo=UTC)
HR = Network(
    "hr-kehittajat",
    "HR-kehittäjäverkosto",
    "HR developers",
    "",
    "",
    facilitator="aad-liisa",
    channel_id="19:hr",
)
PED = Network("pedagoginen-johtaminen", "Pedagogisen johtamisen verkosto", "Pedagogical leadership", "", "")


def meeting(
    theme: str, day: int, presenters: tuple[str, ...] = ("aad-matti",), network: str = HR.key
) -> Meeting:
    return Meeting(f"m-{theme}", network, theme, WHEN.replace(day=day), presenters, "aad-liisa")


def entry(name: str, item: str = "") -> Entry:
    return Entry(name, kind_of(name), f"https://x.invalid/{name}", "Aino", WHEN, 1, False, item)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.PPTX", Kind.SLIDES),
        ("b.pdf", Kind.PDF),
        ("c.xlsx", Kind.SPREADSHEET),
        ("d", Kind.OTHER),
        ("e.url", Kind.LINK),
    ],
)
def test_kind_of(name: str, kind: Kind) -> None:
    assert kind_of(name) is kind


def test_links() -> None:
    assert parse_link(" <https://example.org/ä?x=1> ") == "https://example.org/ä?x=1"
    for bad in ("http://example.org", "https://", "ftp://x", "https://a b", "https://x/" + "y" * 2000):
        with pytest.raises(Invalid):
            parse_link(bad)
    assert link_name("https://example.org/a/b/?q=1#x") == "example.org/a/b.url"
    assert clean_file_name(link_name("https://example.org/a/b")) == "example.org-a-b.url"
    assert shortcut_file("https://e.org/x") == b"[InternetShortcut]\r\nURL=https://e.org/x\r\n"


def test_who_may_file() -> None:
    hr_meeting = meeting("Työhyvinvointi", 12)
    assert check_may_file(hr_meeting, HR, "aad-matti", False) is HR
    assert check_may_file(hr_meeting, HR, "aad-liisa", False) is HR  # the facilitator
    assert check_may_file(hr_meeting, HR, "aad-pekka", True) is HR  # a coordinator
    with pytest.raises(NotAllowed):
        check_may_file(hr_meeting, HR, "aad-pekka", False)
    with pytest.raises(NotAllowed):
        check_may_file(hr_meeting, HR, None, False)
    with pytest.raises(NoChannel):
        check_may_file(meeting("Arviointi", 3, network=PED.key), PED, "aad-matti", False)
    meetings = [meeting("A", 1), meeting("B", 20, ("aad-pekka",)), meeting("A", 1)]
    assert [m.theme for m in fileable_meetings(meetings, {HR.key: HR}, "aad-matti", False)] == ["A"]
    assert [m.theme for m in fileable_meetings(meetings, {HR.key: HR}, "aad-liisa", False)] == ["B", "A"]


def test_files_are_grouped_by_meeting_folder() -> None:
    plain = meeting("Työhyvinvointi", 12)
    odd = meeting('Budjetti: "2027"?', 20)  # its folder name had to be cleaned
    listed = [
        ("Tapaamiset/2026-05-12 Työhyvinvointi/diat.pptx", entry("diat.pptx", "i1")),
        ("Tapaamiset/2026-05-12 työhyvinvointi/alikansio/kuva.png", entry("kuva.png")),
        ("Tapaamiset/2026-05-20 Budjetti 2027/talous.xlsx", entry("talous.xlsx")),
        ("Tapaamiset/2025-01-02 Perehdytys/muistio.pdf", entry("muistio.pdf")),
        ("Tapaamiset/ei päivää/x.pdf", entry("x.pdf")),
        ("Tapaamiset/2025-13-45 Väärä/x.pdf", entry("y.pdf")),
        ("säännöt.docx", entry("säännöt.docx")),
    ]
    record = Material("r1", plain.id, HR.key, "diat.pptx", Kind.SLIDES, "u", 1, "aad-matti", WHEN, "i1")
    groups = group_files(HR.key, [plain, odd], listed, {plain.id: [record]}, clean_file_name)
    assert [(g.title, g.day) for g in groups] == [
        ('Budjetti: "2027"?', date(2026, 5, 20)),
        ("Työhyvinvointi", date(2026, 5, 12)),
        ("Perehdytys", date(2025, 1, 2)),
    ]
    assert [e.name for e in groups[0].files] == ["talous.xlsx"]
    diat = next(e for e in groups[1].files if e.name == "diat.pptx")
    assert diat.added_by == "aad-matti" and diat.known_person  # the record names the presenter
    assert {e.name for e in groups[1].files} == {"diat.pptx", "kuva.png"}
    assert from_records(HR.key, [plain, odd], {plain.id: [record]})[1].files[0].name == "diat.pptx"


def test_the_network_and_the_search_words() -> None:
    networks = [HR, PED]
    assert split_network(networks, "hr") == (HR, "")
    assert split_network(networks, "hr työhyvinvointi ja jaksaminen") == (HR, "työhyvinvointi ja jaksaminen")
    assert split_network(networks, "HR-kehittäjäverkosto läsnäolo") == (HR, "läsnäolo")
    assert split_network(networks, "pedagoginen johtaminen arviointi") == (PED, "arviointi")
    with pytest.raises(NotFound):
        split_network(networks, "tuntematon verkosto")


def test_a_theme_with_a_slash_is_one_folder() -> None:
    odd = meeting("Johtaminen/HR: mitä?", 12)
    assert meeting_folder(odd, clean_file_name) == "Tapaamiset/2026-05-12 Johtaminen-HR mitä"
    listed = [("Tapaamiset/2026-05-12 Johtaminen-HR mitä/a.pdf", entry("a.pdf"))]
    (group,) = group_files(HR.key, [odd], listed, {}, clean_file_name)
    assert group.meeting is odd and [e.name for e in group.files] == ["a.pdf"]
