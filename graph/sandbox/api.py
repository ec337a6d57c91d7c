"""The Graph endpoints the bot uses, as a transport-free dispatcher (also used for `$batch` items).

Paths arrive as sent (percent-encoded); each handler returns a `Reply`. Errors use Graph's body shape
`{"error": {"code", "message"}}`.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode

from graph.names import channel_name_violation, file_name_violation
from graph.sandbox.drive import Drive, item_path
from graph.sandbox.state import GUID, State, Team, UploadSession

NOT_READY = "Folder location for this channel is not ready yet, please try again later."
APP_AUTHOR_NAME = "Vertaisbotti (sandbox app)"


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def error(status: int, code: str, message: str, **headers: str) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message}}, headers)


@dataclass
class Request:
    method: str
    path: str
    query: Mapping[str, str]
    body: bytes = b""

    def json(self) -> dict[str, Any]:
        try:
            data = json.loads(self.body or b"{}")
        except ValueError:
            data = None
        return data if isinstance(data, dict) else {}


ITEM_REST = re.compile(
    r"(?P<id>[^:/]+)(?::/(?P<path>[^:]*):?)?"
    r"(?:/(?P<action>children|content|createUploadSession|search\(q='(?P<q>.*)'\)))?",
    re.S,
)


class GraphApi:
    def __init__(self, state: State) -> None:
        self.state = state
        self.routes = [
            ("GET", r"/teams/([^/]+)/channels", self.list_channels),
            ("POST", r"/teams/([^/]+)/channels", self.create_channel),
            ("GET", r"/teams/([^/]+)/channels/([^/]+)", self.get_channel),
            ("DELETE", r"/teams/([^/]+)/channels/([^/]+)", self.delete_channel),
            ("GET", r"/teams/([^/]+)/channels/([^/]+)/filesFolder", self.files_folder),
            ("GET", r"/teams/([^/]+)/members", self.list_members),
            ("POST", r"/teams/([^/]+)/members", self.add_member),
            ("GET", r"/drives/([^/]+)/items/(.+)", self.item),
            ("POST", r"/drives/([^/]+)/items/(.+)", self.item),
            ("PUT", r"/drives/([^/]+)/items/(.+)", self.item),
        ]

    @property
    def graph_root(self) -> str:
        return f"{self.state.web_root}/v1.0"

    async def dispatch(self, request: Request) -> Reply:
        fault = self.state.take_fault(request.method, unquote(request.path))
        if fault is not None:
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            codes = {429: "TooManyRequests", 503: "serviceNotAvailable", 404: "itemNotFound"}
            return error(fault.status, codes.get(fault.status, "generalException"), "injected", **headers)
        for method, pattern, handler in self.routes:
            match = re.fullmatch(pattern, request.path)
            if match and method == request.method:
                return await handler(request, *(unquote(g) for g in match.groups()))
        return error(400, "BadRequest", f"Unsupported request {request.method} {unquote(request.path)}")

    # -- teams and channels -------------------------------------------------------------------------

    def _team(self, team_id: str) -> Team | Reply:
        team = self.state.teams.get(team_id)
        return team if team else error(404, "NotFound", f"No team found with Group Id {team_id}")

    async def list_channels(self, request: Request, team_id: str) -> Reply:
        team = self._team(team_id)
        if isinstance(team, Reply):
            return team
        return Reply(200, {"value": [c.resource(self.state.web_root) for c in team.live_channels()]})

    async def create_channel(self, request: Request, team_id: str) -> Reply:
        team = self._team(team_id)
        if isinstance(team, Reply):
            return team
        body = request.json()
        name = body.get("displayName")
        if not isinstance(name, str) or channel_name_violation(name):
            return error(400, "BadRequest", f"Channel name is invalid: {channel_name_violation(str(name))}")
        if any(c.name.lower() == name.lower() for c in team.live_channels()):
            return error(400, "BadRequest", "Channel name already existed, please use other name")
        if len(team.channels) >= self.state.switches.channel_limit:
            return error(403, "Forbidden", "This team has exceeded the Max allowed channels")
        channel = self.state.add_channel(team, name, body.get("description"))
        return Reply(201, channel.resource(self.state.web_root))

    async def get_channel(self, request: Request, team_id: str, channel_id: str) -> Reply:
        team = self._team(team_id)
        if isinstance(team, Reply):
            return team
        channel = team.channel(channel_id)
        if channel is None:
            return error(404, "NotFound", "Channel not found")
        return Reply(200, channel.resource(self.state.web_root))

    async def delete_channel(self, request: Request, team_id: str, channel_id: str) -> Reply:
        team = self._team(team_id)
        if isinstance(team, Reply):
            return team
        channel = team.channel(channel_id)
        if channel is None:
            return error(404, "NotFound", "Channel not found")
        channel.deleted = True
        self.state.save()
        return Reply(204)

    async def files_folder(self, request: Request, team_id: str, channel_id: str) -> Reply:
        team = self._team(team_id)
        if isinstance(team, Reply):
            return team
        channel = team.channel(channel_id)
        if channel is None:
            return error(404, "NotFound", "Channel not found")
        if not self.state.folder_ready(channel):
            return error(404, "NotFound", NOT_READY)
        team.drive.make_folder(channel.name)
        return Reply(200, team.drive.item(channel.name, self.app_author()))

    async def list_members(self, request: Request, team_id: str) -> Reply:
        team = self._team(team_id)
        if isinstance(team, Reply):
            return team
        return Reply(200, {"value": list(team.members.values())})

    async def add_member(self, request: Request, team_id: str) -> Reply:
        team = self._team(team_id)
        if isinstance(team, Reply):
            return team
        body = request.json()
        bind = str(body.get("user@odata.bind", ""))
        found = re.search(r"users\('([^']*)'\)$", bind)
        if body.get("@odata.type") != "#microsoft.graph.aadUserConversationMember" or not found:
            return error(400, "BadRequest", "Expected an aadUserConversationMember with user@odata.bind")
        user_id = found.group(1)
        if not GUID.fullmatch(user_id):
            return error(404, "NotFound", f"User {user_id} was not found")
        known = user_id in team.members
        member = team.members.setdefault(
            user_id,
            {
                "@odata.type": "#microsoft.graph.aadUserConversationMember",
                "id": uuid.uuid4().hex,
                "roles": list(body.get("roles") or []),
                "userId": user_id,
                "displayName": f"User {user_id[:8]}",
            },
        )
        if not known:
            self.state.save()
        return Reply(201, member)

    # -- drive items --------------------------------------------------------------------------------

    def app_author(self) -> dict[str, Any]:
        return {"application": {"id": self.state.client_id, "displayName": APP_AUTHOR_NAME}}

    async def item(self, request: Request, drive_id: str, rest: str) -> Reply:
        drive = self.state.drive(drive_id)
        if drive is None:
            return error(404, "itemNotFound", "The drive does not exist")
        parsed = ITEM_REST.fullmatch(rest)
        if parsed is None:
            return error(400, "invalidRequest", "Malformed item path (a name may not contain ':')")
        base = item_path(parsed.group("id"))
        if base is None or not drive.exists(base):
            return error(404, "itemNotFound", "The resource could not be found.")
        relative = (parsed.group("path") or "").strip("/")
        path = f"{base}/{relative}" if base and relative else base or relative
        action = parsed.group("action") or ""
        if request.method == "GET" and not action:
            if not drive.exists(path):
                return error(404, "itemNotFound", "The resource could not be found.")
            return Reply(200, drive.item(path, self.app_author()))
        if request.method == "GET" and action == "children":
            return self.page(request, drive, path, drive.children(path) if drive.is_folder(path) else None)
        if request.method == "GET" and action.startswith("search"):
            return self.search(request, drive, path, (parsed.group("q") or "").replace("''", "'"))
        if request.method == "POST" and action == "children":
            return self.create_folder(request, drive, path)
        if request.method == "PUT" and action == "content":
            return self.put_content(request, drive, path)
        if request.method == "POST" and action == "createUploadSession":
            return self.create_session(request, drive, path)
        return error(400, "invalidRequest", f"Unsupported item request {request.method} {action}")

    def page(self, request: Request, drive: Drive, path: str, items: list[str] | None) -> Reply:
        if items is None:
            return error(404, "itemNotFound", "The resource could not be found.")
        try:
            start = int(request.query.get("$skiptoken", "0"))
            size = min(int(request.query.get("$top", self.state.switches.page_size)), 999)
        except ValueError:
            return error(400, "invalidRequest", "Invalid paging parameters")
        body: dict[str, Any] = {
            "value": [drive.item(p, self.app_author()) for p in items[start : start + size]]
        }
        if start + size < len(items):
            query = dict(request.query) | {"$skiptoken": str(start + size), "$top": str(size)}
            body["@odata.nextLink"] = f"{self.graph_root}{request.path}?{urlencode(query)}"
        return Reply(200, body)

    def search(self, request: Request, drive: Drive, path: str, q: str) -> Reply:
        if not drive.is_folder(path):
            return error(404, "itemNotFound", "The resource could not be found.")
        words = q.lower().split()
        hits = [p for p in drive.walk(path) if all(w in p.rpartition("/")[2].lower() for w in words)]
        return self.page(request, drive, path, hits)

    def create_folder(self, request: Request, drive: Drive, parent: str) -> Reply:
        body = request.json()
        name = body.get("name")
        conflict = body.get("@microsoft.graph.conflictBehavior", "fail")
        if "folder" not in body or not isinstance(name, str):
            return error(400, "invalidRequest", "A folder needs a name and a folder facet")
        problem = file_name_violation(name, at_root=not parent)
        if problem:
            return error(400, "invalidRequest", f"The name {name!r} is not valid: {problem}")
        path = f"{parent}/{name}" if parent else name
        if drive.exists(path):
            if conflict == "fail":
                return error(409, "nameAlreadyExists", "An item with the same name already exists")
            if conflict == "rename":
                path = drive.free_name(path)
        drive.make_folder(path)
        return Reply(201, drive.item(path, self.app_author()))

    def _target(self, drive: Drive, path: str) -> Reply | None:
        parent, _, _name = path.rpartition("/")
        for depth, part in enumerate(path.split("/")):
            problem = file_name_violation(part, at_root=depth == 0)
            if problem:
                return error(400, "invalidRequest", f"The name {part!r} is not valid: {problem}")
        if parent and drive.exists(parent) and not drive.is_folder(parent):
            return error(409, "nameAlreadyExists", "A file is in the way of the folder path")
        return None

    def put_content(self, request: Request, drive: Drive, path: str) -> Reply:
        bad = self._target(drive, path)
        if bad:
            return bad
        if len(request.body) > self.state.switches.simple_upload_limit:
            return error(413, "requestTooLarge", "Simple upload is limited to 250 MB; use an upload session")
        conflict = request.query.get("@microsoft.graph.conflictBehavior", "replace")
        if drive.exists(path) and conflict == "fail":
            return error(409, "nameAlreadyExists", "The specified item name already exists.")
        created = not drive.exists(path)
        if conflict == "rename":
            path = drive.free_name(path)
            created = True
        part = self.state.root / "uploads" / f"{uuid.uuid4().hex}.part"
        part.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(request.body)
        drive.store(path, part, self.app_author())
        return Reply(201 if created else 200, drive.item(path, self.app_author()))

    def create_session(self, request: Request, drive: Drive, path: str) -> Reply:
        bad = self._target(drive, path)
        if bad:
            return bad
        item = request.json().get("item") or {}
        conflict = item.get("@microsoft.graph.conflictBehavior", "replace")
        if conflict not in ("fail", "replace", "rename"):
            return error(400, "invalidRequest", f"Unknown conflictBehavior {conflict!r}")
        session_id = uuid.uuid4().hex
        part = self.state.root / "uploads" / f"{session_id}.part"
        part.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(b"")
        session = UploadSession(session_id, drive, path, conflict, part)
        self.state.sessions[session_id] = session
        return Reply(
            200,
            {
                "uploadUrl": f"{self.state.web_root}/upload/{session_id}?tempauth={uuid.uuid4().hex}",
                "expirationDateTime": _iso(session.expires),
                "nextExpectedRanges": ["0-"],
            },
        )


def _iso(epoch: float) -> str:
    return (datetime.fromtimestamp(epoch, UTC) + timedelta()).isoformat().replace("+00:00", "Z")


def now_iso() -> str:
    return _iso(time.time())


def parse_query(raw: str) -> dict[str, str]:
    return dict(parse_qsl(raw, keep_blank_values=True))
