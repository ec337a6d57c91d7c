"""A local stand-in for the Graph endpoints the bot uses, for development and tests.

`await start_sandbox(root)` serves Graph (`base_url`, plain HTTP) and a token authority (`authority_host`,
HTTPS with a self-signed certificate written under `root/tls`), stores files under `root/drives` and
serves them at the items' `webUrl`. Nothing in it talks to Microsoft.

State is seeded through `Sandbox` (`seed_team`, `seed_file`, ...), behaviour changed through `switches` and
`inject`; more endpoints are registered as a group in `graph.sandbox.api.ENDPOINTS` (or, at run time, with
`sandbox.api.add`).
"""

from __future__ import annotations

import dataclasses
import secrets
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aiohttp import web

from graph.config import GraphConfig
from graph.sandbox.api import GraphApi
from graph.sandbox.login import login_app
from graph.sandbox.server import graph_app
from graph.sandbox.state import Fault, State, Switches
from graph.sandbox.tls import make_certificate
from graph.sandbox.uploads import drop_session

__all__ = ["Sandbox", "Switches", "start_sandbox"]


class Sandbox:
    """A running sandbox. Change behaviour at run time through `switches` and `inject`."""

    def __init__(
        self,
        state: State,
        api: GraphApi,
        runners: list[web.AppRunner],
        base_url: str,
        authority_host: str,
        ca_bundle: Path,
        tenant_id: str,
    ) -> None:
        self._state = state
        self.api = api
        self._runners = runners
        self.base_url = base_url
        self.authority_host = authority_host
        self.ca_bundle = ca_bundle
        self.tenant_id = tenant_id
        self.client_id = state.client_id
        self.client_secret = state.client_secret

    @property
    def switches(self) -> Switches:
        """latency (s per request), files_folder_delay (s), channel_limit, simple_upload_limit, page_size,
        token_lifetime, item_parent_paths, index_lag (s), search_other_drives, deleted_names_reserved,
        batch_reorders, permissions, refused_permissions (see `graph.sandbox.state.Switches`)."""
        return self._state.switches

    def graph_config(self, **overrides: Any) -> GraphConfig:
        """A `GraphConfig` that points at this sandbox; `overrides` set tuning fields."""
        config = GraphConfig(
            base_url=self.base_url,
            authority_host=self.authority_host,
            tenant_id=self.tenant_id,
            client_id=self.client_id,
            client_secret=self.client_secret,
            ca_bundle=str(self.ca_bundle),
        )
        return dataclasses.replace(config, **overrides)

    def add_certificate(self, certificate: str) -> None:
        """Upload a certificate (PEM) to the sandbox's app registration, as Entra's Certificates & secrets
        does: a client assertion it signs then proves the app (`graph_config(certificate=...)`)."""
        self._state.certificates.append(certificate)

    def managed_identity_env(self) -> dict[str, str]:
        """The environment an Azure host gives its managed identity's users (App Service, Container Apps):
        with it, msal's managed-identity client asks the sandbox; the identity's client id is `client_id`."""
        return {
            "IDENTITY_ENDPOINT": f"{self.authority_host}/msi/token",
            "IDENTITY_HEADER": self._state.identity_header,
        }

    def issued(self, authorization: str | None) -> bool:
        """Whether an Authorization header carries a valid token this sandbox issued."""
        return self._state.token_valid(authorization)

    def inject(
        self,
        status: int,
        *,
        times: int = 1,
        match: str = "",
        retry_after: int | None = None,
        after: bool = False,
    ) -> None:
        """Answer `status` (429, 503, 404, ...) to the next `times` Graph requests whose "METHOD /path"
        contains `match` (also items inside `$batch` and upload fragments). With `after`, the request is
        carried out first and only its answer is replaced (a response lost on the way back)."""
        self._state.faults.append(Fault(status, times, match, retry_after, after))

    def clear_faults(self) -> None:
        self._state.faults.clear()

    def seed_team(
        self, team_id: str, name: str, channels: Iterable[str] = (), *, description: str | None = None
    ) -> dict[str, str]:
        """Create a team (if new) with ready channels (with `description`, if given); returns channel name
        -> id for every live channel."""
        team = self._state.add_team(team_id, name)
        known = {c.name.lower() for c in team.live_channels()}
        for channel in channels:
            if channel.lower() not in known:
                self._state.add_channel(team, channel, description, ready=True)
                team.drive.make_folder(channel)
        return {c.name: c.id for c in team.live_channels()}

    def seed_user(self, principal_name: str, user_id: str | None = None, *, guest: bool = False) -> str:
        """A user of the tenant (or an invited guest) known by principal name; returns their id."""
        user = {"id": user_id or str(uuid.uuid4()), "userType": "Guest" if guest else "Member"}
        self._state.users[principal_name.lower()] = user | {"mail": principal_name.lower()}
        return str(user["id"])

    @property
    def mail(self) -> list[dict[str, Any]]:
        """What was sent through sendMail, oldest first."""
        return self._state.mail

    def seed_channel(self, team_id: str, channel_id: str, name: str) -> None:
        """Give a seeded team a ready channel with a known id (a client's own, e.g. the Agents Playground's).
        A live channel of that name under another id takes this id."""
        team = self._state.teams[team_id]
        same = next((c for c in team.live_channels() if c.name.lower() == name.lower()), None)
        if same is None:
            self._state.add_channel(team, name, None, ready=True, channel_id=channel_id)
        elif same.id != channel_id:
            same.id = channel_id
            self._state.save()
        team.drive.make_folder(name)

    def seed_file(self, team_id: str, path: str, data: bytes, *, author: str | None = None) -> None:
        """Put a file into the team's library (path like "General/notes.txt"), as `author` uploaded it."""
        drive = self._state.teams[team_id].drive
        target = drive.disk(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if author:
            drive.authors[path] = {"user": {"id": str(uuid.uuid4()), "displayName": author}}

    def delete_channel(self, team_id: str, channel_id: str) -> None:
        """Delete a channel as a team owner does: its name stays taken (`switches.deleted_names_reserved`)."""
        channel = self._state.teams[team_id].channel(channel_id)
        if channel is None:
            raise KeyError(channel_id)
        channel.deleted = True
        self._state.save()

    def restore_channel(self, team_id: str, channel_id: str) -> None:
        """Restore a deleted channel (Teams keeps deleted channels restorable for 30 days)."""
        channel = next(c for c in self._state.teams[team_id].channels if c.id == channel_id)
        channel.deleted = False
        self._state.save()

    def expire_upload_sessions(self) -> None:
        """Every open upload session is gone from now on (its URL answers 404), as after expiry."""
        for session_id in list(self._state.sessions):
            drop_session(self._state, session_id)

    def channel_names(self, team_id: str) -> list[str]:
        return [c.name for c in self._state.teams[team_id].live_channels()]

    def members(self, team_id: str) -> list[str]:
        return list(self._state.teams[team_id].members)

    def member_roles(self, team_id: str, user_id: str) -> list[str]:
        """The roles of a member of the team (`guest` for a guest), as `GET /teams/{id}/members` shows."""
        return list(self._state.teams[team_id].members[user_id].get("roles") or [])

    @property
    def chats(self) -> dict[str, dict[str, Any]]:
        """The chats created through the sandbox, by id (members, topic, installed apps)."""
        return self._state.chats

    @property
    def round_trips(self) -> int:
        """Graph HTTP requests served (a `$batch` counts once)."""
        return self._state.round_trips

    @property
    def tokens_issued(self) -> int:
        return len(self._state.tokens)

    @property
    def request_log(self) -> list[str]:
        return self._state.log

    @property
    def batch_log(self) -> list[str]:
        """The requests inside `$batch`es, in order, each as "METHOD /path?query" (decoded)."""
        return self._state.batch_log

    def reset_counts(self) -> None:
        self._state.round_trips = 0
        self._state.log.clear()
        self._state.batch_log.clear()

    def disk_path(self, team_id: str, path: str) -> Path:
        return self._state.teams[team_id].drive.disk(path)

    def open_upload_sessions(self) -> int:
        return len(self._state.sessions)

    async def stop(self) -> None:
        for runner in self._runners:
            await runner.cleanup()


async def start_sandbox(root: Path, *, host: str = "127.0.0.1", port: int = 0, **switches: Any) -> Sandbox:
    """Start Graph on `host:port` (0 = any free port) and the token authority on another free port.

    `switches` are `Switches` fields (see `graph.sandbox.state.Switches`)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    state = State(root, "", str(uuid.uuid4()), secrets.token_urlsafe(24), Switches(**switches))
    api = GraphApi(state)
    graph_runner = web.AppRunner(graph_app(state, api), access_log=None)
    await graph_runner.setup()
    graph_site = web.TCPSite(graph_runner, host, port)
    await graph_site.start()
    graph_port = graph_runner.addresses[0][1]
    origin = f"http://{_netloc(host)}:{graph_port}"
    state.web_root = origin
    state.load()
    cert, context = make_certificate(root / "tls", host)
    login_runner = web.AppRunner(login_app(state), access_log=None)
    await login_runner.setup()
    login_site = web.TCPSite(login_runner, host, 0, ssl_context=context)
    await login_site.start()
    login_port = login_runner.addresses[0][1]
    return Sandbox(
        state,
        api,
        [graph_runner, login_runner],
        base_url=f"{origin}/v1.0",
        authority_host=f"https://{_netloc(host)}:{login_port}",
        ca_bundle=cert,
        tenant_id=state.tenant_id,
    )


def _netloc(host: str) -> str:
    return f"[{host}]" if ":" in host else host
