"""A Bot Connector double (aiohttp, ephemeral port) that records every request the bot makes.

It answers like the real service (ids, `<channel>;messageid=` for channel posts) and, as the real service
would not, refuses an `Authorization` header when told the bot runs anonymously (shared/facts.md, trap 3).
Behaviour can be scripted per test with `fail_next(status, count, retry_after)`; `drop_idle()` makes it
forget the keep-alive connections it has (as a server or load balancer does with idle ones, without telling
the client): the next request on one is reset unread. `blocked` names people (Entra or `29:` ids) who
blocked or uninstalled the bot: opening a chat with them answers 403 with the subCode `MessageWritesBlocked`,
as Teams does (learn.microsoft.com/answers/questions/5858588). Path parts are decoded
once, by aiohttp's router, as the real service decodes them (decoding again would turn a conversation id
`%2e%2e` into `..`).
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import web


@dataclass
class Sent:
    method: str
    path: str
    conversation_id: str
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def attachments(self) -> list[dict[str, Any]]:
        return self.body.get("attachments") or []

    @property
    def card(self) -> dict[str, Any] | None:
        for attachment in self.attachments:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return attachment["content"]
        return None

    @property
    def text(self) -> str:
        return self.body.get("text") or ""

    @property
    def message(self) -> dict[str, Any]:
        """The message activity sent: the body, or for "create conversation" the activity it carries."""
        if self.path == "/v3/conversations":
            return self.body.get("activity") or {}
        return self.body

    @property
    def proactive(self) -> bool:
        """A new message the bot sent on its own (a channel post, or into a conversation), not a reply to
        an incoming activity (POST .../activities/{id}) nor an update (PUT)."""
        new_post = self.path == "/v3/conversations" and bool(self.body.get("activity"))
        into_chat = self.path.endswith("/activities") and self.method == "POST"
        return (new_post or into_chat) and self.message.get("type", "message") == "message"


@dataclass
class ConnectorDouble:
    expect_anonymous: bool = True
    members: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 2
    blocked: set[str] = field(default_factory=set)
    roster_status: int = 200  # what the paged members endpoint answers (e.g. 403: the roster unreadable)
    sent: list[Sent] = field(default_factory=list)
    _failures: list[tuple[int, float | None]] = field(default_factory=list)
    dropped: int = 0  # requests that met a dropped connection (reset, never recorded)
    _resets: int = 0
    _connections: set[Any] = field(default_factory=set)
    _dead: set[Any] = field(default_factory=set)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> ConnectorDouble:
        app = web.Application()
        app.router.add_route("*", "/v3/conversations", self._conversations)
        app.router.add_route("*", "/v3/conversations/{conversation}/activities", self._activities)
        app.router.add_route("*", "/v3/conversations/{conversation}/activities/{activity}", self._activity)
        app.router.add_get("/v3/conversations/{conversation}/pagedmembers", self._paged_members)
        app.router.add_get("/v3/conversations/{conversation}/members", self._members)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)
        app.router.add_get("/v3/teams/{team}", self._team)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/"
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._runner:
            await self._runner.cleanup()

    def unsummarised(self) -> list[Sent]:
        """Proactive messages without a one-line `summary`: Teams' notification would say only that the bot
        sent a card."""

        def one_line(summary: object) -> bool:
            return isinstance(summary, str) and bool(summary.strip()) and "\n" not in summary

        return [s for s in self.sent if s.proactive and not one_line(s.message.get("summary"))]

    def drop_idle(self) -> None:
        """Forget every connection open now: the next request on each is reset before it is read."""
        self._dead |= self._connections

    def reset_next(self, count: int = 1) -> None:
        """Reset the next `count` requests unread, on whatever connection they come."""
        self._resets += count

    def fail_next(self, status: int, count: int = 1, retry_after: float | None = None) -> None:
        self._failures.extend([(status, retry_after)] * count)

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[Sent]:  # noqa: ASYNC109
        """At least `count` sent requests, or AssertionError with what did arrive."""
        try:
            async with self._changed:
                await asyncio.wait_for(self._changed.wait_for(lambda: len(self.sent) >= count), timeout)
        except TimeoutError:
            raise AssertionError(
                f"expected {count} requests to the connector, got {len(self.sent)}"
            ) from None
        return self.sent

    async def settle(self, quiet: float = 0.3) -> list[Sent]:
        """What was sent once nothing more arrives for `quiet` seconds."""
        seen = -1
        while seen != len(self.sent):
            seen = len(self.sent)
            await asyncio.sleep(quiet)
        return self.sent

    async def _record(self, request: web.Request, conversation: str) -> web.Response | None:
        transport = request.transport
        if transport is not None and (transport in self._dead or self._resets):
            self.dropped += 1
            self._resets = max(0, self._resets - (transport not in self._dead))
            self._dead.discard(transport)
            transport.abort()  # a reset: the request is not processed
            raise ConnectionResetError("dropped idle connection")
        self._connections.add(transport)
        if self.expect_anonymous and "Authorization" in request.headers:
            return web.json_response(
                {"error": {"code": "BadAuth", "message": "unexpected token"}}, status=401
            )
        body = await request.json() if request.can_read_body else {}
        headers = dict(request.headers)
        async with self._changed:
            self.sent.append(Sent(request.method, request.path, conversation, body, headers))
            self._changed.notify_all()
        if self._failures:
            status, retry_after = self._failures.pop(0)
            extra = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            return web.json_response(
                {"error": {"code": "Scripted", "message": "scripted"}}, status=status, headers=extra
            )
        return None

    async def _conversations(self, request: web.Request) -> web.Response:
        refused = await self._record(request, "")
        if refused:
            return refused
        body = self.sent[-1].body
        members = {m.get("id") for m in body.get("members") or [] if isinstance(m, dict)}
        if members & self.blocked:
            details = (
                '{"subCode": "MessageWritesBlocked", "details": "Thread is blocked from message writes."}'
            )
            return web.json_response({"errorCode": 209, "message": details}, status=403)
        channel = (body.get("channelData") or {}).get("channel", {}).get("id")
        activity_id = str(next(self._ids))
        conversation = f"{channel};messageid={activity_id}" if channel else f"a:personal-{activity_id}"
        return web.json_response({"id": conversation, "activityId": activity_id}, status=201)

    async def _activities(self, request: web.Request) -> web.Response:
        refused = await self._record(request, request.match_info["conversation"])
        return refused or web.json_response({"id": str(next(self._ids))}, status=201)

    async def _activity(self, request: web.Request) -> web.Response:
        refused = await self._record(request, request.match_info["conversation"])
        if refused:
            return refused
        if request.method == "DELETE":
            return web.Response(status=200)
        return web.json_response(
            {"id": request.match_info["activity"] if request.method == "PUT" else str(next(self._ids))}
        )

    async def _members(self, _request: web.Request) -> web.Response:
        return web.json_response(self.members)

    async def _member(self, request: web.Request) -> web.Response:
        wanted = unquote(request.match_info["member"])
        for member in self.members:
            if wanted in (member.get("id"), member.get("aadObjectId")):
                return web.json_response(member)
        return web.json_response(
            {"error": {"code": "MemberNotFoundInConversation", "message": wanted}}, status=404
        )

    async def _paged_members(self, request: web.Request) -> web.Response:
        if self.roster_status != 200:
            error = {"error": {"code": "Forbidden", "message": "scripted"}}
            return web.json_response(error, status=self.roster_status)
        start = int(request.query.get("continuationToken") or 0)
        page = self.members[start : start + self.page_size]
        token = str(start + self.page_size) if start + self.page_size < len(self.members) else None
        return web.json_response({"members": page, "continuationToken": token})

    async def _team(self, request: web.Request) -> web.Response:
        team = request.match_info["team"]
        return web.json_response(
            {"id": unquote(team), "name": "Vertaansa vailla", "aadGroupId": "team-aad-1"}
        )
