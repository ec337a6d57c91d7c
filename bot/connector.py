"""Sending to the Bot Connector over the service's own aiohttp session.

botbuilder's msrest `ConnectorClient` builds retry policies per client and sends every request with blocking
`requests` in a thread pool. The hot operations (send, reply, update, delete, create conversation) go through
`aiohttp` here; everything else (members, team details) falls through to the cached msrest client.

A pooled keep-alive connection can be dead when it is reused: the server (or a load balancer) dropped it
while it was idle and the request meets a reset or a close before any answer (seen with the Agents
Playground). Such a send is tried once more on a fresh connection (`_may_resend`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

import aiohttp
from botbuilder.schema import Activity, ConversationParameters, ConversationResourceResponse, ResourceResponse
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import AppCredentials

from bot.wire import dumps, json_of
from core.retry import Backoff, Retry, parse_retry_after, with_retries

log = logging.getLogger(__name__)

# 502/504 may hide a message that was stored: retrying a reply could post it twice (the outbox, which
# records what it sent, retries those itself).
RETRYABLE = frozenset({412, 429, 503})
REPLY_BACKOFF = Backoff(retries=2, base=0.4, cap=10.0, retry_after_cap=10.0)
TOKEN_TTL_SECONDS = 20 * 60


class ConnectorError(Exception):
    """A non-success answer from the Bot Connector: `status`, the server's `code`, and any `Retry-After`."""

    def __init__(self, status: int, code: str, message: str, retry_after: float | None = None) -> None:
        self.status = status
        self.code = code
        self.retry_after = retry_after
        super().__init__(f"Bot Connector answered {status} {code}: {message}")


def activity_json(activity: Activity) -> dict[str, Any]:
    """The wire form of an activity (bot/wire.py). Cards are JSON already, so they are set aside during
    serialisation and put back as they are (msrest, where it is used, would walk them key by key)."""
    attachments = activity.attachments or []
    contents = [attachment.content for attachment in attachments]
    try:
        for attachment in attachments:
            attachment.content = None
        data = json_of(activity)
    finally:
        for attachment, content in zip(attachments, contents, strict=True):
            attachment.content = content
    for wire, content in zip(data.get("attachments") or [], contents, strict=True):
        if content is not None:
            wire["content"] = content
    return data


def _retryable(error: BaseException) -> Retry | None:
    if isinstance(error, ConnectorError) and error.status in RETRYABLE:
        return Retry(error.retry_after)
    return None


class _Token:
    """The bot's outbound token, fetched through msal in a thread and reused until it ages."""

    def __init__(self, credentials: AppCredentials | None) -> None:
        self._credentials = credentials
        self._value: str | None = None
        self._fetched = 0.0
        self._lock = asyncio.Lock()

    @property
    def needed(self) -> bool:
        return bool(self._credentials and self._credentials._should_set_token(None))

    async def header(self) -> dict[str, str]:
        if not self.needed:
            return {}
        async with self._lock:
            if self._value is None or time.monotonic() - self._fetched > TOKEN_TTL_SECONDS:
                assert self._credentials is not None
                self._value = await asyncio.to_thread(self._credentials.get_access_token)
                self._fetched = time.monotonic()
        return {"Authorization": f"Bearer {self._value}"}


@dataclass
class _Attempt:
    """What the session's trace (`reuse_trace`) tells about one request: whether it went out on a pooled
    connection."""

    reused: bool = False


def reuse_trace() -> aiohttp.TraceConfig:
    """Pass to the connector session's `trace_configs`: marks a request sent on a reused connection, which
    `_may_resend` needs to tell a dead pooled connection from a server that failed mid-request."""
    trace = aiohttp.TraceConfig()

    async def reused(_session: aiohttp.ClientSession, context: Any, _params: Any) -> None:
        attempt = getattr(context, "trace_request_ctx", None)
        if isinstance(attempt, _Attempt):
            attempt.reused = True

    trace.on_connection_reuseconn.append(reused)
    return trace


IDEMPOTENT = frozenset({"PUT", "DELETE"})  # an update or delete sent twice leaves what one leaves


def _may_resend(method: str, error: aiohttp.ClientError, attempt: _Attempt) -> bool:
    """Whether a request that failed before any answer may go again on a fresh connection: when it cannot
    have been processed (no connection was made; a reused keep-alive connection the server had dropped
    while idle, which is reset or closed when the next request arrives, before the server reads it) or
    when sending it twice does no harm (update, delete). A timeout, a TLS failure, or a disconnect on a
    fresh connection during a POST may mean the message was posted: not resent."""
    if isinstance(error, TimeoutError | aiohttp.ClientSSLError | aiohttp.ClientConnectorCertificateError):
        return False
    if isinstance(error, aiohttp.ClientConnectorError):
        return True
    if not isinstance(error, aiohttp.ServerDisconnectedError | aiohttp.ClientOSError | ConnectionResetError):
        return False
    return method in IDEMPOTENT or attempt.reused


