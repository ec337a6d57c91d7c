"""Sandbox Graph handlers for drive items: get, children and search (paged), folders, download (302 to the
file's unauthenticated link, as Graph redirects to a pre-authenticated URL), simple upload and upload-session
creation. Item paths may be `{id}` or `{id}:/a/b:` and arrive percent-encoded."""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import urlencode

from graph.names import file_name_violation
from graph.sandbox.drive import Drive, fold, item_path
from graph.sandbox.http import Reply, Request, app_author, error, iso
from graph.sandbox.state import State, UploadSession

ITEM_REST = re.compile(
    r"(?P<id>[^:/]+)(?::/(?P<path>[^:]*):?)?"
    r"(?:/(?P<action>children|content|createUploadSession|search\(q='(?P<q>.*)'\)))?",
    re.S,
)


class ItemsApi:
    def __init__(self, state: State) -> None:
        self.state = state

    @property
    def graph_root(self) -> str:
        return f"{self.state.web_root}/v1.0"

    def app_author(self) -> dict[str, Any]:
        return app_author(self.state.client_id)

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
            parent_path = self.state.switches.item_parent_paths
            return Reply(200, drive.item(path, self.app_author(), parent_path=parent_path))
        if request.method == "GET" and action == "content":
            if not drive.exists(path) or drive.is_folder(path):
                return error(404, "itemNotFound", "The resource could not be found.")
            return Reply(302, None, {"Location": drive.web_url(path)})
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

    def page(
        self,
        request: Request,
        drive: Drive,
        path: str,
        items: list[str] | None,
        *,
        parent_path: bool = True,
    ) -> Reply:
        if items is None:
            return error(404, "itemNotFound", "The resource could not be found.")
        try:
            start = int(request.query.get("$skiptoken", "0"))
            size = min(int(request.query.get("$top", self.state.switches.page_size)), 999)
        except ValueError:
            return error(400, "invalidRequest", "Invalid paging parameters")
        body: dict[str, Any] = {
            "value": [
                drive.item(p, self.app_author(), parent_path=parent_path) for p in items[start : start + size]
            ]
        }
        if start + size < len(items):
            query = dict(request.query) | {"$skiptoken": str(start + size), "$top": str(size)}
            body["@odata.nextLink"] = f"{self.graph_root}{request.path}?{urlencode(query)}"
        return Reply(200, body)

    def search(self, request: Request, drive: Drive, path: str, q: str) -> Reply:
        """Items below `path` whose name or text holds every word, as Graph's search: its results carry
        `parentReference.id` and `driveId` but no `parentReference.path`."""
        if not drive.is_folder(path):
            return error(404, "itemNotFound", "The resource could not be found.")
        words = fold(q).split()
        hits = [p for p in drive.walk(path) if drive.matches(p, words)]
        return self.page(request, drive, path, hits, parent_path=False)

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
                "expirationDateTime": iso(session.expires),
                "nextExpectedRanges": ["0-"],
            },
        )
