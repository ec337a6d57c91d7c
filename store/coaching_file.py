"""The coaching themes file (`config/coaching.yml`): read and checked at start, nothing stored."""

from __future__ import annotations

import asyncio
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.coaching import Theme

DEFAULT_COACHING_FILE = Path(__file__).resolve().parents[1] / "config" / "coaching.yml"


class _Theme(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=2, max_length=40, pattern=r"^[a-z0-9][a-z0-9-]*$")
    fi: str = Field(min_length=1, max_length=80)
    en: str = Field(min_length=1, max_length=80)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    themes: list[_Theme] = Field(min_length=1)


def parse_themes(text: str, source: str = "<text>") -> tuple[Theme, ...]:
    """The themes of the YAML text; raises ValueError naming the file and the problem."""
    try:
        data = _File.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as error:
        raise ValueError(f"{source}: not a valid coaching file: {error}") from error
    keys = [t.key for t in data.themes]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise ValueError(f"{source}: not a valid coaching file: theme {', '.join(twice)} appears twice")
    return tuple(Theme(t.key, t.fi, t.en) for t in data.themes)


async def load_themes(path: Path = DEFAULT_COACHING_FILE) -> tuple[Theme, ...]:
    text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    return parse_themes(text, str(path))
