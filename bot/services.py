"""The long-lived objects one service instance shares between turns, built at start and passed in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.i18n import Catalogs
from bot.metrics import Metrics
from bot.settings import Settings


@dataclass
class Services:
    settings: Settings
    catalogs: Catalogs
    metrics: Metrics
    store: Any = None
    workspace: Any = None
    graph: Any = None
    extras: dict[str, Any] = field(default_factory=dict)
