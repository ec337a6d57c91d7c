"""Every message exists in Finnish and English, every key the code uses exists, counts are plural entries."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural

from bot import commands
from bot.i18n import LANGUAGES, Catalogs, Text, language_of, load_catalog, read_catalog

ROOT = Path(__file__).resolve().parents[2]
HEADER = 'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
KEY_USE = re.compile(
    r"""(?:\bt|\.t|turn\.t|\.plural|send_text|DomainError|NotAllowed|NotFound|Invalid|Conflict|Unavailable|\w+Error)\(\s*f?["']([a-z_]+(?:\.[a-z0-9_]+)+)["']"""
)
PLURAL_USE = re.compile(r"""\.plural\(\s*(?:f?["']([a-z_]+(?:\.[a-z0-9_{}.]+)+)["']|(\w+))""")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def forms(message: Text) -> tuple[str, ...]:
    return message if isinstance(message, tuple) else (message,)


def test_finnish_and_english_catalogs_have_the_same_keys() -> None:
    fi, en = load_catalog("fi"), load_catalog("en")
    assert sorted(set(fi) - set(en)) == [], "missing in English"
    assert sorted(set(en) - set(fi)) == [], "missing in Finnish"
    assert [k for k, v in {**fi, **en}.items() if not all(form.strip() for form in forms(v))] == [], "empty"


def test_placeholders_agree_between_languages_and_plural_forms() -> None:
    fi, en = load_catalog("fi"), load_catalog("en")
    mismatched = {}
    for key in fi:
        found = {frozenset(fields(form)) for form in forms(fi[key]) + forms(en[key])}
        if len(found) != 1:
            mismatched[key] = found
    assert mismatched == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_file_states_the_plural_rule_babel_knows_for_the_language(lang: str) -> None:
    expected = get_plural(lang)
    assert read_catalog(lang).plural_forms == expected.plural_forms == "nplurals=2; plural=(n != 1);"
    for path in (ROOT / "bot" / "locale" / lang / "LC_MESSAGES").glob("*.po"):
        assert f'"{expected.plural_forms.join(["Plural-Forms: ", ""])}\\n"' in path.read_text(
            encoding="utf-8"
        ), path


def test_every_message_with_a_count_is_a_plural_entry_in_both_languages() -> None:
    for lang in LANGUAGES:
        catalog = load_catalog(lang)
        counted = {
            key for key, message in catalog.items() if any("count" in fields(f) for f in forms(message))
        }
        plural = {key for key, message in catalog.items() if isinstance(message, tuple)}
        assert sorted(counted - plural) == [], f"{lang}: a count without plural forms"
        assert sorted(plural - counted) == [], f"{lang}: plural forms without a count"
        assert all(len(catalog[key]) == 2 for key in plural)
    assert len(plural) >= 40


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [
        (
            "fi",
            "…ja 1 tiedosto lisää tämän tapaamisen kansiossa.",
            "…ja 1\xa0234 tiedostoa lisää tämän tapaamisen kansiossa.",
        ),
        (
            "en",
            "…and 1 more file in this meeting's folder.",
            "…and 1,234 more files in this meeting's folder.",
        ),
    ],
)
def test_a_count_chooses_the_form_and_is_written_the_locale_way(lang: str, one: str, many: str) -> None:
    t = Catalogs().for_locale(lang)
    assert t.plural("materials.list.more_in_meeting", 1) == one
    assert t.plural("materials.list.more_in_meeting", 1234) == many
    assert t("materials.list.more_in_meeting", count=1) == one  # a DomainError's params render the same way
    assert t.plural("materials.list.more_in_meeting", 0).endswith(many[-33:])  # zero takes the plural


def test_a_count_cannot_reach_a_message_without_forms_nor_a_plural_entry_go_without_one() -> None:
    t = Catalogs().for_locale("fi")
    with pytest.raises(KeyError):
        t.plural("help.title", 2)
    with pytest.raises(TypeError):
        t("materials.list.more_in_meeting")
    with pytest.raises(TypeError):
        t("materials.list.more_in_meeting", count="2")


def test_numbers_and_other_numeric_placeholders_follow_the_locale() -> None:
    fi, en = Catalogs().for_locale("fi"), Catalogs().for_locale("en")
    assert (fi.number(1234567), en.number(1234567)) == ("1\xa0234\xa0567", "1,234,567")
    assert (fi.number(1.5), en.number(1.5)) == ("1,5", "1.5")
    assert "1\xa0500" in fi("meetings.error.description_too_long", limit=1500)


def test_the_code_calls_plural_only_with_plural_entries() -> None:
    plural = {key for key, message in load_catalog("fi").items() if isinstance(message, tuple)}
    used = {}
    for folder in ("bot", "cards", "core"):
        for path in (ROOT / folder).rglob("*.py"):
            for literal, _ in PLURAL_USE.findall(path.read_text(encoding="utf-8")):
                if literal:
                    pattern = re.compile(re.sub(r"\\\{[^}]*\\\}", "[a-z_]+", re.escape(literal)) + "$")
                    used[literal] = any(pattern.match(key) for key in plural)
    assert used and all(used.values()), {key for key, ok in used.items() if not ok}


def test_every_key_used_in_the_code_exists() -> None:
    keys = set(load_catalog("fi"))
    used: dict[str, str] = {}
    for folder in ("bot", "cards", "core", "graph", "store"):
        for path in (ROOT / folder).rglob("*.py"):
            for key in KEY_USE.findall(path.read_text(encoding="utf-8")):
                used[key] = str(path.relative_to(ROOT))
    for command in commands.COMMANDS:
        used[command.title_key] = used[command.description_key] = "bot/commands.py"
    missing = {key: where for key, where in used.items() if key not in keys}
    assert missing == {}
    assert len(used) > 20


def test_a_key_missing_from_a_catalog_is_an_error_not_a_silent_fallback() -> None:
    with pytest.raises(KeyError):
        Catalogs().for_locale("fi")("no.such.key")


def test_duplicate_keys_across_files_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "fi" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    for name in ("a.po", "b.po"):
        (folder / name).write_text(f'{HEADER}msgid "x.y"\nmsgstr "z"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="defined twice"):
        load_catalog("fi", tmp_path)


def test_a_file_without_the_plural_rule_or_with_a_stray_form_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "fi" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "a.po").write_text('msgid "x.y"\nmsgstr "z"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="Plural-Forms"):
        load_catalog("fi", tmp_path)
    (folder / "a.po").write_text(
        f'{HEADER}msgid "x.y"\nmsgid_plural "x.z"\nmsgstr[0] "{{count}}"\nmsgstr[1] "{{count}}"\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="msgid_plural"):
        load_catalog("fi", tmp_path)


@pytest.mark.parametrize(
    ("locale", "lang"),
    [("fi-FI", "fi"), ("en-US", "en"), ("EN_gb", "en"), ("sv-FI", "fi"), ("", "fi"), (None, "fi")],
)
def test_teams_locales_map_to_catalog_languages(locale: str | None, lang: str) -> None:
    assert language_of(locale) == lang
