"""The help card: what the bot can do, in the user's language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from microsoft_teams.cards import AdaptiveCard, CardElement, ExecuteAction, Fact, FactSet, TextBlock

from cards.base import card, heading
from core.i18n import Translator


@dataclass(frozen=True)
class CommandHelp:
    word: str
    description: str


def help_card(
    t: Translator, commands: Sequence[CommandHelp], unknown_text: str | None = None
) -> AdaptiveCard:
    body: list[CardElement] = [heading(t("help.title"))]
    if unknown_text:
        body.append(TextBlock(text=t("help.unknown", text=unknown_text[:80]), color="Attention", wrap=True))
    body += [
        TextBlock(text=t("help.intro"), wrap=True),
        FactSet(facts=[Fact(title=c.word, value=c.description) for c in commands]),
        TextBlock(text=t("help.mention_hint"), is_subtle=True, size="Small", wrap=True),
    ]
    other = "en" if t.locale == "fi" else "fi"
    return card(
        body, [ExecuteAction(title=t("help.action.language"), verb="help.language", data={"lang": other})]
    )
