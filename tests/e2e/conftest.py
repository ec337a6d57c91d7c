"""The Agents Playground against the real bot: both on free ports, stopped after each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devtools.playground import CLI, create_shim, serve, start_playground
from tests.e2e.playground_client import PlaygroundClient
from tests.harness.running import free_port, make_settings, running_bot


@pytest.fixture(autouse=True)
def playground_installed() -> None:
    if not CLI.is_file():
        pytest.fail(
            f"the Agents Playground is not installed ({CLI} is missing): run `make test`, which runs npm ci"
        )


@dataclass(frozen=True)
class Session:
    client: PlaygroundClient
    config: dict[str, Any]

    @property
    def bot(self) -> dict[str, str]:
        return {"id": self.config["bot"]["id"], "name": self.config["bot"]["name"]}

    @property
    def me(self) -> str:
        return self.config["currentUser"]["id"]

    @property
    def personal_chat(self) -> str:
        return self.config["personalChat"]["id"]

    @property
    def group_chat(self) -> str:
        return self.config["groupChats"][0]["id"]

    @property
    def general_channel(self) -> str:
        return next(c["id"] for c in self.config["teams"][0]["channels"] if c["name"] == "General")


OpenPlayground = Callable[..., AbstractAsyncContextManager[Session]]


@pytest.fixture
def open_playground(tmp_path: Path) -> OpenPlayground:
    """`async with open_playground(locale="fi-FI")`: bot, locale shim (None: no shim) and Playground."""

    @asynccontextmanager
    async def opened(locale: str | None = "fi-FI") -> AsyncIterator[Session]:
        async with running_bot(make_settings(tmp_path)) as bot, AsyncExitStack() as stack:
            endpoint = bot.messages_url
            if locale is not None:
                shim = await stack.enter_async_context(serve(create_shim(endpoint, locale), "127.0.0.1", 0))
                endpoint = f"{shim}/api/messages"
            playground = await stack.enter_async_context(
                start_playground(endpoint, free_port(), log_dir=tmp_path / "playground")
            )
            client = PlaygroundClient(playground.url, bot.session)
            yield Session(client, await client.config())

    return opened
