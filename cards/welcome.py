"""The card the bot posts once in the General channel when it is installed in a team."""

from __future__ import annotations

from microsoft_teams.cards import AdaptiveCard, TextBlock

from cards.base import card, heading
from core.i18n import Translator


def welcome_card(t: Translator, team_name: str) -> AdaptiveCard:
    return card(
        [
            heading(t("welcome.title", team=team_name)),
            TextBlock(text=t("welcome.body"), wrap=True),
            TextBlock(text=t("welcome.next"), wrap=True, weight="Bolder"),
        ]
    )
