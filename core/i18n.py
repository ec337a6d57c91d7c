"""What the domain and the card builders need from translation, without knowing how catalogs are stored.

    t("help.title")                                  # a message
    t("materials.filed", name=name, theme=theme)     # with {name}-style placeholders filled
    t.plural("materials.list.more_meetings", rest)   # a count: the form that fits it (ngettext)
    t.plural("meetings.summary.counts", groups, answered=answered)
    t.number(1234)                                   # "1 234" in Finnish, "1,234" in English
    t.date(when), t.datetime(when)                   # as people of the locale write them

Every message that shows a count is a plural entry (`msgid_plural` in the .po files) and is called with
`t.plural(key, count, **params)`: the count chooses the form ("1 tiedosto" / "2 tiedostoa", "1 file" /
"2 files") and fills `{count}`. Numbers given as placeholders (`count` and any other int or float) are
written the locale's way. `t(key, count=n)` renders a plural entry too, so a `DomainError` carrying
`count` in its params is shown through the same generic `t(error.key, **error.params)`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Protocol


class Translator(Protocol):
    """Turns a catalog key into text in one locale (`fi` or `en`)."""

    @property
    def locale(self) -> str:
        """`fi` or `en` (read-only: a translator is of one language)."""
        ...

    def __call__(self, key: str, /, **params: Any) -> str:
        """The message for `key` with `{name}` placeholders filled from `params`.

        A plural entry takes its form from `params["count"]`; a missing key raises `KeyError`."""
        ...

    def plural(self, key: str, count: int, /, **params: Any) -> str:
        """ngettext: the form of plural entry `key` for `count`, with `{count}` and `params` filled.

        `KeyError` if `key` is not a plural entry, so a count never lands in a message without forms."""
        ...

    def number(self, value: int | float | Decimal) -> str:
        """A number the way people of this locale write it (digit grouping, decimal separator)."""
        ...

    def datetime(self, value: dt.datetime) -> str:
        """A date and time the way people of this locale write it, in Europe/Helsinki time."""
        ...

    def date(self, value: dt.datetime) -> str:
        """A date the way people of this locale write it."""
        ...