class _Conversations:
    def __init__(self, inner: Any, session: aiohttp.ClientSession, base_url: str, token: _Token) -> None:
        self._inner = inner
        self._session = session
        self._base = base_url.rstrip("/") + "/v3/conversations"
        self._token = token

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def _call(self, method: str, path: str, body: Any | None = None, attempts: int = 3) -> dict:
        url = self._base + path
        payload = None if body is None else dumps(body)  # encoded once, whatever the retries

        async def once() -> dict:
            headers = await self._token.header()
            if payload is not None:
                headers = {**headers, "Content-Type": "application/json"}
            response = await self._open(method, url, payload, headers)
            async with response:
                if response.status < 300:
                    if response.content_length == 0 or response.status == 204:
                        return {}
                    data = await response.json(content_type=None)
                    return data if isinstance(data, dict) else {}
                raise await _error_of(response)

        policy = replace(REPLY_BACKOFF, retries=attempts - 1)
        return await with_retries(once, policy=policy, retry_on=_retryable, what=f"Bot Connector {method}")

    async def _open(
        self, method: str, url: str, payload: bytes | None, headers: dict[str, str]
    ) -> aiohttp.ClientResponse:
        """The response (status and headers read), sent again once on a fresh connection when the first
        try failed in a way `_may_resend` allows."""
        attempt = _Attempt()
        try:
            return await self._session.request(
                method, url, data=payload, headers=headers, trace_request_ctx=attempt
            )
        except aiohttp.ClientError as error:
            if not _may_resend(method, error, attempt):
                raise
            log.info(
                "Bot Connector %s: %r on a %s connection, sent again on a fresh one",
                method,
                error,
                "reused" if attempt.reused else "new",
            )
        fresh = aiohttp.ClientSession(
            timeout=self._session.timeout, connector=aiohttp.TCPConnector(force_close=True)
        )
        try:
            response = await fresh.request(method, url, data=payload, headers=headers)
            await response.read()  # the fresh session closes below; the answer is small
        finally:
            await fresh.close()
        return response

    async def send_to_conversation(
        self, conversation_id: str, activity: Activity, attempts: int = 3, **_: Any
    ) -> ResourceResponse:
        path = f"/{quote(conversation_id, safe='')}/activities"
        data = await self._call("POST", path, activity_json(activity), attempts=attempts)
        return ResourceResponse(id=data.get("id"))

    async def reply_to_activity(
        self, conversation_id: str, activity_id: str, activity: Activity, **_: Any
    ) -> ResourceResponse:
        path = f"/{quote(conversation_id, safe='')}/activities/{quote(activity_id, safe='')}"
        data = await self._call("POST", path, activity_json(activity))
        return ResourceResponse(id=data.get("id"))

    async def update_activity(
        self, conversation_id: str, activity_id: str, activity: Activity, attempts: int = 3, **_: Any
    ) -> ResourceResponse:
        path = f"/{quote(conversation_id, safe='')}/activities/{quote(activity_id, safe='')}"
        data = await self._call("PUT", path, activity_json(activity), attempts=attempts)
        return ResourceResponse(id=data.get("id") or activity_id)

    async def delete_activity(self, conversation_id: str, activity_id: str, **_: Any) -> None:
        await self._call(
            "DELETE", f"/{quote(conversation_id, safe='')}/activities/{quote(activity_id, safe='')}"
        )

    async def create_conversation(
        self, parameters: ConversationParameters, attempts: int = 3, **_: Any
    ) -> ConversationResourceResponse:
        data = await self._call("POST", "", parameters.serialize(), attempts=attempts)
        return ConversationResourceResponse(
            id=data.get("id"), activity_id=data.get("activityId"), service_url=data.get("serviceUrl")
        )


async def _error_of(response: aiohttp.ClientResponse) -> ConnectorError:
    code, message = "", response.reason or ""
    try:
        data = await response.json(content_type=None)
        error = data.get("error", {}) if isinstance(data, dict) else {}
        code, message = str(error.get("code", "")), str(error.get("message", message))
    except (ValueError, aiohttp.ContentTypeError):
        pass
    return ConnectorError(
        response.status, code, message, parse_retry_after(response.headers.get("Retry-After"))
    )


class FastConnectorClient:
    """A msrest ConnectorClient whose conversation writes go through aiohttp."""

    def __init__(self, inner: ConnectorClient, session: aiohttp.ClientSession, service_url: str) -> None:
        self._inner = inner
        self.conversations = _Conversations(
            inner.conversations, session, service_url, _Token(inner.config.credentials)
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class ConnectorPool:
    """Connector clients reused per (app id, serviceUrl, audience), at most `size` of them."""

    def __init__(self, session: Callable[[], aiohttp.ClientSession], size: int = 64) -> None:
        self._session = session
        self._size = size
        self._clients: OrderedDict[tuple[str, str, str], FastConnectorClient] = OrderedDict()

    async def get(
        self, key: tuple[str, str, str], build: Callable[[], Awaitable[ConnectorClient]]
    ) -> FastConnectorClient:
        client = self._clients.get(key)
        if client is None:
            client = FastConnectorClient(await build(), self._session(), key[1])
            self._clients[key] = client
            if len(self._clients) > self._size:
                self._clients.popitem(last=False)
        else:
            self._clients.move_to_end(key)
        return client
