"""Sandbox Graph handlers for drive items: get, children and search (paged), folders, download (302 to the
file's unauthenticated link, as Graph redirects to a pre-authenticated URL), simple upload, upload-session
creation and delete. Item paths may be `{id}`, `{id}:/a/b:` or `root...` and arrive percent-encoded.

Search is SharePoint's, not a folder walk: whatever folder it is asked under, it answers from the whole
library (onedrive-api-docs#1265, docs-contrib#5338) and, with `search_other_drives`, from the other
libraries too (docs-contrib#90); it matches words and prefixes, not substrings; files an upload wrote less
than `index_lag` seconds ago are not found yet (onedrive-api-docs#1499)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from graph.names import file_name_violation
from graph.sandbox.drive import Drive, item_path, words_of
from graph.sandbox.http import Reply, Request, Route, app_author, error, iso
from graph.sandbox.state import State, UploadSession

ITEM_REST = re.compile(
    r"(?P<id>[^:/]+)(?::/(?P<path>[^:]*):?)?"
    r"(?:/(?P<action>children|content|createUploadSession|search\(q='(?P<q>.*)'\)))?",
    re.S,
)


class ItemsApi:
    def __init__(self, state: State) -> None:
        self.state = state

    def routes(self) -> Sequence[Route]:
        return [
            *(Route(m, r"/drives/([^/]+)/items/(.+)", self.item) for m in ("GET", "POST", "PUT", "DELETE")),
            *(Route(m, r"/drives/([^/]+)/(root(?:[:/].*)?)", self.item) for m in ("GET", "POST", "PUT")),
        ]

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
            reference = "full" if self.state.switches.item_parent_paths else "id"
            return Reply(200, drive.item(path, self.app_author(), reference=reference))
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
        if request.method == "DELETE" and not action:
            return self.delete(drive, path)
        return error(400, "invalidRequest", f"Unsupported item request {request.method} {action}")

    def page(
        self,
        request: Request,
        drive: Drive,
        path: str,
        items: list[tuple[Drive, str]] | list[str] | None,
        *,
        reference: str = "full",
    ) -> Reply:
        if items is None:
            return error(404, "itemNotFound", "The resource could not be found.")
        try:
            start = int(request.query.get("$skiptoken", "0"))
            size = min(int(request.query.get("$top", self.state.switches.page_size)), 999)
        except ValueError:
            return error(400, "invalidRequest", "Invalid paging parameters")
        pairs = [(drive, p) if isinstance(p, str) else p for p in items]
        body: dict[str, Any] = {
            "value": [
                d.item(p, self.app_author(), reference=reference) for d, p in pairs[start : start + size]
            ]
        }
        if start + size < len(items):
            query = dict(request.query) | {"$skiptoken": str(start + size), "$top": str(size)}
            body["@odata.nextLink"] = f"{self.graph_root}{request.path}?{urlencode(query)}"
        return Reply(200, body)

    def search(self, request: Request, drive: Drive, path: str, q: str) -> Reply:
        """Items matching every word of `q`, as SharePoint's search answers: from the whole library whatever
        folder was named (and other libraries with `search_other_drives`), newest uploads missing for
        `index_lag` seconds; results carry `parentReference.id` and `driveId` but no `path`."""
        if not drive.exists(path) or not drive.is_folder(path):
            return error(404, "itemNotFound", "The resource could not be found.")
        words = words_of(q)
        switches = self.state.switches
        drives = [drive] + (
            [d for d in self.state.drives() if d is not drive] if switches.search_other_drives else []
        )
        hits = [
            (d, p)
            for d in drives
            for p in d.walk("")
            if d.indexed(p, switches.index_lag) and d.matches(p, words)
        ]
        return self.page(request, drive, path, hits, reference="search")

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

    def delete(self, drive: Drive, path: str) -> Reply:
        """`DELETE /drives/{d}/items/{id}`: 204; Graph moves the item to the recycle bin."""
        if not path or not drive.exists(path):
            return error(404, "itemNotFound", "The resource could not be found.")
        drive.remove(path)
        return Reply(204)

    def create_session(self, request: Request, drive: Drive, path: str) -> Reply:
        bad = self._target(drive, path)
        if bad:
            return bad
        item = request.json().get("item") or {}
        # "fail (default) | replace | rename" (api/driveitem-createuploadsession.md)
        conflict = item.get("@microsoft.graph.conflictBehavior", "fail")
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
