"""Every message key the store raises is in both catalogs, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import store
from bot.i18n import Catalogs

KEY = re.compile(r'"(store\.[a-z_]+\.[a-z_.]+)"')


def _keys_in_code() -> set[str]:
    return {
        key
        for path in Path(store.__file__).parent.glob("*.py")
        for key in KEY.findall(path.read_text("utf-8"))
    }


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_code_raises_keys() -> None:
    assert {"store.error.unavailable", "store.organization.domain_taken"} <= _keys_in_code()


@pytest.mark.parametrize("key", sorted(_keys_in_code()))
def test_key_is_translated_alike(key: str) -> None:
    catalogs = Catalogs()
    fi, en = catalogs.for_locale("fi").messages.get(key), catalogs.for_locale("en").messages.get(key)
    assert fi and en, f"{key} lacks a Finnish or English text"
    assert _placeholders(fi) == _placeholders(en)
