"""Permissions in the sandbox: which reference page a request belongs to, and Graph's 403 when the app holds
none of the permissions that page accepts (`graph.permissions`).

The app holds `Switches.permissions` (default: what the deploying guide grants,
`graph.permissions.RECOMMENDED`) less `Switches.refused_permissions`; its tokens carry the granted
application permissions in a `roles` claim, as Entra's app-only tokens do (RSC grants are not in the token:
Graph checks them per team). Graph checks the permission before it looks at the resource, so a request for
a user or chat that does not exist is 403 without the permission and 404 with it (the doctor relies on
this; see its `roles` cross-check).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote

from graph.permissions import ACCEPTED, RSC
from graph.sandbox.http import Reply, error

_PAGES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (method, re.compile(pattern, re.S), page)
    for method, pattern, page in (
        ("POST", r"/teams/[^/]+/channels", "channel-post"),
        ("GET", r"/teams/[^/]+/channels", "channel-list"),
        ("GET", r"/teams/[^/]+/primaryChannel", "team-get-primarychannel"),
        ("GET", r"/teams/[^/]+/channels/[^/]+/filesFolder", "channel-get-filesfolder"),
        ("GET", r"/teams/[^/]+/channels/[^/]+", "channel-get"),
        ("GET", r"/teams/[^/]+/members", "team-list-members"),
        ("POST", r"/teams/[^/]+/members", "team-post-members"),
        ("POST", r"/invitations", "invitation-post"),
        ("POST", r"/groups/[^/]+/members/\$ref", "group-post-members"),
        ("POST", r"/users/[^/]+/sendMail", "user-sendmail"),
        ("POST", r"/chats", "chat-post"),
        ("POST", r"/chats/[^/]+/installedApps", "chat-post-installedapps"),
        ("GET", r"/drives/[^/]+/.*/search\(q='.*'\)", "driveitem-search"),
        ("POST", r"/drives/[^/]+/.*/createUploadSession", "driveitem-createuploadsession"),
        ("GET", r"/drives/[^/]+/.*/children", "driveitem-list-children"),
        ("POST", r"/drives/[^/]+/.*/children", "driveitem-post-children"),
        ("GET", r"/drives/[^/]+/.*/content", "driveitem-get-content"),
        ("PUT", r"/drives/[^/]+/.*/content", "driveitem-put-content"),
        ("DELETE", r"/drives/[^/]+/items/.+", "driveitem-delete"),
        ("GET", r"/drives/[^/]+/(?:items/.+|root.*)", "driveitem-get"),
    )
)


def page_of(method: str, path: str) -> str | None:
    """The reference page of `METHOD path` (path as sent, percent-encoded), or None for what no page of
    the project's documents (deleting a channel, which only tests do)."""
    decoded = unquote(path)
    return next((page for m, p, page in _PAGES if m == method and p.fullmatch(decoded)), None)


def roles(granted: Iterable[str]) -> list[str]:
    """The application permissions an app-only token carries (its `roles` claim)."""
    return sorted(set(granted) - RSC)


def refusal(method: str, path: str, granted: frozenset[str]) -> Reply | None:
    """Graph's 403 when none of the page's permissions is granted, else None."""
    page = page_of(method, path)
    if page is None or any(p in granted for p in ACCEPTED[page]):
        return None
    if page.startswith("driveitem"):
        return error(403, "accessDenied", "Access denied")
    needed = ", ".join(ACCEPTED[page])
    return error(
        403,
        "Forbidden",
        f"Missing role permissions on the request. API requires one of '{needed}'. "
        f"Roles on the request '{', '.join(roles(granted))}'.",
    )
