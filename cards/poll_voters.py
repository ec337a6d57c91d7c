"""Who answered what in a named poll: the card its author (or the coordinator) gets in personal chat."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import AdaptiveCard, TextBlock

from cards.base import card, heading
from core.i18n import Translator
from core.polls import Voters

MAX_NAMES = 150  # per option: keeps the card far below Teams' size limit


def voters_card(t: Translator, voters: Voters) -> AdaptiveCard:
    """Each option with the people who chose it (a person shows under each of their choices)."""
    poll = voters.state.poll
    body: list[Any] = [
        heading(t("polls.voters.title", question=poll.question)),
        TextBlock(text=t.plural("polls.card.voters", len(voters.ballots)), is_subtle=True, wrap=True),
    ]
    if not voters.ballots:
        body.append(TextBlock(text=t("polls.voters.none"), wrap=True))
    for index, option in enumerate(poll.options):
        chose = [voters.names[voter] for voter, choices in voters.ballots if index in choices]
        body.append(
            TextBlock(
                text=t.plural("polls.voters.option", len(chose), option=option),
                weight="Bolder",
                wrap=True,
                spacing="Medium",
            )
        )
        if chose:
            shown = ", ".join(chose[:MAX_NAMES])
            more = len(chose) - MAX_NAMES
            text = shown if more <= 0 else f"{shown} {t.plural('polls.voters.more', more)}"
            body.append(TextBlock(text=text, wrap=True))
    return card(body)
