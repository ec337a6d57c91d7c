"""Offline schema validation through `validate.js` (node and the npm package @microsoft/app-manifest)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

MANIFEST_DIR = Path(__file__).parent
SCRIPT = MANIFEST_DIR / "validate.js"
PACKAGE = MANIFEST_DIR / "node_modules" / "@microsoft" / "app-manifest" / "package.json"


class ValidatorUnavailable(RuntimeError):
    """node or the npm packages are missing; the message says how to install them."""


def validate_files(paths: list[Path], node: str = "node", timeout: float = 120) -> dict[str, list[str]]:
    """Validates JSON files against the schema each names in `$schema`; maps each path to its errors."""
    if shutil.which(node) is None:
        raise ValidatorUnavailable("node is not installed; it is needed to validate the manifest offline")
    if not PACKAGE.exists():
        raise ValidatorUnavailable(
            f"{PACKAGE.parent} is missing: run `make package` or `make test`, which run `npm ci` in manifest/"
        )
    result = subprocess.run(
        [node, str(SCRIPT), *(str(p) for p in paths)],
        cwd=MANIFEST_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode not in (0, 1):
        raise ValidatorUnavailable(f"validate.js failed ({result.returncode}): {result.stderr.strip()}")
    report: dict[str, list[str]] = json.loads(result.stdout)
    return report
