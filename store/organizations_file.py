"""The partner organisations' seed file (`config/organizations.yml`): read and checked, nothing stored."""

from __future__ import annotations

import asyncio
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.people import Organization

DEFAULT_ORGANIZATIONS_FILE = Path(__file__).resolve().parents[1] / "config" / "organizations.yml"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    domains: list[str] = Field(default_factory=list)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organizations: list[_Entry]


def parse_organizations(text: str, source: str = "<text>") -> list[Organization]:
    """Organisations from the YAML text; raises ValueError naming the file and the problem."""
    try:
        data = _File.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as error:
        raise ValueError(f"{source}: not a valid organisations file: {error}") from error
    keys = [entry.key for entry in data.organizations]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise ValueError(f"{source}: not a valid organisations file: key {', '.join(twice)} appears twice")
    return [Organization(e.key, e.name, e.short_name, tuple(e.domains)) for e in data.organizations]


async def load_organizations(path: Path) -> list[Organization]:
    """Read and parse the file off the event loop."""
    text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    return parse_organizations(text, str(path))
