"""Explicit routing tables: chat commands by name, card actions by verb. Features register themselves here."""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from microsoft_teams.cards import AdaptiveCard

from bot import commands

if TYPE_CHECKING:
    from bot.turn import Turn

CommandHandler = Callable[["Turn", str], Awaitable[None]]
# an action answers with a card (replacing the clicked one for the clicker), a short text, or nothing
ActionHandler = Callable[["Turn", dict[str, Any]], Awaitable[AdaptiveCard | str | None]]
FilesHandler = Callable[["Turn", list[Any]], Awaitable[None]]
# `fileConsent/invoke`: (turn, "accept" | "decline", the card's context, uploadInfo as JSON)
FileConsentHandler = Callable[["Turn", str, Any, dict[str, Any]], Awaitable[None]]

_AT_TAG = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"<[^>]+>")


def command_text(text: str | None) -> str:
    """The typed text without @mentions, HTML and surplus white space; character references (`&amp;`,
    `&nbsp;`, `&#228;`) are decoded after the tags are gone, so an escaped `&lt;` stays text."""
    text = _AT_TAG.sub(" ", text or "")
    text = html.unescape(_HTML_TAG.sub(" ", text))
    return " ".join(text.split())


@dataclass
class Router:
    commands: dict[str, CommandHandler] = field(default_factory=dict)
    actions: dict[str, ActionHandler] = field(default_factory=dict)
    files: FilesHandler | None = None  # files sent to the bot (`bot.files.IncomingFile` list)
    file_consent: FileConsentHandler | None = None  # a FileConsentCard accepted or declined
    # FileConsentCards of files the bot makes itself, by the `kind` their context names (bot/file_offers.py)
    file_consents: dict[str, FileConsentHandler] = field(default_factory=dict)

    def command(self, name: str, handler: CommandHandler) -> None:
        if commands.find(name) is None and all(c.name != name for c in commands.COMMANDS):
            raise ValueError(f"{name!r} is not in bot/commands.py")
        if name in self.commands:
            raise ValueError(f"command {name!r} registered twice")
        self.commands[name] = handler

    def action(self, verb: str, handler: ActionHandler) -> None:
        if verb in self.actions:
            raise ValueError(f"card action {verb!r} registered twice")
        self.actions[verb] = handler

    def on_files(self, handler: FilesHandler) -> None:
        if self.files is not None:
            raise ValueError("a files handler is registered twice")
        self.files = handler

    def on_file_consent(self, handler: FileConsentHandler, kind: str | None = None) -> None:
        if kind is not None:
            if kind in self.file_consents:
                raise ValueError(f"a file consent handler for {kind!r} is registered twice")
            self.file_consents[kind] = handler
            return
        if self.file_consent is not None:
            raise ValueError("a file consent handler is registered twice")
        self.file_consent = handler

    def consent_handler(self, context: Any) -> FileConsentHandler | None:
        """The handler for a consent card's context: by its `kind`, else the materials one."""
        kind = context.get("kind") if isinstance(context, dict) else None
        if isinstance(kind, str) and kind in self.file_consents:
            return self.file_consents[kind]
        return self.file_consent

    def match(self, text: str | None) -> tuple[CommandHandler | None, str, str]:
        """(handler, argument, cleaned text) for a message; no handler when the first word is no command."""
        cleaned = command_text(text)
        phrase = commands.find_phrase(cleaned)
        if phrase is not None:
            return self.commands.get(phrase[0].name), phrase[1], cleaned
        word, _, argument = cleaned.partition(" ")
        command = commands.find(word) if word else None
        handler = self.commands.get(command.name) if command else None
        return handler, argument.strip(), cleaned
