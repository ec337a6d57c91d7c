"""The command registry: each command's words in both languages, its synonyms, one meaning per word."""

from __future__ import annotations

import pytest

from bot import commands
from bot.router import Router
from bot.turn import Turn


def test_every_word_names_one_command_and_is_one_lower_case_word() -> None:
    words = [word for command in commands.COMMANDS for word in command.words]
    assert len(words) == len(set(words)), [w for w in words if words.count(w) > 1]
    assert all(word == word.casefold() and word.split() == [word] for word in words)
    assert all(not word.endswith(tuple(commands.PUNCTUATION)) for word in words)


def test_every_command_has_a_natural_synonym() -> None:
    assert [c.name for c in commands.COMMANDS if not c.synonyms] == []


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("ohje", "help"),
        ("Ohje?", "help"),
        ("APUA!", "help"),
        ("äänestys", "poll"),
        ("vote", "poll"),
        ("tarvekartoitus", "survey"),
        ("tiedostot", "materials"),
        ("files", "materials"),
        ("tapaaminen", "meetings"),
        ("osaamismerkit", "badges"),
        ("itsearviointi", "assessment"),
        ("vertaisvalmennus", "coaching"),
        ("verkosto", "networks"),
        ("liityn", "join"),
        ("tietosuoja", "mydata"),
    ],
)
def test_a_synonym_finds_its_command(typed: str, name: str) -> None:
    command = commands.find(typed)
    assert command is not None and command.name == name


@pytest.mark.parametrize("typed", ["ohjelma", "survey-x", "?", "", "kyselyt ja muuta"])
def test_other_words_are_no_command(typed: str) -> None:
    assert commands.find(typed.partition(" ")[0]) is None


def test_a_synonym_routes_to_its_commands_handler_with_the_argument() -> None:
    router = Router()

    async def materials(turn: Turn, argument: str) -> None:
        return None

    router.command("materials", materials)
    handler, argument, _ = router.match("<at>Vertaisbotti</at> Tiedostot HR-kehittäjät palaute")
    assert handler is materials and argument == "HR-kehittäjät palaute"
