"""Every message key the Graph side raises exists in Finnish and English, with placeholders it can fill."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.i18n import load_catalog

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "graph").rglob("*.py")), ROOT / "core" / "workspace.py"]


def keys_in_sources() -> dict[str, set[str]]:
    """key -> keyword arguments passed with it somewhere (`Invalid("graph.error.x", name=...)`)."""
    found: dict[str, set[str]] = {}
    for source in SOURCES:
        text = source.read_text()
        for match in re.finditer(r"\"(graph\.error\.[a-z_]+)\"(?:,\s*([^)]*))?", text):
            params = set(re.findall(r"(\w+)=", match.group(2) or ""))
            found.setdefault(match.group(1), set()).update(params)
    return found


def test_sources_use_graph_keys() -> None:
    assert len(keys_in_sources()) >= 15


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_every_key_has_a_message_with_fillable_placeholders(lang: str) -> None:
    catalog = load_catalog(lang)
    for key, params in keys_in_sources().items():
        assert catalog.get(key), f"{lang}: {key} missing"
        fields = {name for _, name, _, _ in string.Formatter().parse(catalog[key]) if name}
        assert fields <= params, f"{lang}: {key} needs {fields - params}"


def test_both_languages_have_the_same_graph_keys() -> None:
    fi = {k for k in load_catalog("fi") if k.startswith("graph.")}
    en = {k for k in load_catalog("en") if k.startswith("graph.")}
    assert fi == en
