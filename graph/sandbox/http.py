"""Transport-free request and reply shapes shared by the sandbox's Graph handlers."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

APP_AUTHOR_NAME = "Vertaisbotti (sandbox app)"


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[..., Awaitable["Reply"]]


@dataclass(frozen=True)
class Route:
    """`METHOD` and a full-match regex over the (still percent-encoded) path; the groups, decoded, are
    passed to `handler` after the request."""

    method: str
    pattern: str
    handler: Handler


def error(status: int, code: str, message: str, **headers: str) -> Reply:
    """Graph's error body (`concepts/errors.md`), with the innerError Graph adds to every error."""
    request_id = str(uuid.uuid4())
    inner = {
        "date": iso(time.time()).split(".")[0],
        "request-id": request_id,
        "client-request-id": request_id,
    }
    return Reply(status, {"error": {"code": code, "message": message, "innerError": inner}}, headers)


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


def app_author(client_id: str) -> dict[str, Any]:
    """`createdBy`/`lastModifiedBy` of what the app itself stored."""
    return {"application": {"id": client_id, "displayName": APP_AUTHOR_NAME}}


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


def parse_query(raw: str) -> dict[str, str]:
    return dict(parse_qsl(raw, keep_blank_values=True))
