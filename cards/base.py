"""What every card shares: the schema version Teams renders, the JSON form sent on the wire, the title
and the bar chart of counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from microsoft_teams.cards import (
    Action,
    AdaptiveCard,
    CardElement,
    ColumnDefinition,
    HorizontalBarChart,
    HorizontalBarChartDataValue,
    Table,
    TableCell,
    TableRow,
    TeamsCardProperties,
    TextBlock,
)

CARD_VERSION: Final = "1.5"


def card(
    body: Sequence[CardElement], actions: Sequence[Action] | None = None, *, wide: bool = False, **extra: Any
) -> AdaptiveCard:
    """An Adaptive Card of the version Teams renders. `wide` (`msteams.width = "full"`) is for the cards
    a table or a chart needs the room for; a card of text and buttons reads better at Teams' own width,
    which keeps lines short on a desktop and changes nothing on a phone."""
    return AdaptiveCard(
        version=CARD_VERSION,
        body=list(body),
        actions=list(actions) if actions else None,
        msteams=TeamsCardProperties(width="full") if wide else None,
        **extra,
    )


def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> Table:
    """A table of text with a header row. Where names run long (organisations, networks), a FactSet keeps
    its title column narrow and cuts them on a phone; a table's cells wrap in the share `widths` gives."""

    def cell(text: str, *, bold: bool = False) -> TableCell:
        return TableCell(items=[TextBlock(text=text, wrap=True, weight="Bolder" if bold else None)])

    return Table(
        columns=[ColumnDefinition(width=w) for w in widths],
        rows=[
            TableRow(cells=[cell(h, bold=True) for h in header]),
            *(TableRow(cells=[cell(c) for c in row]) for row in rows),
        ],
        first_row_as_headers=True,
        show_grid_lines=False,
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
