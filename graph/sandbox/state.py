"""What the sandbox remembers besides files: teams, channels, members, issued tokens and injected faults."""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.permissions import RECOMMENDED
from graph.sandbox import access
from graph.sandbox.drive import Drive
from graph.sandbox.http import Reply, error, iso

FAULT_CODES = {
    403: "accessDenied",
    404: "itemNotFound",
    429: "TooManyRequests",
    500: "generalException",
    502: "BadGateway",
    503: "serviceNotAvailable",
    504: "gatewayTimeout",
}


def _b64(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


TENANT_ID = str(uuid.uuid5(uuid.NAMESPACE_DNS, "vertaisbotti.sandbox"))
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
NOBODY = "00000000-0000-0000-0000-000000000000"  # no directory object has the nil GUID


def user_exists(user_id: str) -> bool:
    """The sandbox's directory has every user with a GUID id but the nil one."""
    return bool(GUID.fullmatch(user_id)) and user_id != NOBODY


@dataclass
class Channel:
    id: str
    name: str
    description: str | None
    created: float  # monotonic, for the filesFolder delay (0.0: ready at once)
    deleted: bool = False
    created_at: float = field(default_factory=time.time)  # wall clock, for createdDateTime

    def resource(self, web_root: str, tenant_id: str = "") -> dict[str, Any]:
        """The channel as `api/channel-get.md` shows it (`webUrl` opens a page of the sandbox)."""
        return {
            "id": self.id,
            "createdDateTime": iso(self.created_at),
            "displayName": self.name,
            "description": self.description,
            "isFavoriteByDefault": None,
            "email": "",
            "tenantId": tenant_id,
            "webUrl": f"{web_root}/l/channel/{self.id}",
            "membershipType": "standard",
        }


@dataclass
class Team:
    id: str
    name: str
    drive: Drive
    channels: list[Channel] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)

    def live_channels(self) -> list[Channel]:
        return [c for c in self.channels if not c.deleted]

    def channel(self, channel_id: str) -> Channel | None:
        return next((c for c in self.live_channels() if c.id == channel_id), None)


@dataclass
class Fault:
    """Answer `status` to the next `times` requests whose "METHOD /path" contains `match`; with `after`,
    do the work first and lose the real answer (a gateway failing after the server acted)."""

    status: int
    times: int
    match: str = ""
    retry_after: int | None = None
    after: bool = False

    def reply(self) -> Reply:
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
        return error(self.status, FAULT_CODES.get(self.status, "generalException"), "injected", **headers)


@dataclass
class UploadSession:
    id: str
    drive: Drive
    path: str
    conflict: str
    part: Path
    total: int | None = None
    received: int = 0
    expires: float = field(default_factory=lambda: time.time() + 3600)


@dataclass
class Switches:
    """Runtime behaviour a test or developer can change while the sandbox runs."""

    latency: float = 0.0
    files_folder_delay: float = 0.0
    channel_limit: int = 1000
    simple_upload_limit: int = 250 * 1024 * 1024
    page_size: int = 200
    token_lifetime: int = 3600
    item_parent_paths: bool = True  # GET of one item has parentReference.path (Graph's does; search's not)
    # Seconds before search finds what an upload wrote (minutes in Graph, onedrive-api-docs#1499); files
    # seeded with `seed_file` are indexed at once.
    index_lag: float = 60.0
    # A search in one library also answers from the sandbox's other libraries (docs-contrib#90).
    search_other_drives: bool = True
    # A deleted channel's name stays taken (microsoft-graph-docs#6649) until the channel is restored.
    deleted_names_reserved: bool = True
    # `$batch` answers in another order than asked ("might appear in a different order", json-batching.md).
    batch_reorders: bool = True
    # The permissions the tenant granted the app (application and RSC; default: what the deploying guide
    # grants), less `refused_permissions`: a call none of whose documented permissions is left gets Graph's
    # 403 (access.py), and tokens issued from then on carry what is left in `roles`.
    permissions: frozenset[str] = RECOMMENDED
    refused_permissions: frozenset[str] = frozenset()
    # The tenant's external collaboration settings: False answers every invitation 403 "Guest invitations
    # not allowed for your company" (as reported in azure-docs#78054); `blocked_domains` refuse one domain.
    guest_invitations: bool = True
    blocked_domains: frozenset[str] = frozenset()
    # Adding someone already in the team: Graph is reported to answer 201 with the member again
    # (docs-contrib#4799); True answers 409 Conflict instead, which the layer takes as "already a member".
    member_conflict: bool = False

    def granted(self) -> frozenset[str]:
        return frozenset(self.permissions) - frozenset(self.refused_permissions)


