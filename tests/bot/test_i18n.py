"""Every message exists in Finnish and English, and every key the code uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot import commands
from bot.i18n import Catalogs, language_of, load_catalog

ROOT = Path(__file__).resolve().parents[2]
KEY_USE = re.compile(
    r"""(?:\bt|\.t|turn\.t|send_text|DomainError|NotAllowed|NotFound|Invalid|Conflict|Unavailable|\w+Error)\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']"""
)


def test_finnish_and_english_catalogs_have_the_same_keys() -> None:
    fi, en = load_catalog("fi"), load_catalog("en")
    assert sorted(set(fi) - set(en)) == [], "missing in English"
    assert sorted(set(en) - set(fi)) == [], "missing in Finnish"
    assert [k for k, v in {**fi, **en}.items() if not v.strip()] == [], "empty translations"


def test_placeholders_agree_between_languages() -> None:
    fi, en = load_catalog("fi"), load_catalog("en")

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    assert {k: (fields(fi[k]), fields(en[k])) for k in fi if fields(fi[k]) != fields(en[k])} == {}


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
        (folder / name).write_text('msgid "x.y"\nmsgstr "z"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="defined twice"):
        load_catalog("fi", tmp_path)


@pytest.mark.parametrize(
    ("locale", "lang"),
    [("fi-FI", "fi"), ("en-US", "en"), ("EN_gb", "en"), ("sv-FI", "fi"), ("", "fi"), (None, "fi")],
)
def test_teams_locales_map_to_catalog_languages(locale: str | None, lang: str) -> None:
    assert language_of(locale) == lang
