"""The built manifest and its localisation file pass the official schemas offline; broken ones do not."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from manifest import validate
from manifest.package import PackageInvalid, build_package
from manifest.settings import load_settings
from manifest.template import ICONS_DIR, TEMPLATE_DIR
from manifest.validate import ValidatorUnavailable, validate_files
from tests.manifest.conftest import APP_ID, DOMAIN, Package


def _write(directory: Path, name: str, document: dict[str, Any]) -> Path:
    path = directory / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_built_manifest_and_localisation_are_valid(tmp_path: Path, package: Package) -> None:
    paths = [_write(tmp_path, name, package.json(name)) for name in ("manifest.json", "en.json")]
    assert validate_files(paths) == {str(p): [] for p in paths}


def test_the_validator_rejects_a_manifest_the_schema_forbids(tmp_path: Path, package: Package) -> None:
    manifest = copy.deepcopy(package.manifest)
    manifest["bots"][0]["scopes"] = ["team", "groupchat"]  # lower-case scope: Teams rejects it
    manifest["bots"][0]["commandLists"][0]["commands"] *= 2  # 14 commands, over the limit of 12
    del manifest["developer"]["privacyUrl"]
    path = _write(tmp_path, "manifest.json", manifest)
    errors = " | ".join(validate_files([path])[str(path)])
    assert "/bots/0/scopes/1 must be equal to one of the allowed values" in errors
    assert "/bots/0/commandLists/0/commands must NOT have more than 12 items" in errors
    assert "privacyUrl" in errors


def test_the_validator_rejects_a_localisation_the_schema_forbids(tmp_path: Path, package: Package) -> None:
    english = dict(package.english)
    english["name.short"] = "x" * 31
    english["bots[0].commandLists[3].commands[0].title"] = "fourth list"
    del english["description.full"]
    path = _write(tmp_path, "en.json", english)
    errors = " | ".join(validate_files([path])[str(path)])
    assert "/name.short must NOT have more than 30 characters" in errors
    assert "bots[0].commandLists[3].commands[0].title" in errors
    assert "description.full" in errors


def test_a_schema_that_is_not_bundled_is_an_error_not_a_download(tmp_path: Path, package: Package) -> None:
    manifest = dict(package.manifest)
    manifest["$schema"] = (
        "https://developer.microsoft.com/json-schemas/teams/v9.99/MicrosoftTeams.schema.json"
    )
    other = dict(package.manifest, **{"$schema": "https://example.com/schema.json"})
    paths = [_write(tmp_path, "manifest.json", manifest), _write(tmp_path, "other.json", other)]
    report = validate_files(paths)
    assert "is not bundled" in report[str(paths[0])][0]
    assert "must be a Teams schema" in report[str(paths[1])][0]


def _template_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "template"
    shutil.copytree(TEMPLATE_DIR, directory)
    return directory


def test_an_invalid_template_fails_the_build_and_writes_no_zip(tmp_path: Path) -> None:
    template = _template_copy(tmp_path)
    skeleton = json.loads((template / "manifest.json").read_text(encoding="utf-8"))
    skeleton["bots"][0]["scopes"] = ["team", "groupchat"]
    skeleton["accentColor"] = "teal"
    (template / "manifest.json").write_text(json.dumps(skeleton), encoding="utf-8")
    settings = load_settings(None, app_id=APP_ID, bot_domain=DOMAIN)
    out = tmp_path / "build" / "appPackage.zip"
    with pytest.raises(PackageInvalid) as caught:
        build_package(settings, out, template_dir=template)
    problems = " | ".join(caught.value.problems)
    assert "manifest.json: /bots/0/scopes/1" in problems
    assert "manifest.json: /accentColor" in problems
    assert not out.exists()


def test_wrong_icons_fail_the_build(tmp_path: Path) -> None:
    icons = tmp_path / "icons"
    icons.mkdir()
    shutil.copy(ICONS_DIR / "outline.png", icons / "color.png")  # 32x32 where 192x192 belongs
    shutil.copy(ICONS_DIR / "color.png", icons / "outline.png")  # opaque and coloured
    settings = load_settings(None, app_id=APP_ID, bot_domain=DOMAIN)
    with pytest.raises(PackageInvalid) as caught:
        build_package(settings, tmp_path / "appPackage.zip", icons_dir=icons)
    problems = " | ".join(caught.value.problems)
    assert "color icon must be 192x192, not 32x32" in problems
    assert "outline icon must be 32x32, not 192x192" in problems
    assert "must be white only" in problems


def test_a_missing_npm_install_says_to_run_make(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        validate, "PACKAGE", tmp_path / "node_modules" / "@microsoft" / "app-manifest" / "package.json"
    )
    with pytest.raises(ValidatorUnavailable, match=r"run `make package` or `make test`"):
        validate_files([tmp_path / "manifest.json"])
