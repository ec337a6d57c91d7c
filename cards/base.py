"""What every card shares: the schema version Teams renders, the JSON form sent on the wire, the title
and the bar chart of counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from microsoft_teams.cards import (
    AdaptiveCard,
    CardElement,
    HorizontalBarChart,
    HorizontalBarChartDataValue,
    TeamsCardProperties,
    TextBlock,
)

CARD_VERSION = "1.5"


def card(body: list[CardElement], actions: list | None = None, **extra: Any) -> AdaptiveCard:
    """An Adaptive Card of the version Teams renders, full width in Teams."""
    return AdaptiveCard(
        version=CARD_VERSION,
        body=body,
        actions=actions or None,
        msteams=TeamsCardProperties(width="full"),
        **extra,
    )


def heading(text: str, **look: Any) -> TextBlock:
    """A card's title. The heading style is what screen readers announce as a heading (the renderer gives
    it role=heading); the explicit size and weight keep its look where a host styles headings otherwise.
    `look` may set a smaller size or a colour for a title that is a short confirmation."""
    return TextBlock(
        text=text, style="heading", **{"size": "Large", "weight": "Bolder", "wrap": True, **look}
    )


def count_chart(
    title: str, counts: Sequence[tuple[str, int]], *, axis_title: str | None = None
) -> HorizontalBarChart | None:
    """A bar per label with its whole count written at the bar's end, or None when every count is zero
    (a chart of nothing says less than the text beside it).

    No axis: the renderer Teams and the Agents Playground share splits the axis into six equal ticks
    whatever the data (0.17, 0.33… for one person; 1.67e-5 when all are zero), and has no setting for
    whole-number ticks. `AbsoluteNoAxis` shows each bar's own value instead. The axis title stays for
    screen readers, which read it in the chart's label."""
    if not any(count > 0 for _, count in counts):
        return None
    return HorizontalBarChart(
        title=title,
        x_axis_title=axis_title,
        display_mode="AbsoluteNoAxis",
        data=[HorizontalBarChartDataValue(x=label, y=count) for label, count in counts],
    )


def to_json(value: AdaptiveCard) -> dict[str, Any]:
    """The card as the JSON object an attachment carries."""
    data = value.model_dump(mode="json", exclude_none=True, by_alias=True)
    data["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json"
    return data
