"""Turn contexts for exercising `bot/seen.py` and `bot/roster.py` directly, talking to a connector double."""

from __future__ import annotations

from typing import Any

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials


def turn_for(payload: dict[str, Any], connector_url: str | None = None) -> TurnContext:
    """A TurnContext for the Teams-shaped JSON; with `connector_url`, TeamsInfo calls go to that double."""
    context = TurnContext(TestAdapter(), Activity().deserialize(payload))
    if connector_url:
        client = ConnectorClient(MicrosoftAppCredentials("", ""), base_url=connector_url)
        context.turn_state[BotAdapter.BOT_CONNECTOR_CLIENT_KEY] = client
    return context


class Logic:
    """The rest of the turn: counts how often the middleware let it run."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> None:
        self.calls += 1
