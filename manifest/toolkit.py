"""The Agents Toolkit's app package folder (`appPackage/`): the same manifest, with `${{NAME}}` placeholders.

`atk package`, `atk validate` and the toolkit's `teamsApp/zipAppPackage` action fill the placeholders from
`env/.env.<environment>`; `make package` keeps filling `manifest/template/` from `.env` itself. Both come
from one template, so `python -m manifest --toolkit appPackage` rewrites the folder after a template change
(a test fails while it is out of date).
"""

from __future__ import annotations

import json
from pathlib import Path

from manifest.package import package_files
from manifest.settings import PackageSettings

FOLDER = Path(__file__).resolve().parents[1] / "appPackage"

# Each package setting as the toolkit's environment variable (BOT_ID is also the Teams app id, as in
# `make package`); the web pages are required here, since no default can point at a real privacy notice.
PLACEHOLDERS = {
    "app_id": "${{BOT_ID}}",
    "version": "${{APP_VERSION}}",
    "bot_domain": "${{BOT_DOMAIN}}",
    "name_suffix": "${{APP_NAME_SUFFIX}}",
    "website_url": "${{APP_WEBSITE_URL}}",
    "privacy_url": "${{APP_PRIVACY_URL}}",
    "terms_url": "${{APP_TERMS_URL}}",
    "developer_name": "${{APP_DEVELOPER_NAME}}",
}


def toolkit_files() -> dict[str, bytes]:
    """manifest.json, en.json and the icons, with placeholders where `make package` puts settings."""
    settings = PackageSettings.model_construct(**PLACEHOLDERS)  # placeholders are no valid settings
    return package_files(settings)


def write_folder(folder: Path = FOLDER) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in toolkit_files().items():
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


def placeholders_in(document: bytes) -> set[str]:
    """The `${{NAME}}` variables a file uses."""
    text = document.decode("utf-8")
    names = set()
    for part in text.split("${{")[1:]:
        names.add(part.split("}}", 1)[0])
    return names


def manifest_of(folder: Path = FOLDER) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
