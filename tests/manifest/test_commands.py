"""The manifest's commands are the bot's commands: same words, same scopes, same descriptions, both ways."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from bot.commands import COMMANDS, Command
from bot.i18n import load_catalog
from tests.manifest.conftest import Package

REGISTRY = {c.name: c for c in COMMANDS}


def _listed(package: Package) -> list[tuple[str, int, int, dict[str, Any], str, str]]:
    """(scope, list index, command index, Finnish command, English title, English description) per entry."""
    english = package.english
    rows = []
    for i, command_list in enumerate(package.manifest["bots"][0]["commandLists"]):
        for j, command in enumerate(command_list["commands"]):
            prefix = f"bots[0].commandLists[{i}].commands[{j}]"
            for scope in command_list["scopes"]:
                rows.append(
                    (scope, i, j, command, english[f"{prefix}.title"], english[f"{prefix}.description"])
                )
    return rows


def _by_finnish_word(word: str) -> Command:
    matches = [c for c in COMMANDS if c.fi == word]
    assert matches, f"the manifest lists {word!r}, which is not a command of bot.commands.COMMANDS"
    return matches[0]


def test_every_listed_command_exists_in_the_bot_with_the_same_words(package: Package) -> None:
    for scope, _, _, command, english_title, _ in _listed(package):
        registered = _by_finnish_word(command["title"])
        assert english_title == registered.en, f"{registered.name}: English title {english_title!r}"
        assert scope in registered.scopes, (
            f"{registered.name} is listed in {scope}, the bot offers it in {registered.scopes}"
        )


def test_every_command_of_the_bot_is_listed_once_in_each_of_its_scopes(package: Package) -> None:
    listed: dict[str, list[str]] = defaultdict(list)
    for scope, _, _, command, _, _ in _listed(package):
        listed[scope].append(_by_finnish_word(command["title"]).name)
    for command in COMMANDS:
        if command.coordinator_only:  # not in the menu every member sees
            assert all(command.name not in names for names in listed.values()), command.name
            continue
        for scope in command.scopes:
            assert listed[scope].count(command.name) == 1, (
                f"{command.name} ({command.fi}) missing from {scope}"
            )


def test_commands_keep_the_registry_order(package: Package) -> None:
    order = [c.name for c in COMMANDS]
    for command_list in package.manifest["bots"][0]["commandLists"]:
        names = [_by_finnish_word(c["title"]).name for c in command_list["commands"]]
        assert names == sorted(names, key=order.index)


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_titles_and_descriptions_equal_the_bots_catalog(package: Package, lang: str) -> None:
    catalog = load_catalog(lang)
    for _, _, _, command, english_title, english_description in _listed(package):
        registered = _by_finnish_word(command["title"])
        title, description = (
            (command["title"], command["description"])
            if lang == "fi"
            else (english_title, english_description)
        )
        assert title == catalog[registered.title_key]
        assert description == catalog[registered.description_key], f"{registered.description_key} ({lang})"


def test_descriptions_are_short(package: Package) -> None:
    for _, _, _, command, _, english_description in _listed(package):
        assert 0 < len(command["description"]) <= 128
        assert 0 < len(english_description) <= 128
