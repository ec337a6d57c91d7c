"""What every card shares: the schema version Teams renders and the JSON form sent on the wire."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import AdaptiveCard, CardElement, TeamsCardProperties

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


def to_json(value: AdaptiveCard) -> dict[str, Any]:
    """The card as the JSON object an attachment carries."""
    data = value.model_dump(mode="json", exclude_none=True, by_alias=True)
    data["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json"
    return data
