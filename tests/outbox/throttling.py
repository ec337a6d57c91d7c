"""A Bot Connector double that throttles like Teams: per-conversation windows and an app-wide rate.

Requests over a limit get 429 with `Retry-After` (seconds, fractional) and are not recorded as sent; the
time of every accepted and every throttled request is kept per conversation, so tests can check that the
bot never exceeded a window and came back no sooner than it was told. Conversations can be made to answer
a fixed status (`answer(key, status)`, e.g. 403 for a person who blocked the bot) or a scripted sequence
(`script(key, [502, 504])`). It records requests itself (the body is read once, to find the conversation).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from core.outbox import TEAMS_THREAD_WINDOWS, Window, window_delay
from tests.harness.connector import ConnectorDouble, Sent


@dataclass
class Throttle:
    key: str
    at: float
    retry_after: float


@dataclass
class ThrottlingConnector(ConnectorDouble):
    global_rate: float = 50.0
    global_burst: float = 3.0
    windows: Sequence[Window] = TEAMS_THREAD_WINDOWS
    throttled: list[Throttle] = field(default_factory=list)
    accepted: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    refused: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _answers: dict[str, int] = field(default_factory=dict)
    _scripts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        super().__post_init__()
        self._tokens = self.global_burst
        self._refilled: float | None = None

    def answer(self, key: str, status: int) -> None:
        """Every request for `key` (conversation id, channel id or member id) answers `status`."""
        self._answers[key] = status

    def script(self, key: str, statuses: list[int]) -> None:
        """The next requests for `key` answer these statuses, one each, before it behaves normally."""
        self._scripts[key].extend(statuses)

    def requests_for(self, key: str) -> int:
        return len(self.accepted.get(key, ())) + len(self.refused.get(key, ()))

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _global_wait(self, now: float) -> float:
        if self._refilled is None:
            self._refilled = now
        self._tokens = min(self.global_burst, self._tokens + (now - self._refilled) * self.global_rate)
        self._refilled = now
        return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.global_rate

    @staticmethod
    def _key_of(body: dict[str, Any], conversation: str) -> str:
        if conversation:
            return conversation.split(";messageid=", 1)[0]
        channel = ((body.get("channelData") or {}).get("channel") or {}).get("id")
        members = body.get("members") or [{}]
        return channel or members[0].get("id") or ""

    async def _record(self, request: web.Request, conversation: str) -> web.Response | None:
        if self.expect_anonymous and "Authorization" in request.headers:
            unexpected = {"error": {"code": "BadAuth", "message": "unexpected token"}}
            return web.json_response(unexpected, status=401)
        body = await request.json() if request.can_read_body else {}
        key = self._key_of(body, conversation)
        now = self._now()
        wait = max(self._global_wait(now), window_delay(self.accepted.get(key, []), now, self.windows))
        if wait > 0:
            self.throttled.append(Throttle(key, now, wait))
            return web.json_response(
                {"error": {"code": "TooManyRequests", "message": "throttled"}},
                status=429,
                headers={"Retry-After": f"{wait:.3f}"},
            )
        self._tokens -= 1.0
        status = self._scripts[key].pop(0) if self._scripts.get(key) else self._answers.get(key)
        if status is not None:
            self.refused[key].append(status)
            error = {"error": {"code": f"Status{status}", "message": "scripted"}}
            return web.json_response(error, status=status)
        self.accepted[key].append(now)
        async with self._changed:
            self.sent.append(Sent(request.method, request.path, conversation, body, dict(request.headers)))
            self._changed.notify_all()
        return None
