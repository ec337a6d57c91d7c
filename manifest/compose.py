"""Fills the manifest skeleton from settings and strings: the Finnish manifest and its English localisation.

The default language (Finnish) lives in `manifest.json` itself; every other language is a localisation file
whose keys are JSON paths into the manifest (`name.short`, `bots[0].commandLists[1].commands[2].title`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from manifest.settings import PackageSettings
from manifest.template import DEFAULT_LANGUAGE, SCOPES, Strings, Template

LOCALISATION_SCHEMA = "MicrosoftTeams.Localization.schema.json"


@dataclass(frozen=True)
class Composed:
    manifest: dict[str, Any]
    localisations: dict[str, dict[str, Any]]  # file name -> localisation document


def command_lists(template: Template, strings: Strings) -> list[dict[str, Any]]:
    """One list per scope, in registry order, holding every command offered in that scope."""
    lists = []
    for scope in SCOPES:
        commands = [
            {"title": strings.command_titles[c.name], "description": strings.command_descriptions[c.name]}
            for c in template.commands
            if scope in c.scopes
        ]
        if commands:
            lists.append({"scopes": [scope], "commands": commands})
    return lists


def _schema_of_localisation(manifest_schema: str) -> str:
    base = manifest_schema.rsplit("/", 1)[0]
    return f"{base}/{LOCALISATION_SCHEMA}"


def _localisation(
    manifest: dict[str, Any], template: Template, strings: Strings, name_short: str
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "$schema": _schema_of_localisation(manifest["$schema"]),
        "name.short": name_short,
        "name.full": strings.name_full,
        "description.short": strings.description_short,
        "description.full": strings.description_full,
    }
    for i, command_list in enumerate(command_lists(template, strings)):
        for j, command in enumerate(command_list["commands"]):
            prefix = f"bots[0].commandLists[{i}].commands[{j}]"
            document[f"{prefix}.title"] = command["title"]
            document[f"{prefix}.description"] = command["description"]
    return document


def compose(settings: PackageSettings, template: Template) -> Composed:
    """The manifest in the default language and one localisation document per additional language."""
    manifest = copy.deepcopy(template.skeleton)
    default = template.strings[DEFAULT_LANGUAGE]
    manifest["id"] = settings.app_id
    manifest["version"] = settings.version
    manifest["name"] = {"short": settings.name_short, "full": default.name_full}
    manifest["description"] = {"short": default.description_short, "full": default.description_full}
    manifest["developer"].update(
        name=settings.developer_name,
        websiteUrl=settings.website_url or settings.page_url(""),
        privacyUrl=settings.privacy_url or settings.page_url("privacy"),
        termsOfUseUrl=settings.terms_url or settings.page_url("terms"),
    )
    bot = manifest["bots"][0]
    bot["botId"] = settings.app_id
    bot["commandLists"] = command_lists(template, default)
    manifest["validDomains"] = [settings.bot_domain]
    manifest["webApplicationInfo"] = {"id": settings.app_id, "resource": f"api://botid-{settings.app_id}"}

    info = manifest["localizationInfo"]
    if info["defaultLanguageTag"] != DEFAULT_LANGUAGE:
        raise ValueError(f"the template's default language must be {DEFAULT_LANGUAGE}")
    localisations = {}
    for extra in info.get("additionalLanguages", []):
        lang = extra["languageTag"].split("-", 1)[0]
        localisations[extra["file"]] = _localisation(
            manifest, template, template.strings[lang], settings.name_short
        )
    return Composed(manifest=manifest, localisations=localisations)
