"""Settings of the app package, read from the environment and `.env` (the same names the bot service uses).

`manifest/` stands alone: it must build without importing the bot, so it keeps this small model of its own.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "Vertaisbotti"
NAME_SHORT_MAX = 30  # manifest schema limit for name.short

_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
_HOST = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})+$")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message is one line meant for the person running the build."""


class PackageSettings(BaseSettings):
    """What varies between deployments of the app package."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    app_id: str = Field(validation_alias=AliasChoices("MicrosoftAppId", "APP_ID", "BOT_ID", "app_id"))
    version: str = Field("1.0.0", validation_alias=AliasChoices("APP_VERSION", "version"))
    bot_domain: str = Field(validation_alias=AliasChoices("BOT_DOMAIN", "bot_domain"))
    name_suffix: str = Field("", validation_alias=AliasChoices("APP_NAME_SUFFIX", "name_suffix"))
    website_url: str = Field("", validation_alias=AliasChoices("APP_WEBSITE_URL", "website_url"))
    privacy_url: str = Field("", validation_alias=AliasChoices("APP_PRIVACY_URL", "privacy_url"))
    terms_url: str = Field("", validation_alias=AliasChoices("APP_TERMS_URL", "terms_url"))
    # developer.name: the organisation answerable for the app in this tenant (Teams shows it as the publisher)
    developer_name: str = Field(
        APP_NAME,
        min_length=1,
        max_length=32,
        validation_alias=AliasChoices("APP_DEVELOPER_NAME", "developer_name"),
    )

    @field_validator("app_id")
    @classmethod
    def _guid(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError(
                "MicrosoftAppId is empty: the package needs the bot's Entra application (client) id"
            )
        if not _GUID.match(value):
            raise ValueError("MicrosoftAppId must be the bot's Entra application (client) id, a GUID")
        return value.lower()

    @field_validator("version")
    @classmethod
    def _semver(cls, value: str) -> str:
        value = value.strip()
        if not _SEMVER.match(value):
            raise ValueError(f"APP_VERSION must be MAJOR.MINOR.PATCH such as 1.0.0, not {value!r}")
        return value

    @field_validator("bot_domain")
    @classmethod
    def _host(cls, value: str) -> str:
        value = value.strip().lower()
        if not _HOST.match(value):
            raise ValueError(
                f"BOT_DOMAIN must be the public host name of the messaging endpoint such as bot.example.fi "
                f"(no https:// and no path), not {value!r}"
            )
        return value

    @field_validator("website_url", "privacy_url", "terms_url")
    @classmethod
    def _https(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith("https://"):
            raise ValueError(
                f"APP_WEBSITE_URL, APP_PRIVACY_URL and APP_TERMS_URL must be https URLs, not {value!r}"
            )
        return value

    @model_validator(mode="after")
    def _fits(self) -> PackageSettings:
        if len(self.name_short) > NAME_SHORT_MAX:
            raise ValueError(
                f"APP_NAME_SUFFIX is too long: {self.name_short!r} exceeds {NAME_SHORT_MAX} characters"
            )
        return self

    @property
    def name_short(self) -> str:
        return f"{APP_NAME}{self.name_suffix}"

    def page_url(self, path: str) -> str:
        """The bot service's own page (bot/pages.py serves /, /privacy and /terms on BOT_DOMAIN)."""
        return f"https://{self.bot_domain}/{path}"


_NAMES = {
    "app_id": "MicrosoftAppId",
    "version": "APP_VERSION",
    "bot_domain": "BOT_DOMAIN",
    "name_suffix": "APP_NAME_SUFFIX",
    "developer_name": "APP_DEVELOPER_NAME",
}


def load_settings(env_file: Path | str | None = ".env", **overrides: str) -> PackageSettings:
    """Settings from the environment, `env_file` and `overrides`; `SettingsError` says what is wrong."""
    try:
        return PackageSettings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as e:
        raise SettingsError(_describe(e)) from e


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        name = _NAMES.get(field, field)
        if item["type"] == "missing":
            problems.append(f"{name} is not set (environment or .env)")
        else:
            problems.append(str(item["msg"]).removeprefix("Value error, "))
    return "; ".join(problems)
