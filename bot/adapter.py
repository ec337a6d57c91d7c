"""CloudAdapter, mended where botbuilder 4.17.1 falls short (shared/facts.md, traps 1 and 5).

- The request is parsed and checked here: malformed or too deeply nested JSON is 400, a wrong content type
  415, an activity whose parts are not what Teams sends 400 (bot/shape.py), all before authentication.
- Every authentication failure is 401 and the bot sends nothing (stock answers 500 for several).
- Invoke responses are serialised once (stock serialises twice, so every card action reply was a 500).
- Connector clients are cached per (app id, serviceUrl, audience) and write through aiohttp; the user token
  client is built once per app id (stock builds both for every activity).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import requests
from aiohttp import web
from botbuilder.core import Bot, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)

from bot.connector import ConnectorPool
from bot.credentials import credentials_factory
from bot.logs import current_turn
from bot.settings import Settings
from bot.shape import MAX_DEPTH, Malformed, check_activity, depth_exceeds
from bot.teams import tenant_of
from bot.turn_log import describe
from bot.wire import activity_of, dumps

log = logging.getLogger(__name__)


class RequestRejected(Exception):
    """The request is not an activity the bot will process; `status` says why (400, 401, 415)."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason
        super().__init__(f"{status} {reason}")


class NotTeams(RequestRejected):
    """A valid token, but from a Bot Framework channel other than Teams: refused, except that a message from
    Web Chat (the Azure portal's "Test in Web Chat", where people meet this) gets one answer saying where the
    bot works."""

    def __init__(self, reason: str, auth: AuthenticateRequestResult) -> None:
        super().__init__(403, reason)
        self.auth = auth


class _PooledConnectorFactory(ConnectorFactory):
    def __init__(self, inner: ConnectorFactory, app_id: str, pool: ConnectorPool) -> None:
        self._inner = inner
        self._app_id = app_id
        self._pool = pool

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        key = (self._app_id, service_url, audience or "")
        return await self._pool.get(key, lambda: self._inner.create(service_url, audience))


def _app_id_of(claims: ClaimsIdentity | None) -> str:
    claims_map = (claims.claims if claims else None) or {}
    return str(claims_map.get(AuthenticationConstants.AUDIENCE_CLAIM) or "")


class PooledAuthentication(BotFrameworkAuthentication):
    """botbuilder's authentication, handing out pooled connectors and one token client per app id."""

    def __init__(self, inner: BotFrameworkAuthentication, pool: ConnectorPool) -> None:
        self._inner = inner
        self._pool = pool
        self._token_clients: dict[str, UserTokenClient] = {}

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        result = await self._inner.authenticate_request(activity, auth_header)
        if result.connector_factory:
            app_id = _app_id_of(result.claims_identity)
            result.connector_factory = _PooledConnectorFactory(result.connector_factory, app_id, self._pool)
        return result

    async def authenticate_streaming_request(self, auth_header: str, channel_id_header: str):
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        inner = self._inner.create_connector_factory(claims_identity)
        return _PooledConnectorFactory(inner, _app_id_of(claims_identity), self._pool)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        app_id = _app_id_of(claims_identity)
        client = self._token_clients.get(app_id)
        if client is None:
            client = await self._inner.create_user_token_client(claims_identity)
            self._token_clients[app_id] = client
        return client

    def create_bot_framework_client(self):
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)


@dataclass(frozen=True)
class Outcome:
    """What `TeamsAdapter.handle` did with a request, for metrics and logs."""

    activity_type: str
    status: int


_LONE_SURROGATE = re.compile(rb"\\u[dD][89abAB]")


