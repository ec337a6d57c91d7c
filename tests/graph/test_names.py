"""Channel and SharePoint name rules (facts.md) and the cleaning that satisfies them."""

from __future__ import annotations

import pytest

from core.errors import Invalid
from graph.names import (
    CHANNEL_NAME_MAX,
    channel_name_violation,
    clean_channel_name,
    clean_file_name,
    file_name_violation,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HR-kehittäjäverkosto", "HR-kehittäjäverkosto"),
        ("Pedagogisen johtamisen vertaisverkosto", "Pedagogisen johtamisen vertaisverkosto"),
        ("Åbo & Öljy: verkosto?", "Åbo Öljy verkosto"),
        ("Koulutus/palvelupäälliköt", "Koulutus-palvelupäälliköt"),
        ("  _.piilo..verkosto.  ", "piilo.verkosto"),
        ("'Lainaus' #1, {kokeilu} ~ 100% + *", "Lainaus 1 kokeilu 100"),
        ("rivi\nvaihto\x85ja\x1fohjaus", "rivi vaihto ja ohjaus"),
        ("CON", "CON-kanava"),
        ("forms", "forms-kanava"),
        ("desktop.ini", "desktop.ini-kanava"),
        ("my_vti_net", "myvtinet"),
    ],
)
def test_channel_names_are_cleaned(raw: str, expected: str) -> None:
    cleaned = clean_channel_name(raw)
    assert cleaned == expected
    assert channel_name_violation(cleaned) is None


def test_long_channel_names_are_cut_at_a_word_within_fifty_characters() -> None:
    raw = "Tiimimäisen toimintatavan vertaisverkosto ammatillisen koulutuksen johtajille"
    cleaned = clean_channel_name(raw)
    assert len(cleaned) <= CHANNEL_NAME_MAX
    assert raw.startswith(cleaned)
    assert not cleaned.endswith(" ")


@pytest.mark.parametrize("raw", ["", "   ", "???", "..", "__"])
def test_names_with_nothing_left_are_rejected(raw: str) -> None:
    with pytest.raises(Invalid) as caught:
        clean_channel_name(raw)
    assert caught.value.key == "graph.error.invalid_name"


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("a" * 51, "too long"),
        ("a#b", "forbidden character"),
        ("a..b", "consecutive periods"),
        ("LPT3", "reserved name"),
        ("conin$", "reserved name"),
        ("_alku", "leading underscore or period, or trailing period"),
        ("loppu.", "leading underscore or period, or trailing period"),
        ("ä ö å", None),
    ],
)
def test_channel_name_rules(name: str, problem: str | None) -> None:
    assert channel_name_violation(name) == problem


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Esitys: Tasa-arvo?.pptx", "Esitys Tasa-arvo.pptx"),
        ('"Työpaja" <osa 2>.docx', "Työpaja osa 2.docx"),
        ("a/b\\c|d.txt", "a-b-c-d.txt"),
        ("~$lukko.docx", "lukko.docx"),
        ("  väli  .txt ", "väli.txt"),
        ("CON.txt", "_CON.txt"),
        ("com0", "_com0"),
        (".lock", "_.lock"),
        ("raportti_vti_.pdf", "raporttivti.pdf"),
        ("Åäö #1 100%.xlsx", "Åäö #1 100%.xlsx"),
    ],
)
def test_file_names_are_cleaned(raw: str, expected: str) -> None:
    cleaned = clean_file_name(raw)
    assert cleaned == expected
    assert file_name_violation(cleaned) is None


def test_forms_is_reserved_only_at_the_library_root() -> None:
    assert file_name_violation("forms", at_root=True) == "reserved name"
    assert file_name_violation("forms") is None
    assert clean_file_name("Forms", at_root=True) == "_Forms"


def test_long_file_names_keep_their_extension() -> None:
    cleaned = clean_file_name("pitkä " * 60 + ".pptx")
    assert cleaned.endswith(".pptx") and len(cleaned) <= 200
    assert file_name_violation(cleaned) is None


@pytest.mark.parametrize("name", [" alku", "loppu ", "a*b", "a:b", "nul", "LPT0.txt", "~$x", "", ".", ".."])
def test_file_name_rules_reject(name: str) -> None:
    assert file_name_violation(name) is not None
