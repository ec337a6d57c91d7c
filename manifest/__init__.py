"""The Teams app package: manifest template, fi/en strings, icons, and the build that validates them offline.

`python -m manifest` builds `build/appPackage.zip`; `build_package(settings, out)` does the same from code.
This package never imports the bot: it reads its settings itself and keeps its own copy of the command list,
which tests/manifest checks against `bot.commands.COMMANDS` and the bot's catalogs.
"""

from manifest.package import BuiltPackage, PackageInvalid, build_package
from manifest.settings import PackageSettings, SettingsError, load_settings

__all__ = [
    "BuiltPackage",
    "PackageInvalid",
    "PackageSettings",
    "SettingsError",
    "build_package",
    "load_settings",
]