def parse_activity(content_type: str, raw: bytes) -> Activity:
    """The activity in a request body, or RequestRejected with the HTTP status to answer.

    Runs before authentication, so nothing here may fail on what an anonymous client sends: JSON nested
    past Python's recursion limit is a 400 like any other malformed body, and so is an activity whose parts
    are not what Teams sends (bot/shape.py)."""
    if "application/json" not in content_type:
        raise RequestRejected(415, "expected application/json")
    try:
        body = json.loads(raw)
    except RecursionError:
        raise RequestRejected(400, "body is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise RequestRejected(400, "body is not JSON") from error
    if not isinstance(body, dict):
        raise RequestRejected(400, "body is not a JSON object")
    if depth_exceeds(body):
        raise RequestRejected(400, f"body is nested deeper than {MAX_DEPTH} levels")
    if (b"\\u0000" in raw and _has_nul(body)) or (_LONE_SURROGATE.search(raw) and not _encodable(body)):
        raise RequestRejected(400, "body has characters that are not text (NUL or a lone surrogate)")
    try:
        check_activity(body)
    except Malformed as error:
        raise RequestRejected(400, str(error)) from None
    try:
        activity = activity_of(body)
    except Exception as error:  # msrest raises its own DeserializationError family
        raise RequestRejected(400, "body is not an activity") from error
    return activity


def _has_nul(document: Any) -> bool:
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                return True
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _encodable(body: dict[str, Any]) -> bool:
    try:
        json.dumps(body, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return False
    return True


def _looks_like_bearer_jwt(header: str) -> bool:
    scheme, _, token = header.partition(" ")
    return scheme.lower() == "bearer" and token.count(".") == 2


class TeamsAdapter(CloudAdapter):
    def __init__(self, settings: Settings, pool: ConnectorPool) -> None:
        self._credentials = credentials_factory(settings)  # None: botbuilder's own (a password, or none)
        inner = ConfigurationBotFrameworkAuthentication(
            settings.botbuilder_configuration(), credentials_factory=self._credentials
        )
        super().__init__(PooledAuthentication(inner, pool))
        self._anonymous = settings.anonymous
        # The answer to a message from another channel, by locale; None: refused with 403 like the rest.
        self.teams_only_text: Callable[[str | None], str] | None = None
        self._tenant = settings.app_tenant_id if settings.app_type == "SingleTenant" else ""

    def close(self) -> None:
        """Close the HTTP sessions of the bot's own token (a certificate or managed identity)."""
        if self._credentials is not None:
            self._credentials.close()

    async def _authenticate(self, activity: Activity, header: str) -> AuthenticateRequestResult:
        if not self._anonymous and not _looks_like_bearer_jwt(header):
            # Stock botbuilder crashes (500) on a missing header and goes online for an undecodable one.
            raise RequestRejected(401, "missing or malformed bearer token")
        try:
            result = await self.bot_framework_authentication.authenticate_request(activity, header)
        except (requests.RequestException, ConnectionError, TimeoutError) as error:
            # The token could not be checked (OpenID metadata unreachable): Teams may redeliver a 503.
            raise RequestRejected(503, f"could not validate the token: {type(error).__name__}") from error
        except Exception as error:  # botbuilder signals bad tokens with many unrelated exception types
            raise RequestRejected(401, f"authentication failed: {type(error).__name__}") from error
        self._check_origin(activity, result)
        return result

    def _check_origin(self, activity: Activity, auth: AuthenticateRequestResult) -> None:
        """Roles rest on `from.aadObjectId`, which only Teams vouches for: other Bot Framework channels (Web
        Chat, Direct Line) let the client choose it, and other tenants are not the project's."""
        if activity.channel_id != "msteams":
            raise NotTeams(f"channel {activity.channel_id!r} is not Microsoft Teams", auth)
        if self._tenant and tenant_of(activity) != self._tenant:
            raise RequestRejected(403, "activity from another tenant")

    async def handle(
        self, request: web.Request, logic: Callable[[TurnContext], Awaitable[None]] | Bot
    ) -> tuple[web.Response, Outcome]:
        """Processes one POST /api/messages request end to end; never lets botbuilder answer for itself."""
        on_turn = logic.on_turn if isinstance(logic, Bot) else logic
        try:
            activity = parse_activity(request.headers.get("Content-Type", ""), await request.read())
            if (turn := current_turn()) is not None:
                describe(turn, activity)  # from here on, log lines carry the activity's ids
            auth = await self._authenticate(activity, request.headers.get("Authorization", ""))
        except NotTeams as elsewhere:
            if activity.channel_id == "webchat" and activity.type == "message" and self.teams_only_text:
                return await self._answer_teams_only(elsewhere.auth, activity, self.teams_only_text)
            log.info("request rejected: %s", elsewhere)
            return web.json_response({"error": elsewhere.reason}, status=403), Outcome("-", 403)
        except RequestRejected as rejected:
            log.info("request rejected: %s", rejected)
            return web.json_response({"error": rejected.reason}, status=rejected.status), Outcome(
                "-", rejected.status
            )
        invoke_response = await self.process_activity(auth, activity, on_turn)
        if invoke_response is None:
            return web.Response(status=200), Outcome(activity.type, 200)
        body = _plain(invoke_response.body)
        status = int(invoke_response.status)
        if body is None:
            return web.Response(status=status), Outcome(activity.type, status)
        return web.Response(body=dumps(body), status=status, content_type="application/json"), Outcome(
            activity.type, status
        )

    async def _answer_teams_only(
        self, auth: AuthenticateRequestResult, activity: Activity, text: Callable[[str | None], str]
    ) -> tuple[web.Response, Outcome]:
        """One reply, "this bot works in Teams", and nothing else: no feature runs for another channel."""
        log.info("message from channel %r answered: the bot works in Teams only", activity.channel_id)

        async def reply(turn_context: TurnContext) -> None:
            await turn_context.send_activity(text(activity.locale))

        await self.process_activity(auth, activity, reply)
        return web.Response(status=200), Outcome(activity.type, 200)


def _plain(body: Any) -> Any:
    if body is None or isinstance(body, dict | list | str | int | float | bool):
        return body
    if hasattr(body, "serialize"):
        return body.serialize()
    if hasattr(body, "model_dump"):
        return body.model_dump(mode="json", exclude_none=True)
    raise TypeError(f"cannot serialise invoke body of type {type(body).__name__}")
