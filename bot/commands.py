"""The chat commands the bot understands: one registry read by the router, the help card and the manifest.

A command is matched on its first word, case-insensitively and without trailing punctuation ("Apua!",
"ohje?"), in Finnish or English; the rest of the text is its argument. Each command has one word per
language, the one the manifest's command lists and the help card show, and the other words people
naturally type for the same thing (`ohje` for `apua`, `äänestys` for `kysely`, `files` for `materials`).
Titles and descriptions are catalog keys `command.<name>.title` / `.description`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

SCOPES = ("personal", "team", "groupChat")
PUNCTUATION = "?!.,:;"


@dataclass(frozen=True)
class Command:
    name: str
    fi: str
    en: str
    scopes: tuple[str, ...] = SCOPES
    synonyms: tuple[str, ...] = ()
    """Other single words for the command, in either language; lower case."""
    coordinator_only: bool = False
    """A coordinator's tool: left out of the manifest's command menu, which every member sees (and Teams
    caps at 12 commands a scope), and shown on the help card to the coordinator only."""

    @property
    def words(self) -> tuple[str, ...]:
        return (self.fi, self.en, *self.synonyms)

    @property
    def title_key(self) -> str:
        return f"command.{self.name}.title"

    @property
    def description_key(self) -> str:
        return f"command.{self.name}.description"


COMMANDS: tuple[Command, ...] = (
    Command(
        "help",
        "apua",
        "help",
        synonyms=("ohje", "ohjeet", "apu", "komennot", "commands", "hei", "moi", "hi", "hello"),
    ),
    Command("networks", "verkostot", "networks", synonyms=("verkosto", "vertaisverkostot", "network")),
    Command("join", "liity", "join", synonyms=("liityn", "liittyminen")),
    Command("survey", "kartoitus", "survey", synonyms=("tarvekartoitus", "kartoitukset", "surveys")),
    Command("meetings", "tapaamiset", "meetings", synonyms=("tapaaminen", "kokoukset", "kokous", "meeting")),
    Command(
        "materials",
        "materiaalit",
        "materials",
        synonyms=("materiaali", "tiedostot", "diat", "material", "files", "slides"),
    ),
    Command("mydata", "tietoni", "mydata", synonyms=("tietosuoja", "privacy")),
    Command("poll", "kysely", "poll", ("team",), synonyms=("äänestys", "gallup", "vote")),
    Command(
        "assessment", "arviointi", "assessment", ("personal",), synonyms=("itsearviointi", "self-assessment")
    ),
    Command("badges", "merkit", "badges", ("personal",), synonyms=("merkki", "osaamismerkit", "badge")),
    Command("coaching", "valmennus", "coaching", ("personal",), synonyms=("vertaisvalmennus", "coach")),
    Command(
        "report",
        "raportti",
        "report",
        synonyms=("toimintaraportti", "raportointi", "reports"),
        coordinator_only=True,
    ),
    # `pyynnöt` / `requests` are words of this command (the coordinator's list of open requests), so the
    # manifest's personal list keeps room under Teams' 12 commands
    Command(
        "invite",
        "kutsu",
        "invite",
        synonyms=(
            "kutsut",
            "pyynnöt",
            "pyynnot",
            "liittymispyynnöt",
            "requests",
            "invitations",
            "invitation",
        ),
    ),
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
    """The command one of whose words this is (case-insensitive, trailing punctuation ignored), if any."""
    return _by_word().get(word.casefold().rstrip(PUNCTUATION))


@cache
def _by_word() -> dict[str, Command]:
    """Each word of `COMMANDS` to its command (the first one naming it), looked up on every message."""
    by_word: dict[str, Command] = {}
    for command in COMMANDS:
        for word in command.words:
            by_word.setdefault(word, command)
    return by_word
