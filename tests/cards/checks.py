"""`assert_teams_card`: the check every card test runs on what the bot sends.

Teams renders Adaptive Cards up to schema 1.5 (plus its own chart elements) and refuses messages over
100 KB; we keep each activity under 80 KB. Every element and action type is checked, recursively, including
cards inside `Action.ShowCard`, fallbacks, `selectAction` and `refresh`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from microsoft_teams.cards import AdaptiveCard

MAX_VERSION = (1, 5)
MAX_ACTIVITY_BYTES = 80 * 1024
MAX_REFRESH_USERS = 60
# A longer button title runs past a phone's card edge (Teams shows buttons side by side, each one line).
MAX_BUTTON_TITLE = 30
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"

ELEMENTS = frozenset(
    {
        "TextBlock",
        "Image",
        "RichTextBlock",
        "Container",
        "ColumnSet",
        "Column",
        "FactSet",
        "ImageSet",
        "ActionSet",
        "Table",
        "TableRow",
        "TableCell",
        "TextRun",
        "Input.Text",
        "Input.Number",
        "Input.Date",
        "Input.Time",
        "Input.Toggle",
        "Input.ChoiceSet",
    }
)
TEAMS_CHARTS = frozenset(
    {
        "Chart.Donut",
        "Chart.Pie",
        "Chart.Gauge",
        "Chart.Line",
        "Chart.VerticalBar",
        "Chart.VerticalBar.Grouped",
        "Chart.HorizontalBar",
        "Chart.HorizontalBar.Stacked",
    }
)
ACTIONS = frozenset(
    {"Action.OpenUrl", "Action.Submit", "Action.ShowCard", "Action.ToggleVisibility", "Action.Execute"}
)
# Keys whose values are not card structure (Teams-specific properties, data sent back to the bot).
OPAQUE_KEYS = frozenset({"msteams", "data", "metadata"})


def _version(value: object) -> tuple[int, ...]:
    assert isinstance(value, str), f"card version must be a string, got {value!r}"
    try:
        return tuple(int(part) for part in value.split("."))
    except ValueError:
        raise AssertionError(f"card version {value!r} is not numeric") from None


def _check_card(card: dict[str, Any], path: str) -> None:
    assert card.get("type") == "AdaptiveCard", f"{path}: not an AdaptiveCard: {card.get('type')!r}"
    if "version" in card or path == "card":
        version = _version(card.get("version"))
        assert version <= MAX_VERSION, (
            f"{path}: version {card.get('version')} is newer than Teams renders (1.5)"
        )
    refresh = card.get("refresh")
    if refresh is not None:
        action = refresh.get("action") or {}
        assert action.get("type") == "Action.Execute", f"{path}.refresh: the action must be Action.Execute"
        users = refresh.get("userIds")
        if users is not None:
            assert isinstance(users, list) and 0 < len(users) <= MAX_REFRESH_USERS, (
                f"{path}.refresh.userIds: 1-{MAX_REFRESH_USERS} ids, got "
                f"{len(users) if isinstance(users, list) else users!r}"
            )


def _check_count_chart(chart: dict[str, Any], path: str) -> None:
    """A bar chart shows something, and counts on it are whole: the renderer's axis (the default display
    mode) is six equal ticks of the largest value, so one person reads 0.17, 0.33… and no data 1.67e-5."""
    values = [point.get("y") for point in chart.get("data") or []]
    assert any(isinstance(v, int | float) and v > 0 for v in values), f"{path}: a chart of nothing"
    if all(isinstance(v, int) for v in values):
        mode = chart.get("displayMode", "AbsoluteWithAxis")
        assert mode != "AbsoluteWithAxis", f"{path}: counts on an axis of fractional ticks"


def _walk(node: Any, path: str, ids: set[str]) -> None:
    if isinstance(node, list):
        for i, item in enumerate(node):
            _walk(item, f"{path}[{i}]", ids)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if isinstance(kind, str):
        if kind == "AdaptiveCard":
            _check_card(node, path)
        else:
            assert kind in ELEMENTS | TEAMS_CHARTS | ACTIONS, (
                f"{path}: {kind!r} is not rendered by Teams at 1.5"
            )
        if kind.startswith("Input."):
            assert node.get("id"), f"{path}: {kind} needs an id"
            assert node["id"] not in ids, f"{path}: input id {node['id']!r} used twice"
            ids.add(node["id"])
        if kind == "Action.Execute":
            assert node.get("verb"), f"{path}: Action.Execute needs a verb"
        if kind.startswith("Action.") and "title" in node:
            title = str(node["title"])
            assert len(title) <= MAX_BUTTON_TITLE, (
                f"{path}: the button {title!r} is {len(title)} characters (at most {MAX_BUTTON_TITLE})"
            )
        if kind == "Input.ChoiceSet":
            assert node.get("choices"), f"{path}: Input.ChoiceSet without choices"
        if kind == "Chart.HorizontalBar":
            _check_count_chart(node, path)
    for key, value in node.items():
        if key not in OPAQUE_KEYS:
            _walk(value, f"{path}.{key}", ids)


def nodes(card_json: Any) -> Iterator[dict[str, Any]]:
    """Every object in the card, depth first (elements, actions, choices, nested cards)."""
    if isinstance(card_json, list):
        for item in card_json:
            yield from nodes(item)
    elif isinstance(card_json, dict):
        yield card_json
        for key, value in card_json.items():
            if key not in OPAQUE_KEYS:
                yield from nodes(value)


def _reading_order(node: Any) -> Iterator[dict[str, Any]]:
    """The card's text elements in the order a screen reader meets them (actions and inputs aside)."""
    if isinstance(node, list):
        for item in node:
            yield from _reading_order(item)
    elif isinstance(node, dict):
        if node.get("type") in ("TextBlock", "RichTextBlock"):
            yield node
        for key in ("items", "columns", "rows", "cells", "body"):
            yield from _reading_order(node.get(key))


def assert_titled(card_json: dict[str, Any]) -> None:
    """The card opens with a title in the heading style, which screen readers announce as a heading (the
    renderer gives it role=heading); size and weight alone are only a look."""
    texts = list(_reading_order(card_json.get("body")))
    assert texts, "card: no text at all, so no title"
    first = texts[0]
    assert first.get("type") == "TextBlock" and first.get("style") == "heading", (
        f"card: the first text {str(first.get('text'))[:60]!r} is not a heading-styled title"
    )


def activity_bytes(card_json: dict[str, Any]) -> int:
    """The size of a message activity carrying this card as its one attachment, as JSON on the wire."""
    activity = {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": card_json}],
    }
    return len(json.dumps(activity, ensure_ascii=False).encode())


def assert_teams_card(card_json: dict[str, Any]) -> None:
    """Fail with the path of the first thing Teams would not render, or when the message would be too big."""
    assert isinstance(card_json, dict), f"a card is a JSON object, got {type(card_json).__name__}"
    _check_card(card_json, "card")
    assert_titled(card_json)
    _walk(card_json, "card", set())
    size = activity_bytes(card_json)
    assert size < MAX_ACTIVITY_BYTES, (
        f"the activity carrying this card is {size} bytes (budget {MAX_ACTIVITY_BYTES})"
    )
    AdaptiveCard.model_validate(card_json)  # and it reads back into the typed model
