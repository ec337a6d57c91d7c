"""The Graph endpoints the bot uses, as a transport-free dispatcher (also used for `$batch` items).

Paths arrive as sent (percent-encoded); each handler returns a `Reply`. Errors use Graph's body shape
`{"error": {"code", "message"}}`. Injected faults are answered before any handler runs.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from graph.sandbox.http import Reply, Request, app_author, error
from graph.sandbox.items_api import ItemsApi
from graph.sandbox.state import State
from graph.sandbox.teams_api import TeamsApi


class GraphApi:
    def __init__(self, state: State) -> None:
        self.state = state
        teams, items = TeamsApi(state), ItemsApi(state)
        self.routes = [
            ("GET", r"/teams/([^/]+)/channels", teams.list_channels),
            ("POST", r"/teams/([^/]+)/channels", teams.create_channel),
            ("GET", r"/teams/([^/]+)/channels/([^/]+)", teams.get_channel),
            ("DELETE", r"/teams/([^/]+)/channels/([^/]+)", teams.delete_channel),
            ("GET", r"/teams/([^/]+)/channels/([^/]+)/filesFolder", teams.files_folder),
            ("GET", r"/teams/([^/]+)/members", teams.list_members),
            ("POST", r"/teams/([^/]+)/members", teams.add_member),
            ("GET", r"/drives/([^/]+)/items/(.+)", items.item),
            ("POST", r"/drives/([^/]+)/items/(.+)", items.item),
            ("PUT", r"/drives/([^/]+)/items/(.+)", items.item),
        ]

    def app_author(self) -> dict[str, Any]:
        return app_author(self.state.client_id)

    async def dispatch(self, request: Request) -> Reply:
        fault = self.state.take_fault(request.method, unquote(request.path))
        if fault is not None and not fault.after:
            return fault.reply()
        try:
            reply = await self._route(request)
        except ValueError:  # a path with "." or ".." segments
            reply = error(400, "invalidRequest", "The path is not valid")
        return fault.reply() if fault is not None else reply

    async def _route(self, request: Request) -> Reply:
        for method, pattern, handler in self.routes:
            match = re.fullmatch(pattern, request.path)
            if match and method == request.method:
                return await handler(request, *(unquote(g) for g in match.groups()))
        return error(400, "BadRequest", f"Unsupported request {request.method} {unquote(request.path)}")
