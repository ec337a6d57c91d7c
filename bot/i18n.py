"""Finnish and English message catalogs (gettext .po files read with Babel) and the per-locale translator.

Catalogs live in `bot/locale/<lang>/LC_MESSAGES/<feature>.po`; every file of a language is merged into one
catalog, so each feature keeps its own messages. msgids are stable keys such as `help.title`.

A message that shows a count is a gettext plural entry: `msgid` and `msgid_plural` are both the key, and
`msgstr[0]`, `msgstr[1]` are the forms the file's `Plural-Forms` header chooses between (Finnish and English:
`nplurals=2; plural=(n != 1);`, form 0 for exactly one). Every file states that header; the translator
evaluates it the way GNU gettext does. See `core.i18n.Translator` for the calls.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from core.timezone import HELSINKI

T = TypeVar("T")

LANGUAGES = ("fi", "en")
DEFAULT_LANGUAGE = "fi"
LOCALE_DIR = Path(__file__).parent / "locale"


@dataclass(frozen=True)
class DateStyle:
    """How one catalog language writes dates and times (Babel's CLDR data for `locale`)."""

    locale: str
    date_in_datetime: str
    """The date's CLDR length beside a time: `short` (12.1.2026) or `medium` (12 Jan 2026)."""


DATE_STYLES = {
    "fi": DateStyle("fi_FI", "short"),
    "en": DateStyle("en_GB", "medium"),
}
"""Finnish as Finns write it ("12.1.2026 9.00"); English the European way, day before month and a 24-hour
clock ("12 Jan 2026, 09:00"), not the US "1/12/26, 9:00 AM" that a bare `en` gives."""

Text = str | tuple[str, ...]
"""A catalog message: the text, or for a plural entry its forms in `msgstr[n]` order."""


def language_of(locale: str | None) -> str:
    """The catalog language for a Teams locale ("en-US" -> "en"); Finnish for anything else or nothing."""
    if locale:
        lang = locale.replace("_", "-").split("-", 1)[0].lower()
        if lang in LANGUAGES:
            return lang
    return DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Catalog:
    """One language's messages from all its files, and the plural rule their headers agree on."""

    lang: str
    messages: dict[str, Text]
    plural_forms: str
    """The `Plural-Forms` header, e.g. `nplurals=2; plural=(n != 1);`."""

    def plural_index(self) -> Callable[[int], int]:
        """The header's C expression as a function n -> form index (the stdlib's gettext parser)."""
        expression = self.plural_forms.split("plural=", 1)[1].rstrip().rstrip(";")
        return gettext.c2py(expression)


def _nplurals(plural_forms: str) -> int:
    return int(plural_forms.split(";")[0].split("=")[1])


def _one_or_many(n: int) -> int:
    """Finnish and English: form 0 for exactly one, form 1 otherwise."""
    return int(n != 1)


PLURAL_FORMS = re.compile(r'^"Plural-Forms: *([^"\\]*?) *\\n"$', re.MULTILINE)
"""The header line as written (Babel's `Catalog` would supply the locale's default when it is missing)."""


def read_catalog(lang: str, directory: Path = LOCALE_DIR) -> Catalog:
    """All messages of one language; a key defined twice, or a file without the plural rule, is an error."""
    messages: dict[str, Text] = {}
    plural_forms: str | None = None
    for path in sorted((directory / lang / "LC_MESSAGES").glob("*.po")):
        source = path.read_bytes()
        catalog = read_po(io.BytesIO(source), locale=lang)
        stated = PLURAL_FORMS.search(source.decode("utf-8"))
        if stated is None:
            raise ValueError(f"{path}: no Plural-Forms header")
        header = stated.group(1)
        if plural_forms is not None and header != plural_forms:
            raise ValueError(f"{path}: Plural-Forms {header!r} differs from {plural_forms!r}")
        plural_forms = header
        for message in catalog:
            if not message.id:
                continue
            key = str(message.id[0] if message.pluralizable else message.id)
            if message.pluralizable and message.id[1] != key:
                raise ValueError(f"{path}: {key!r} needs msgid_plural equal to its msgid")
            if key in messages:
                raise ValueError(f"{path}: message {key!r} is defined twice for {lang}")
            if message.pluralizable:
                forms = tuple(str(form or "") for form in message.string or ())
                if len(forms) != _nplurals(header):
                    raise ValueError(f"{path}: {key!r} has {len(forms)} forms, the header says otherwise")
                messages[key] = forms
            else:
                messages[key] = str(message.string or "")
    if plural_forms is None:
        raise ValueError(f"{directory / lang}: no catalog files")
    return Catalog(lang, messages, plural_forms)


def load_catalog(lang: str, directory: Path = LOCALE_DIR) -> dict[str, Text]:
    """All messages of one language (a plural entry as the tuple of its forms)."""
    return read_catalog(lang, directory).messages


@dataclass(frozen=True)
class Translator:
    """Messages of one language; implements `core.i18n.Translator`."""

    locale: str
    messages: Mapping[str, Text] = field(repr=False)
    plural_index: Callable[[int], int] = field(repr=False, default=_one_or_many)

    def __call__(self, key: str, /, **params: Any) -> str:
        text = self.messages.get(key)
        if isinstance(text, tuple):
            count = params.get("count")
            if not isinstance(count, int) or isinstance(count, bool):
                raise TypeError(f"{key!r} is a plural entry: it needs an integer count")
            text = text[self.plural_index(abs(count))]
        if not text:
            raise KeyError(f"no {self.locale} message for {key!r}")
        return text.format(**self._formatted(params)) if params else text

    def plural(self, key: str, count: int, /, **params: Any) -> str:
        if not isinstance(self.messages.get(key), tuple):
            raise KeyError(f"{key!r} is not a plural entry in {self.locale}")
        return self(key, count=count, **params)

    def number(self, value: int | float | Decimal) -> str:
        return format_decimal(value, locale=self.locale)

    def _formatted(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            name: self.number(value)
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool)
            else value
            for name, value in params.items()
        }

    def datetime(self, value: dt.datetime) -> str:
        style = DATE_STYLES[self.locale]
        local = value.astimezone(HELSINKI)
        date = format_date(local, style.date_in_datetime, locale=style.locale)
        time = format_time(local, "short", locale=style.locale)
        return str(Locale.parse(style.locale).datetime_formats["short"]).format(time, date)

    def date(self, value: dt.datetime) -> str:
        return format_date(value.astimezone(HELSINKI), "medium", locale=DATE_STYLES[self.locale].locale)


class Catalogs:
    """Loaded once at start; hands out a translator for a Teams locale."""

    def __init__(self, directory: Path = LOCALE_DIR) -> None:
        self._by_lang: dict[str, Translator] = {}
        self._derived: dict[Hashable, Any] = {}
        for lang in LANGUAGES:
            catalog = read_catalog(lang, directory)
            self._by_lang[lang] = Translator(lang, catalog.messages, catalog.plural_index())

    def for_locale(self, locale: str | None) -> Translator:
        return self._by_lang[language_of(locale)]

    def keys(self, lang: str) -> set[str]:
        return set(self._by_lang[lang].messages)

    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """What is made from these catalogues' texts alone (the help card of a language and a scope),
        made on first use and then reused: the texts do not change while the service runs."""
        if key not in self._derived:
            self._derived[key] = build()
        return self._derived[key]
