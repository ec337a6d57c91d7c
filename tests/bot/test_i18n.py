"""Every message exists in Finnish and English, every key the code uses exists, counts are plural entries."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
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


@pytest.mark.parametrize(("lang", "banned"), [("fi", '"“„«»'), ("en", '"„«»')])
def test_one_quote_style_per_language(lang: str, banned: str) -> None:
    """Finnish quotes with ” on both sides, English with “ and ”; no straight double quote anywhere."""
    wrong = {
        key: text
        for key, message in load_catalog(lang).items()
        for text in forms(message)
        if set(text) & set(banned) or (lang == "en" and text.count("“") != text.count("”"))
    }
    assert wrong == {}


READS_WRONG = {
    "fi": [
        r"teemoitet",  # teematapaamiset
        r"\bnimellinen\b",  # a poll whose voters show: vastaajat näkyvät
        r"\bLisääjä\b",  # Lisännyt:
        r"\(tila\b",  # no HTTP status (0 on a network error) in what people read
        r"Jaa ryhmät",  # one wording for splitting into small groups
        r"kortti lähetetty",  # a queued card is on its way, not sent
    ],
    "en": [
        r"” meets tomorrow",
        r"\(status\b",
        r"\b1 (?:people|files|recipients|meetings|groups|answers|coaches)\b",
    ],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_phrases_that_read_wrong_are_gone(lang: str) -> None:
    patterns = [re.compile(p) for p in READS_WRONG[lang]]
    found = {
        key: text
        for key, message in load_catalog(lang).items()
        for text in forms(message)
        if any(p.search(text) for p in patterns)
    }
    assert found == {}


def test_the_forms_for_one_read_right() -> None:
    """Each plural entry as a reader sees it for one: no "1 tiedostoa", "1 henkilöä", "1 people"."""
    partitive = r"\w+(?:(?<!s)ta|(?<!s)tä|oa|öä|ea|eä|ia|iä|ua|yä|aa|ää)"  # not the elative -sta/-stä
    plural_nouns = (
        r"(?:\w+ )?(?:people|files|recipients|meetings|groups|answers|coaches|networks|messages|rows)"
    )
    wrong = {
        "fi": re.compile(rf"(?<![\d\xa0/])1 {partitive}\b"),
        "en": re.compile(rf"(?<![\d,])1 {plural_nouns}\b"),
    }
    caught = (("fi", "…ja 1 tiedostoa lisää"), ("fi", "1 vanhempaa tapaamista"), ("en", "1 more files"))
    for lang, text in caught:
        assert wrong[lang].search(text), text  # what the issue found is caught
    params = {"name": "X", "revoked": 2, "rule": "R", "answered": 1, "sent": 1, "option": "A"}
    for lang in LANGUAGES:
        t = Catalogs().for_locale(lang)
        plural = [key for key, message in load_catalog(lang).items() if isinstance(message, tuple)]
        ones = {key: t.plural(key, 1, **params) for key in plural}
        assert {key: text for key, text in ones.items() if wrong[lang].search(text)} == {}
        many = {key: t.plural(key, 3, **params) for key in plural}
        assert all("3" in text for text in many.values())


def test_the_issues_phrases_read_right() -> None:
    fi, en = Catalogs().for_locale("fi"), Catalogs().for_locale("en")
    assert (
        fi.plural("networks.launch.invited", 1)
        == "Kutsu lähtee 1 henkilölle, joka toivoi verkostoa kartoituksessa."
    )
    assert en.plural("meetings.announce.you_attend", 1) == "Thanks, you're in. 1 person is attending now."
    assert "teematapaamiset" in fi("help.intro")
    assert fi("polls.card.named") == "vastaajat näkyvät"
    assert fi("materials.added.by", name="Maija") == "Lisännyt: Maija"
    assert "matkalla" in fi("networks.launch.done", name="HR") and "on its way" in en(
        "networks.launch.done", name="HR"
    )
    assert "ryhmäkeskustelu" in fi("help.mention_hint") and "group chat" in en("help.mention_hint")
    assert en("meetings.reminder.title", theme="Palaute") == "Reminder: the meeting “Palaute” is tomorrow"
    assert fi("meetings.reminder.title", theme="Palaute") == "Muistutus: tapaaminen ”Palaute” on huomenna"
    assert fi("meetings.groups.split") == "Jaa pienryhmiin" != fi("meetings.groups.open")


@pytest.mark.parametrize(
    ("when", "fi", "en"),
    [
        (datetime(2026, 1, 12, 7, 0, tzinfo=UTC), "12.1.2026 9.00", "12 Jan 2026, 09:00"),
        (datetime(2026, 6, 1, 21, 30, tzinfo=UTC), "2.6.2026 0.30", "2 Jun 2026, 00:30"),  # summer time
    ],
)
def test_dates_and_times_read_day_first_in_both_languages(when: datetime, fi: str, en: str) -> None:
    """English follows en_GB (day before month, 24-hour clock), not the US "1/12/26, 9:00 AM"."""
    finnish, english = Catalogs().for_locale("fi-FI"), Catalogs().for_locale("en-US")
    assert (finnish.datetime(when), english.datetime(when)) == (fi, en)
    assert (finnish.date(when), english.date(when)) == (fi.split(" ")[0], en.split(",")[0])


def test_what_is_derived_from_the_texts_is_made_once_per_key() -> None:
    catalogs = Catalogs()
    made: list[str] = []

    def build(lang: str) -> str:
        made.append(lang)
        return catalogs.for_locale(lang)("help.title")

    assert catalogs.derived(("title", "fi"), lambda: build("fi")) == catalogs.derived(("title", "fi"), list)
    assert catalogs.derived(("title", "en"), lambda: build("en")) != catalogs.derived(("title", "fi"), list)
    assert made == ["fi", "en"]
