"""The package's sources: the manifest skeleton, the command list and the strings of each language."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TEMPLATE_DIR = Path(__file__).parent / "template"
ICONS_DIR = Path(__file__).parent / "icons"
DEFAULT_LANGUAGE = "fi"
LANGUAGES = ("fi", "en")
SCOPES = ("personal", "team", "groupChat")


@dataclass(frozen=True)
class CommandSpec:
    """A bot command as the manifest lists it: the registry name and the scopes it is offered in."""

    name: str
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class Strings:
    """The texts of one language: app name and descriptions, and each command's title (the word typed)."""

    name_full: str
    description_short: str
    description_full: str
    command_titles: dict[str, str]
    command_descriptions: dict[str, str]


@dataclass(frozen=True)
class Template:
    skeleton: dict[str, Any]
    commands: tuple[CommandSpec, ...]
    strings: dict[str, Strings]


def _read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _strings(raw: dict[str, Any]) -> Strings:
    commands = raw["commands"]
    return Strings(
        name_full=raw["name.full"],
        description_short=raw["description.short"],
        description_full=raw["description.full"],
        command_titles={name: entry["title"] for name, entry in commands.items()},
        command_descriptions={name: entry["description"] for name, entry in commands.items()},
    )


def load_template(directory: Path = TEMPLATE_DIR) -> Template:
    """Reads `manifest.json`, `commands.json` and `strings.<lang>.json` from `directory`."""
    commands = tuple(
        CommandSpec(name=entry["name"], scopes=tuple(entry["scopes"]))
        for entry in _read_json(directory / "commands.json")
    )
    return Template(
        skeleton=_read_json(directory / "manifest.json"),
        commands=commands,
        strings={lang: _strings(_read_json(directory / f"strings.{lang}.json")) for lang in LANGUAGES},
    )
