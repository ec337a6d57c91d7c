"""Upload-session fragment endpoint: `PUT {uploadUrl}` with Content-Range, no Authorization header."""

from __future__ import annotations

import re
import time
from typing import Any

from aiohttp import web

from graph.sandbox.http import Reply, error, iso
from graph.sandbox.state import State, UploadSession

UNIT = 320 * 1024
MAX_FRAGMENT = 60 * 1024 * 1024
RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")


def _session(state: State, request: web.Request) -> UploadSession | Reply:
    session = state.sessions.get(request.match_info["session"])
    if session is None or session.expires < time.time():
        return error(404, "itemNotFound", "The upload session was not found or has expired")
    return session


def _status(session: UploadSession) -> dict[str, Any]:
    return {"expirationDateTime": iso(session.expires), "nextExpectedRanges": [f"{session.received}-"]}


async def session_status(state: State, request: web.Request) -> Reply:
    session = _session(state, request)
    return session if isinstance(session, Reply) else Reply(200, _status(session))


def drop_session(state: State, session_id: str) -> None:
    """Forget a session and its bytes (what expiry does)."""
    session = state.sessions.pop(session_id, None)
    if session is not None:
        session.part.unlink(missing_ok=True)


async def cancel_session(state: State, request: web.Request) -> Reply:
    session = _session(state, request)
    if isinstance(session, Reply):
        return session
    state.sessions.pop(session.id, None)
    session.part.unlink(missing_ok=True)
    return Reply(204)


async def put_fragment(state: State, request: web.Request, author: dict[str, Any]) -> Reply:
    """Append one fragment; 202 with the next expected range, or the driveItem after the last byte."""
    if "Authorization" in request.headers:
        return error(401, "unauthenticated", "Do not send an Authorization header to an uploadUrl")
    session = _session(state, request)
    if isinstance(session, Reply):
        return session
    found = RANGE.fullmatch(request.headers.get("Content-Range", ""))
    if not found:
        return error(400, "invalidRequest", "Content-Range must be 'bytes start-end/total'")
    start, end, total = (int(g) for g in found.groups())
    length = end - start + 1
    if request.content_length != length or length <= 0:
        return error(400, "invalidRequest", "Content-Length does not match Content-Range")
    if session.total is not None and total != session.total:
        return error(400, "invalidRequest", "The total size changed within the session")
    if start != session.received:
        return error(416, "invalidRange", f"Expected a fragment starting at byte {session.received}")
    if end + 1 > total:
        return error(400, "invalidRequest", "The fragment ends past the total size")
    if length >= MAX_FRAGMENT or (end + 1 < total and length % UNIT):
        return error(400, "invalidRequest", "Fragments must be multiples of 320 KiB and under 60 MiB")
    session.total = total
    with session.part.open("ab") as handle:
        async for chunk in request.content.iter_chunked(1024 * 1024):
            handle.write(chunk)
    session.received += length
    if session.received < total:
        return Reply(202, _status(session))
    return _commit(state, session, author)


def _commit(state: State, session: UploadSession, author: dict[str, Any]) -> Reply:
    """The last byte arrived: create the file. A name conflict is a 409 and the session (with its bytes)
    is kept until it expires or is cancelled (api/driveitem-createuploadsession.md, "Handle upload
    errors")."""
    drive, path = session.drive, session.path
    if drive.exists(path):
        if session.conflict == "fail":
            return error(
                409,
                "upload_name_conflict",
                "Another file exists with the same name as the uploaded session.",
            )
        if session.conflict == "rename":
            path = drive.free_name(path)
    state.sessions.pop(session.id, None)
    created = not drive.exists(path)
    drive.store(path, session.part, author)
    return Reply(201 if created else 200, drive.item(path, author))
