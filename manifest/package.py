"""Builds and validates the Teams app package: manifest.json, en.json and the two icons in one flat zip."""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from manifest.checks import check_color_icon, check_outline_icon, check_structure
from manifest.compose import compose
from manifest.settings import PackageSettings
from manifest.template import ICONS_DIR, TEMPLATE_DIR, load_template
from manifest.validate import validate_files

# Fixed entry timestamps make the same inputs give the same zip, byte for byte.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


class PackageInvalid(ValueError):
    """The composed package breaks the schema or a Teams rule; `problems` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class BuiltPackage:
    path: Path
    manifest: dict[str, Any]
    files: tuple[str, ...]


def _json_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def package_files(
    settings: PackageSettings, template_dir: Path = TEMPLATE_DIR, icons_dir: Path = ICONS_DIR
) -> dict[str, bytes]:
    """The package's files by their names in the zip."""
    composed = compose(settings, load_template(template_dir))
    icons = composed.manifest["icons"]
    files = {"manifest.json": _json_bytes(composed.manifest)}
    files |= {name: _json_bytes(document) for name, document in composed.localisations.items()}
    files[icons["color"]] = (icons_dir / "color.png").read_bytes()
    files[icons["outline"]] = (icons_dir / "outline.png").read_bytes()
    return files


def check_files(files: dict[str, bytes]) -> list[str]:
    """Every problem of a package: Teams rules checked here, then the official schemas through node."""
    manifest = json.loads(files["manifest.json"])
    additional = manifest.get("localizationInfo", {}).get("additionalLanguages", [])
    localisations = {extra["file"]: json.loads(files[extra["file"]]) for extra in additional}
    problems = check_structure(manifest, localisations)
    problems += check_color_icon(files[manifest["icons"]["color"]])
    problems += check_outline_icon(files[manifest["icons"]["outline"]])
    with tempfile.TemporaryDirectory(prefix="appPackage-") as staging:
        paths = []
        for name in ["manifest.json", *localisations]:
            path = Path(staging) / name
            path.write_bytes(files[name])
            paths.append(path)
        report = validate_files(paths)
    for path in paths:
        problems += [f"{path.name}: {error.strip()}" for error in report.get(str(path), ["not validated"])]
    return problems


def write_zip(files: dict[str, bytes], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    partial.replace(out)


def build_package(
    settings: PackageSettings,
    out: Path,
    template_dir: Path = TEMPLATE_DIR,
    icons_dir: Path = ICONS_DIR,
) -> BuiltPackage:
    """Composes, validates and writes the package to `out`; if invalid, raises `PackageInvalid`.

    Raises `manifest.validate.ValidatorUnavailable` when node or manifest/node_modules is missing.
    """
    files = package_files(settings, template_dir, icons_dir)
    if problems := check_files(files):
        raise PackageInvalid(problems)
    write_zip(files, out)
    return BuiltPackage(path=out, manifest=json.loads(files["manifest.json"]), files=tuple(sorted(files)))
