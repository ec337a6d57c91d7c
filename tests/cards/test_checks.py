"""The card check itself must fail on what Teams would not render."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cards.checks import assert_teams_card


def base(body: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """A card titled in the heading style, with `body` (a line of text unless given) below the title."""
    title = {"type": "TextBlock", "text": "Otsikko", "style": "heading"}
    rest = [{"type": "TextBlock", "text": "hei"}] if body is None else body
    return {"type": "AdaptiveCard", "version": "1.5", "body": [title, *rest], **extra}


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


@pytest.mark.parametrize(
    ("card", "complaint"),
    [
        ({"type": "AdaptiveCard", "version": "1.5", "body": []}, "no text at all"),
        (
            {
                "type": "AdaptiveCard",
                "version": "1.5",
                "body": [{"type": "TextBlock", "text": "Otsikko", "size": "Large"}],
            },
            "not a heading-styled title",
        ),
        (
            base(
                body=[
                    {"type": "Container", "items": [{"type": "TextBlock", "text": "x", "style": "heading"}]}
                ]
            )
            | {
                "body": [
                    {"type": "TextBlock", "text": "ensin"},
                    {"type": "TextBlock", "text": "y", "style": "heading"},
                ]
            },
            "'ensin' is not a heading",
        ),
        (
            base(actions=[{"type": "Action.Execute", "verb": "x", "title": "Käynnistä: " + "v" * 40}]),
            "at most 30",
        ),
        (
            base(
                body=[
                    {
                        "type": "ActionSet",
                        "actions": [{"type": "Action.OpenUrl", "url": "u", "title": "x" * 31}],
                    }
                ]
            ),
            "31 characters",
        ),
    ],
)
def test_a_card_without_a_heading_or_with_a_long_button_fails(card: dict[str, Any], complaint: str) -> None:
    with pytest.raises(AssertionError, match=complaint):
        assert_teams_card(card)


def test_the_title_may_sit_in_a_container() -> None:
    title = {"type": "TextBlock", "text": "Otsikko", "style": "heading"}
    assert_teams_card(
        {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "Container", "items": [title]}]}
    )


def test_teams_charts_are_allowed() -> None:
    assert_teams_card(
        base(
            body=[
                {"type": "Chart.HorizontalBar", "displayMode": "AbsoluteNoAxis", "data": [{"x": "a", "y": 1}]}
            ]
        )
    )
    assert_teams_card(base(body=[{"type": "Chart.HorizontalBar", "data": [{"x": "a", "y": 2.5}]}]))