@dataclass
class State:
    root: Path
    web_root: str
    client_id: str
    client_secret: str
    switches: Switches
    teams: dict[str, Team] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    sessions: dict[str, UploadSession] = field(default_factory=dict)
    round_trips: int = 0
    log: list[str] = field(default_factory=list)
    batch_log: list[str] = field(default_factory=list)  # the requests inside `$batch`es
    tenant_id: str = TENANT_ID
    # Certificates uploaded to the app registration (PEM): a client assertion signed by one proves the app.
    certificates: list[str] = field(default_factory=list)
    # What the host gives a managed identity's callers (App Service and Container Apps: IDENTITY_HEADER).
    identity_header: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    chats: dict[str, dict[str, Any]] = field(default_factory=dict)  # chats_api.py (not kept across restarts)
    # directory_api.py (not kept across restarts): the tenant's users by principal name (a member's or an
    # invited guest's) -> {"id", "userType", "mail"}; the mail sent through sendMail
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    mail: list[dict[str, Any]] = field(default_factory=list)

    def save(self) -> None:
        """Keep teams, channels and members in `root/state.json` so a restarted sandbox knows them."""
        data = {
            team.id: {
                "name": team.name,
                "channels": [[c.id, c.name, c.description, c.deleted, c.created_at] for c in team.channels],
                "members": team.members,
            }
            for team in self.teams.values()
        }
        target = self.root / "state.json"
        target.with_suffix(".tmp").write_text(json.dumps(data, ensure_ascii=False, indent=1))
        target.with_suffix(".tmp").replace(target)

    def load(self) -> None:
        source = self.root / "state.json"
        if not source.exists():
            return
        for team_id, saved in json.loads(source.read_text()).items():
            team = self.add_team(team_id, saved["name"])
            team.channels = [Channel(c[0], c[1], c[2], 0.0, c[3], *c[4:5]) for c in saved["channels"]]
            team.members = saved["members"]

    def add_team(self, team_id: str, name: str) -> Team:
        if team_id not in self.teams:
            drive_id = "b!" + uuid.uuid5(uuid.NAMESPACE_URL, team_id).hex
            drive = Drive(
                drive_id,
                self.root / "drives" / drive_id,
                f"{self.web_root}/sites/{drive_id}/Shared%20Documents",
            )
            self.teams[team_id] = Team(team_id, name, drive)
            self.save()
        return self.teams[team_id]

    def drives(self) -> list[Drive]:
        return [t.drive for t in self.teams.values()]

    def drive(self, drive_id: str) -> Drive | None:
        return next((t.drive for t in self.teams.values() if t.drive.id == drive_id), None)

    def add_channel(
        self, team: Team, name: str, description: str | None, *, ready: bool = False, channel_id: str = ""
    ) -> Channel:
        """A new live channel (`channel_id` lets a seed use ids another tool knows, as the Playground's)."""
        created = 0.0 if ready else time.monotonic()
        channel = Channel(channel_id or f"19:{uuid.uuid4().hex}@thread.tacv2", name, description, created)
        team.channels.append(channel)
        self.save()
        return channel

    def folder_ready(self, channel: Channel) -> bool:
        return time.monotonic() - channel.created >= self.switches.files_folder_delay

    def issue_token(self) -> tuple[str, int]:
        """A JWT-shaped bearer token (unsigned: only the sandbox reads it) with Entra's app-only claims."""
        claims = {
            "aud": self.web_root,
            "appid": self.client_id,
            "tid": self.tenant_id,
            "roles": access.roles(self.switches.granted()),
            "jti": secrets.token_urlsafe(16),
        }
        token = ".".join(_b64(part) for part in ({"alg": "none", "typ": "JWT"}, claims)) + "."
        lifetime = self.switches.token_lifetime
        self.tokens[token] = time.time() + lifetime
        return token, lifetime

    def token_valid(self, header: str | None) -> bool:
        scheme, _, token = (header or "").partition(" ")
        expires = self.tokens.get(token) if scheme.lower() == "bearer" else None
        return expires is not None and expires > time.time()

    def take_fault(self, method: str, path: str) -> Fault | None:
        target = f"{method} {path}"
        for fault in self.faults:
            if fault.times > 0 and fault.match in target:
                fault.times -= 1
                return fault
        return None
