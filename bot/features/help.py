"""`apua` / `help`, and the answer to anything the bot does not understand: the help card."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot import commands
from bot.i18n import LANGUAGES, Translator
from bot.router import Router
from bot.turn import Turn
from cards.base import to_json
from cards.help import CommandHelp, help_card
from core.errors import Invalid

MANIFEST_SCOPE = {"personal": "personal", "channel": "team", "groupChat": "groupChat"}


def _command_help(t: Translator, conversation_type: str, coordinator: bool = False) -> list[CommandHelp]:
    """The commands that work where the user is writing, in their language (the coordinator's tools for
    the coordinator only)."""
    scope = MANIFEST_SCOPE.get(conversation_type, "personal")
    return [
        CommandHelp(word=(c.fi if t.locale == "fi" else c.en), description=t(c.description_key))
        for c in commands.COMMANDS
        if scope in c.scopes and (coordinator or not c.coordinator_only)
    ]


def _help(turn: Turn, t: Translator) -> AdaptiveCard:
    """The help card of `t`'s language where the user is writing, for a coordinator or not: the same for
    everyone alike, so it is built once (building the card models was a fifth of a help turn's CPU)."""
    scope, coordinator = turn.conversation_type, turn.is_coordinator
    return turn.services.catalogs.derived(
        ("help card", t.locale, scope, coordinator),
        lambda: help_card(t, _command_help(t, scope, coordinator)),
    )


async def show_help(turn: Turn, _argument: str = "") -> None:
    t, scope, coordinator = turn.t, turn.conversation_type, turn.is_coordinator
    content = turn.services.catalogs.derived(  # its JSON too is made once (a twentieth of a help turn)
        ("help card json", t.locale, scope, coordinator), lambda: to_json(_help(turn, t))
    )
    await turn.send_card(content)


async def show_unknown(turn: Turn, text: str) -> None:
    await turn.send_card(
        help_card(
            turn.t,
            _command_help(turn.t, turn.conversation_type, turn.is_coordinator),
            unknown_text=text or None,
        )
    )


async def switch_language(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    """The card's language button: the same help in the other language, on the clicking user's card."""
    lang = data.get("lang")
    if lang not in LANGUAGES:
        raise Invalid("error.bad_card_data")
    return _help(turn, turn.services.catalogs.for_locale(lang))


def register(router: Router) -> None:
    router.command("help", show_help)
    router.action("help.language", switch_language)
