"""Fixtures for the app package tests: the offline validator must be installed; a package built by the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from manifest.validate import PACKAGE

APP_ID = "0b6f1a52-3c7d-4e8f-9a10-b2c3d4e5f607"
DOMAIN = "vertaisbotti.example.fi"
# Settings the build reads; removed from the inherited environment so only what a test gives counts.
SETTING_NAMES = (
    "MicrosoftAppId",
    "APP_ID",
    "BOT_ID",
    "APP_DEVELOPER_NAME",
    "APP_VERSION",
    "BOT_DOMAIN",
    "APP_NAME_SUFFIX",
    "APP_WEBSITE_URL",
    "APP_PRIVACY_URL",
    "APP_TERMS_URL",
)


@pytest.fixture(scope="session", autouse=True)
def validator_installed() -> None:
    if not PACKAGE.exists():
        pytest.fail(
            f"{PACKAGE.parent} is missing, so the manifest cannot be validated offline: "
            "run `make test` (it runs `npm ci` in manifest/) instead of calling pytest directly",
            pytrace=False,
        )


def run_build(
    workdir: Path, env_file: str | None = None, **settings: str
) -> subprocess.CompletedProcess[str]:
    """`python -m manifest` in `workdir` (writing build/appPackage.zip there) with exactly these settings."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in {n.upper() for n in SETTING_NAMES}}
    env.update(settings)
    if env_file is not None:
        (workdir / ".env").write_text(env_file, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "manifest"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@dataclass(frozen=True)
class Package:
    path: Path
    files: dict[str, bytes]

    def json(self, name: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.files[name])
        return document

    @property
    def manifest(self) -> dict[str, Any]:
        return self.json("manifest.json")

    @property
    def english(self) -> dict[str, Any]:
        return self.json("en.json")


def read_package(path: Path) -> Package:
    with zipfile.ZipFile(path) as archive:
        return Package(path=path, files={name: archive.read(name) for name in archive.namelist()})


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Package:
    """The package as `make package` builds it, from a .env file like a deployer's."""
    workdir = tmp_path_factory.mktemp("package")
    result = run_build(workdir, env_file=f"MicrosoftAppId={APP_ID}\nBOT_DOMAIN={DOMAIN}\nAPP_VERSION=1.4.2\n")
    assert result.returncode == 0, result.stderr
    return read_package(workdir / "build" / "appPackage.zip")
