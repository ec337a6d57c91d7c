"""The card check itself must fail on what Teams would not render."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cards.checks import assert_teams_card


def base(**extra: Any) -> dict[str, Any]:
    return {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "hei"}], **extra}


def test_a_plain_card_passes() -> None:
    assert_teams_card(base(actions=[{"type": "Action.Execute", "verb": "x", "title": "x"}]))


@pytest.mark.parametrize(
    ("card", "complaint"),
    [
        (base(version="1.6"), "newer than Teams renders"),
        ({**base(), "version": None}, "version must be a string"),
        (base(body=[{"type": "Container", "items": [{"type": "Carousel", "pages": []}]}]), "'Carousel'"),
        (
            base(
                actions=[
                    {
                        "type": "Action.ShowCard",
                        "card": {"type": "AdaptiveCard", "version": "1.6", "body": []},
                    }
                ]
            ),
            "newer than Teams renders",
        ),
        (base(actions=[{"type": "Action.Popover", "title": "x"}]), "'Action.Popover'"),
        (base(actions=[{"type": "Action.Execute", "title": "x"}]), "needs a verb"),
        (base(body=[{"type": "Input.Text"}]), "needs an id"),
        (
            base(body=[{"type": "Input.Text", "id": "a"}, {"type": "Input.Toggle", "id": "a", "title": "t"}]),
            "used twice",
        ),
        (base(refresh={"action": {"type": "Action.Submit"}}), "must be Action.Execute"),
        (
            base(
                refresh={
                    "action": {"type": "Action.Execute", "verb": "r"},
                    "userIds": [f"29:{i}" for i in range(61)],
                }
            ),
            "userIds",
        ),
        (base(body=[{"type": "TextBlock", "text": "x" * 90_000}]), "budget"),
        (base(body=[{"type": "Chart.HorizontalBar", "data": [{"x": "a", "y": 1}]}]), "fractional ticks"),
        (
            base(
                body=[
                    {
                        "type": "Chart.HorizontalBar",
                        "displayMode": "AbsoluteNoAxis",
                        "data": [{"x": "a", "y": 0}],
                    }
                ]
            ),
            "a chart of nothing",
        ),
        (
            base(body=[{"type": "Chart.HorizontalBar", "displayMode": "AbsoluteNoAxis", "data": []}]),
            "nothing",
        ),
    ],
)
def test_what_teams_would_not_render_fails(card: dict[str, Any], complaint: str) -> None:
    with pytest.raises(AssertionError, match=complaint):
        assert_teams_card(card)


def test_teams_charts_are_allowed() -> None:
    assert_teams_card(
        base(
            body=[
                {"type": "Chart.HorizontalBar", "displayMode": "AbsoluteNoAxis", "data": [{"x": "a", "y": 1}]}
            ]
        )
    )
    assert_teams_card(base(body=[{"type": "Chart.HorizontalBar", "data": [{"x": "a", "y": 2.5}]}]))
