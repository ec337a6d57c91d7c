"""Every sample card also parses cleanly in Microsoft's own Adaptive Cards library (npm `adaptivecards` 3.0.6,
in node): no unknown element or action types except the Teams charts, no invalid property values."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import Catalogs
from cards.base import to_json
from tests.cards.test_all_cards import all_samples

E2E = Path(__file__).resolve().parents[1] / "e2e"
# Findings of the library in cards this suite does not own, reported to their owners: listed here so the rest
# stays strict; an entry that no longer occurs fails the test, so the list only shrinks.
KNOWN: dict[str, set[str]] = {}
SCRIPT = Path(__file__).with_name("parse_cards.js")


async def parse(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not (E2E / "node_modules" / "adaptivecards").is_dir():
        pytest.skip("node and tests/e2e/node_modules/adaptivecards are needed (make test runs npm ci there)")
    process = await asyncio.create_subprocess_exec(
        node,
        str(SCRIPT),
        str(E2E),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate(json.dumps(cards).encode())
    assert process.returncode == 0, err.decode()
    return json.loads(out)


def problems(result: dict[str, Any]) -> list[str]:
    return [
        f"{e['event']}: {e['message']}"
        for e in result["events"]
        if not (e["event"] == "UnknownElementType" and '"Chart.' in e["message"])
    ]


async def test_the_parser_reports_what_it_does_not_know() -> None:
    bad = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "Input.Rating", "id": "r"}],
        "actions": [{"type": "Action.Popover", "title": "x"}],
    }
    [result] = await parse([bad])
    assert len(problems(result)) == 2


@pytest.mark.parametrize("lang", ["fi", "en"])
async def test_every_sample_card_parses_cleanly(lang: str) -> None:
    samples = await asyncio.to_thread(all_samples, Catalogs().for_locale(lang))  # it runs its own loop
    named = [(name, to_json(card)) for name, cards in samples.items() for card in cards]
    results = await parse([card for _, card in named])
    found: dict[str, set[str]] = {}
    for (name, _), result in zip(named, results, strict=True):
        if problems(result):
            found.setdefault(name, set()).update(problems(result))
    assert found == {name: known for name, known in KNOWN.items() if name in samples}
    assert {r["version"] for r in results} == {"1.5"}
