"""Finnish and English message catalogs (gettext .po files read with Babel) and the per-locale translator.

Catalogs live in `bot/locale/<lang>/LC_MESSAGES/<feature>.po`; every file of a language is merged into one
catalog, so each feature keeps its own messages. msgids are stable keys such as `help.title`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po

LANGUAGES = ("fi", "en")
DEFAULT_LANGUAGE = "fi"
HELSINKI = ZoneInfo("Europe/Helsinki")
LOCALE_DIR = Path(__file__).parent / "locale"


def language_of(locale: str | None) -> str:
    """The catalog language for a Teams locale ("en-US" -> "en"); Finnish for anything else or nothing."""
    if locale:
        lang = locale.replace("_", "-").split("-", 1)[0].lower()
        if lang in LANGUAGES:
            return lang
    return DEFAULT_LANGUAGE


def load_catalog(lang: str, directory: Path = LOCALE_DIR) -> dict[str, str]:
    """All messages of one language; a key defined twice across files is an error."""
    messages: dict[str, str] = {}
    for path in sorted((directory / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        for message in catalog:
            if not message.id:
                continue
            if message.id in messages:
                raise ValueError(f"{path}: message {message.id!r} is defined twice for {lang}")
            messages[str(message.id)] = str(message.string or "")
    return messages


@dataclass(frozen=True)
class Translator:
    """Messages of one language; implements `core.i18n.Translator`."""

    locale: str
    messages: dict[str, str] = field(repr=False)

    def __call__(self, key: str, /, **params: Any) -> str:
        text = self.messages.get(key)
        if not text:
            raise KeyError(f"no {self.locale} message for {key!r}")
        return text.format(**params) if params else text

    def datetime(self, value: datetime) -> str:
        return format_datetime(value.astimezone(HELSINKI), "short", locale=Locale.parse(self.locale))

    def date(self, value: datetime) -> str:
        return format_date(value.astimezone(HELSINKI), "medium", locale=Locale.parse(self.locale))


class Catalogs:
    """Loaded once at start; hands out a translator for a Teams locale."""

    def __init__(self, directory: Path = LOCALE_DIR) -> None:
        self._by_lang = {lang: Translator(lang, load_catalog(lang, directory)) for lang in LANGUAGES}

    def for_locale(self, locale: str | None) -> Translator:
        return self._by_lang[language_of(locale)]

    def keys(self, lang: str) -> set[str]:
        return set(self._by_lang[lang].messages)
