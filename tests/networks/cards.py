"""The checks every card of the survey and the networks must pass before Teams would render it.

- version at most 1.5 (what Teams renders), and every element and action type one that exists in schema
  1.5 or one of Teams' chart elements; `Action.Execute` carries a verb;
- the card round-trips through the typed models of `microsoft-teams-cards` (which validate by construction);
- the message stays under the 80 KB budget (Teams refuses 100 KB; shared/facts.md).
"""

from __future__ import annotations

import json
from typing import Any

from microsoft_teams.cards import AdaptiveCard

BUDGET_BYTES = 80 * 1024

ELEMENTS_1_5 = {
    "AdaptiveCard",
    "TextBlock",
    "Image",
    "Media",
    "RichTextBlock",
    "TextRun",
    "Container",
    "ColumnSet",
    "Column",
    "FactSet",
    "ImageSet",
    "ActionSet",
    "Table",
    "TableRow",
    "TableCell",
    "Input.Text",
    "Input.Number",
    "Input.Date",
    "Input.Time",
    "Input.Toggle",
    "Input.ChoiceSet",
}
ACTIONS_1_5 = {
    "Action.OpenUrl",
    "Action.Submit",
    "Action.ShowCard",
    "Action.ToggleVisibility",
    "Action.Execute",
}
TEAMS_CHARTS = {"Chart.HorizontalBar", "Chart.VerticalBar", "Chart.Donut", "Chart.Pie", "Chart.Line"}


def _types(node: Any, found: list[dict[str, Any]]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("type"), str):
            found.append(node)
        for key, value in node.items():
            if key not in ("data",) or not isinstance(value, dict):
                _types(value, found)
    elif isinstance(node, list):
        for item in node:
            _types(item, found)


def check_card(card: dict[str, Any]) -> None:
    assert card.get("type") == "AdaptiveCard"
    major, minor = (int(part) for part in str(card["version"]).split("."))
    assert (major, minor) <= (1, 5), card["version"]
    size = len(json.dumps(card, ensure_ascii=False).encode("utf-8"))
    assert size < BUDGET_BYTES, f"card of {size} bytes is over the {BUDGET_BYTES}-byte budget"
    nodes: list[dict[str, Any]] = []
    _types(card, nodes)
    for node in nodes:
        kind = node["type"]
        assert kind in ELEMENTS_1_5 | ACTIONS_1_5 | TEAMS_CHARTS, f"{kind} is not in Adaptive Cards 1.5"
        if kind == "Action.Execute":
            assert node.get("verb"), node
    AdaptiveCard.model_validate(card)
