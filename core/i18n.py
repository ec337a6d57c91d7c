"""What the domain and the card builders need from translation, without knowing how catalogs are stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol


class Translator(Protocol):
    """Turns a catalog key into text in one locale (`fi` or `en`)."""

    locale: str

    def __call__(self, key: str, /, **params: Any) -> str:
        """The message for `key` with `{name}` placeholders filled from `params`."""
        ...

    def datetime(self, value: datetime) -> str:
        """A date and time the way people of this locale write it, in Europe/Helsinki time."""
        ...

    def date(self, value: datetime) -> str:
        """A date the way people of this locale write it."""
        ...
