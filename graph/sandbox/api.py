"""The Graph endpoints the sandbox serves, as a transport-free dispatcher (also used for `$batch` items).

Paths arrive as sent (percent-encoded); each handler returns a `Reply`. Errors use Graph's body shape
`{"error": {"code", "message"}}`. Injected faults are answered before any handler runs, then a call
none of whose documented permissions is granted gets Graph's 403 (`access.py`).

Endpoints come in groups, one module each (`teams_api`, `items_api`, ...): a group is a class built from the
`State` whose `routes()` lists what it serves. To add endpoints (chats, say), write such a class in its own
module and add it to `ENDPOINTS`, or call `GraphApi.add` on a running sandbox's `api`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol
from urllib.parse import unquote

from graph.sandbox.access import refusal
from graph.sandbox.chats_api import ChatsApi
from graph.sandbox.directory_api import DirectoryApi
from graph.sandbox.http import Handler, Reply, Request, Route, app_author, error
from graph.sandbox.items_api import ItemsApi
from graph.sandbox.state import State
from graph.sandbox.teams_api import TeamsApi

__all__ = ["ENDPOINTS", "Endpoints", "GraphApi", "Handler", "Route"]


class Endpoints(Protocol):
    def routes(self) -> Sequence[Route]: ...


ENDPOINTS: tuple[Callable[[State], Endpoints], ...] = (TeamsApi, ItemsApi, ChatsApi, DirectoryApi)


class GraphApi:
    def __init__(self, state: State, groups: Sequence[Callable[[State], Endpoints]] = ENDPOINTS) -> None:
        self.state = state
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        for group in groups:
            for route in group(state).routes():
                self.add(route.method, route.pattern, route.handler)

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        """Serve `METHOD pattern` with `handler(request, *groups)`; earlier routes win."""
        self._routes.append((method.upper(), re.compile(pattern), handler))

    def app_author(self) -> dict[str, Any]:
        return app_author(self.state.client_id)

    async def dispatch(self, request: Request) -> Reply:
        fault = self.state.take_fault(request.method, unquote(request.path))
        if fault is not None and not fault.after:
            return fault.reply()
        refused = refusal(request.method, request.path, self.state.switches.granted())
        if refused is not None:
            return refused
        try:
            reply = await self._route(request)
        except ValueError:  # a path with "." or ".." segments
            reply = error(400, "invalidRequest", "The path is not valid")
        return fault.reply() if fault is not None else reply

    async def _route(self, request: Request) -> Reply:
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(request.path)
            if match and method == request.method:
                return await handler(request, *(unquote(g) for g in match.groups()))
        return error(400, "BadRequest", f"Unsupported request {request.method} {unquote(request.path)}")
