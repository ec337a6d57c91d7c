"""The chat commands the bot understands: one registry read by the router, the help card and the manifest.

A command is matched on its first word, case-insensitively, in Finnish or English; the rest of the text
is its argument. Titles and descriptions are catalog keys `command.<name>.title` / `.description`.
"""

from __future__ import annotations

from dataclasses import dataclass

SCOPES = ("personal", "team", "groupChat")


@dataclass(frozen=True)
class Command:
    name: str
    fi: str
    en: str
    scopes: tuple[str, ...] = SCOPES

    @property
    def words(self) -> tuple[str, str]:
        return (self.fi, self.en)

    @property
    def title_key(self) -> str:
        return f"command.{self.name}.title"

    @property
    def description_key(self) -> str:
        return f"command.{self.name}.description"


COMMANDS: tuple[Command, ...] = (
    Command("help", "apua", "help"),
    Command("networks", "verkostot", "networks"),
    Command("join", "liity", "join"),
    Command("survey", "kartoitus", "survey"),
    Command("meetings", "tapaamiset", "meetings"),
    Command("materials", "materiaalit", "materials"),
    Command("mydata", "tietoni", "mydata"),
    Command("poll", "kysely", "poll", ("team",)),
    Command("assessment", "arviointi", "assessment", ("personal",)),
    Command("badges", "merkit", "badges", ("personal",)),
    Command("coaching", "valmennus", "coaching", ("personal",)),
)


# Requests of more than one word that stand for a command and its argument ("poista tietoni" is
# "tietoni poista"): matched on the whole text, case-insensitively, before the first word is looked up.
PHRASES: dict[str, tuple[str, str]] = {
    "poista tietoni": ("mydata", "poista"),
    "delete my data": ("mydata", "delete"),
}


def find_phrase(text: str) -> tuple[Command, str] | None:
    """(command, argument) for a text that is one of `PHRASES`."""
    phrase = PHRASES.get(" ".join(text.casefold().split()))
    if phrase is None:
        return None
    name, argument = phrase
    return next(c for c in COMMANDS if c.name == name), argument


def find(word: str) -> Command | None:
    """The command whose Finnish or English word this is (case-insensitive), if any."""
    word = word.casefold()
    return next((c for c in COMMANDS if word in c.words), None)
