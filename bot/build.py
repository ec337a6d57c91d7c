"""What build is running: the project's version, the source revision it was built from, the Python version."""

from __future__ import annotations

import platform
import tomllib
from importlib import metadata
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def version() -> str:
    """The installed version, else pyproject.toml beside the code (the image runs from source)."""
    try:
        return metadata.version("vertaisbotti")
    except metadata.PackageNotFoundError:
        pass
    try:
        with PYPROJECT.open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def build_info(revision: str) -> dict[str, str]:
    return {"version": version(), "revision": revision or "unknown", "python": platform.python_version()}
