"""`python -m manifest` (what `make package` runs): builds build/appPackage.zip from template and settings.

Exit codes: 0 built and valid; 1 the package breaks a schema or Teams rule; 2 a setting is missing or wrong,
or the validator is not installed. Every failure is explained on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from manifest.package import PackageInvalid, build_package
from manifest.settings import SettingsError, load_settings
from manifest.toolkit import write_folder
from manifest.validate import ValidatorUnavailable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m manifest", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/appPackage.zip"), help="zip to write")
    parser.add_argument("--env-file", type=Path, default=Path(".env"), help="settings file (default .env)")
    parser.add_argument(
        "--toolkit",
        type=Path,
        metavar="FOLDER",
        help="instead, write the Agents Toolkit's app package folder (with ${{...}} placeholders) to FOLDER",
    )
    args = parser.parse_args(argv)
    if args.toolkit is not None:
        written = write_folder(args.toolkit)
        print(f"wrote {', '.join(str(path) for path in written)}")
        return 0

    try:
        settings = load_settings(args.env_file)
    except SettingsError as e:
        print(f"make package: {e}", file=sys.stderr)
        return 2
    try:
        built = build_package(settings, args.out)
    except ValidatorUnavailable as e:
        print(f"make package: {e}", file=sys.stderr)
        return 2
    except PackageInvalid as e:
        print("make package: the app package is not valid:", file=sys.stderr)
        for problem in e.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1

    manifest = built.manifest
    lists = ", ".join(
        f"{'/'.join(lst['scopes'])} {len(lst['commands'])}" for lst in manifest["bots"][0]["commandLists"]
    )
    print(
        f"built {built.path}: app {manifest['id']} version {manifest['version']}, manifest schema "
        f"{manifest['manifestVersion']}, languages fi + en, commands per scope: {lists}; "
        "valid against the bundled Teams schemas"
    )
    print(f"files: {', '.join(built.files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
