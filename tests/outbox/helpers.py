"""Building broadcasts, a real sender on a real adapter, and a running worker for outbox tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from bot.adapter import TeamsAdapter
from bot.connector import ConnectorPool
from bot.outbox import OutboxWorker, TeamsSender
from bot.settings import Settings
from core.conversations import ConversationRef
from core.outbox import DeliveryReport, OutboxStore, OutgoingMessage, Target


def person_key(index: int) -> str:
    return f"a:user-{index:04d}"


def broadcast(
    service_url: str, count: int, name: str = "survey-1", kind: str = "conversation", start: int = 0
) -> list[OutgoingMessage]:
    """One message per recipient; recipient i's conversation is `a:user-000i` (or the person `aad-i`)."""
    messages = []
    for i in range(start, start + count):
        if kind == "person":
            target = Target("person", service_url, user_id=f"aad-{i}", tenant_id="tenant-1")
        else:
            target = Target("conversation", service_url, conversation_id=person_key(i), tenant_id="tenant-1")
        activity = {"type": "message", "text": f"Kartoitus on auki ({name})", "locale": "fi-FI"}
        messages.append(OutgoingMessage(f"{name}:{i}", name, f"aad-{i}", target, activity))
    return messages


@asynccontextmanager
async def teams_sender(
    settings: Settings, on_new_chat: Callable[[ConversationRef], Awaitable[None]] | None = None
) -> AsyncIterator[TeamsSender]:
    """The service's own sender on a real TeamsAdapter and aiohttp session."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        adapter = TeamsAdapter(settings, ConnectorPool(lambda: session))
        yield TeamsSender(adapter, settings.app_id, on_new_chat=on_new_chat)


@asynccontextmanager
async def running_worker(store: OutboxStore, sender: Any, **options: Any) -> AsyncIterator[OutboxWorker]:
    worker = OutboxWorker(store, sender, **options)
    worker.start()
    try:
        yield worker
    finally:
        await worker.stop()


@asynccontextmanager
async def delivering(
    store: OutboxStore,
    settings: Settings,
    on_new_chat: Callable[[ConversationRef], Awaitable[None]] | None = None,
    **options: Any,
) -> AsyncIterator[OutboxWorker]:
    """A worker with the real sender running on `store` until the block ends."""
    async with (
        teams_sender(settings, on_new_chat) as sender,
        running_worker(store, sender, **options) as worker,
    ):
        yield worker


async def until_done(store: OutboxStore, name: str, within: float = 30.0) -> DeliveryReport:
    """The broadcast's report once nothing is pending, or AssertionError with where it stood."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        report = await store.delivery_counts(name)
        if report.total and report.done:
            return report
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"broadcast {name} not done in {within} s: {report}")
        await asyncio.sleep(0.05)
