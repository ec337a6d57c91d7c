"""The deployer's doctor: each Graph capability the bot needs, proved with a harmless call.

Every check sends the request the bot itself would send (or the cheapest one of its kind) and reads the
answer: 2xx is OK; 403 names the permission that is missing (`graph.permissions`) and the bot feature it
blocks; anything else is shown as Graph's error. Nothing is left behind: channel creation is proved by
asking for the name of the team's General channel (400, the name is taken), uploads go into a scratch folder
that is deleted, an upload session is cancelled, and adding a team member, creating a chat and installing
the app into one name a user or chat that cannot exist (the nil GUID), which Graph answers 404 after the
permission check and 403 without the permission. For those three an app-only token's `roles` claim is
read too, so a 404 from a service that looked up the target first cannot pass for a granted permission.
"""

from __future__ import annotations

import asyncio
import base64
import enum
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from core.errors import DomainError
from graph.client import GraphConnection
from graph.permissions import ACCEPTED, RECOMMENDED, RSC

NOBODY = "00000000-0000-0000-0000-000000000000"
NO_CHAT = "19:00000000000000000000000000000000@thread.v2"


class Status(enum.Enum):
    OK = "OK"
    MISSING = "MISSING"  # a permission is missing: the feature does not work
    LIMITED = "LIMITED"  # refused, and the bot works around it (said in `blocks`)
    ERROR = "ERROR"  # some other failure (wrong team id, Graph down, ...)
    SKIPPED = "SKIPPED"  # not configured, or an earlier check it depends on failed


@dataclass(frozen=True)
class Row:
    capability: str
    status: Status
    result: str = "OK"  # "OK", or Graph's answer ("403 accessDenied: Access denied")
    permission: str = ""  # the missing permission
    blocks: str = ""  # the bot feature that does not work (or how the bot works around it)

    @property
    def failed(self) -> bool:
        return self.status in (Status.MISSING, Status.ERROR)


@dataclass(frozen=True)
class Options:
    team_id: str
    group_chats: bool = False  # COACHING_GROUP_CHATS
    app_catalog_id: str = ""  # TEAMS_APP_CATALOG_ID
    mail_sender: str = ""  # MAIL_SENDER


@dataclass
class _Context:
    http: httpx.AsyncClient
    roles: list[str] | None  # the token's `roles` claim, when the token is a JWT that has one
    found: dict[str, Any] = field(default_factory=dict)


class _Refused(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def describe(response: httpx.Response) -> str:
    """Graph's error as one line: "403 accessDenied: Access denied"."""
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    code = error.get("code") or response.reason_phrase
    message = " ".join(str(error.get("message") or "").split())
    return f"{response.status_code} {code}" + (f": {message}" if message else "")


def token_roles(token: str) -> list[str] | None:
    """The `roles` claim of an app-only JWT (not verified: only read to explain), or None."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    roles = claims.get("roles") if isinstance(claims, dict) else None
    return [str(r) for r in roles] if isinstance(roles, list) else None


def suggested(page: str) -> str:
    """The permission the deploying guide grants for `page` (else its least privileged one)."""
    accepted = ACCEPTED[page]
    return next((p for p in accepted if p in RECOMMENDED), accepted[0])


@dataclass(frozen=True)
class _Check:
    capability: str
    page: str
    blocks: str
    probe: Callable[[_Context], Awaitable[None]]
    refused: Status = Status.MISSING  # what a 403 means for the bot
    needs: str = ""  # a `found` key an earlier check must have set
    absent_ok: bool = False  # 404/400 prove the permission (the probe names something that cannot exist)
    off: str = ""  # why the check is not made (the feature is not configured)


async def _send(ctx: _Context, method: str, url: str, *, ok: tuple[int, ...] = (), **kwargs: Any) -> Any:
    response = await ctx.http.request(method, url, **kwargs)
    if response.is_success or response.status_code in ok:
        return (
            response.json() if response.content and "json" in response.headers.get("content-type", "") else {}
        )
    raise _Refused(response)


def _checks(options: Options) -> list[_Check]:
    team = f"teams/{quote(options.team_id, safe='')}"

    async def primary(ctx: _Context) -> None:
        general = await _send(ctx, "GET", f"{team}/primaryChannel")
        ctx.found["channel"] = general["id"]
        ctx.found["channel_name"] = general.get("displayName") or "General"

    async def channels(ctx: _Context) -> None:
        await _send(ctx, "GET", f"{team}/channels")

    async def create_channel(ctx: _Context) -> None:
        # The General channel's name is always taken: 400 with the permission, nothing created.
        await _send(
            ctx, "POST", f"{team}/channels", json={"displayName": ctx.found["channel_name"]}, ok=(400,)
        )

    async def files_folder(ctx: _Context) -> None:
        channel = quote(ctx.found["channel"], safe="")
        folder = await _send(ctx, "GET", f"{team}/channels/{channel}/filesFolder")
        ctx.found["drive"] = quote(folder["parentReference"]["driveId"], safe="")
        ctx.found["folder"] = folder["id"]

    async def make_folder(ctx: _Context) -> None:
        name = f"vertaisbotti-doctor-{secrets.token_hex(4)}"
        body = {"name": name, "folder": {}, "@microsoft.graph.conflictBehavior": "fail"}
        drive, parent = ctx.found["drive"], ctx.found["folder"]
        created = await _send(ctx, "POST", f"drives/{drive}/items/{parent}/children", json=body)
        ctx.found["scratch"] = created["id"]

    async def upload(ctx: _Context) -> None:
        url = f"drives/{ctx.found['drive']}/items/{ctx.found['scratch']}:/doctor.txt:/content"
        await _send(ctx, "PUT", url, content=b"Vertaisbotti doctor", headers={"Content-Type": "text/plain"})

    async def session(ctx: _Context) -> None:
        url = f"drives/{ctx.found['drive']}/items/{ctx.found['scratch']}:/doctor.bin:/createUploadSession"
        created = await _send(ctx, "POST", url, json={"item": {"@microsoft.graph.conflictBehavior": "fail"}})
        async with httpx.AsyncClient(trust_env=False, timeout=30.0) as plain:  # no token on the uploadUrl
            await plain.delete(created["uploadUrl"])

    async def search(ctx: _Context) -> None:
        await _send(ctx, "GET", f"drives/{ctx.found['drive']}/root/search(q='vertaisbotti')?$top=1")

    async def delete_folder(ctx: _Context) -> None:
        await _send(ctx, "DELETE", f"drives/{ctx.found['drive']}/items/{ctx.found['scratch']}")

    async def members(ctx: _Context) -> None:
        await _send(ctx, "GET", f"{team}/members?$top=1")

    def member(role: list[str]) -> dict[str, Any]:
        return {
            "@odata.type": "#microsoft.graph.aadUserConversationMember",
            "roles": role,
            "user@odata.bind": f"https://graph.microsoft.com/v1.0/users('{NOBODY}')",
        }

    async def add_member(ctx: _Context) -> None:
        await _send(ctx, "POST", f"{team}/members", json=member([]))

    async def invite(ctx: _Context) -> None:
        # No address: 400 after the permission check, and nobody is invited.
        await _send(ctx, "POST", "invitations", json={"invitedUserEmailAddress": "", "inviteRedirectUrl": ""})

    async def add_to_group(ctx: _Context) -> None:
        body = {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{NOBODY}"}
        await _send(ctx, "POST", f"groups/{quote(options.team_id, safe='')}/members/$ref", json=body)

    async def send_mail(ctx: _Context) -> None:
        # From a mailbox that cannot exist: 404 after the permission check, nothing is sent.
        message = {"subject": "-", "toRecipients": [{"emailAddress": {"address": options.mail_sender}}]}
        await _send(ctx, "POST", f"users/{NOBODY}/sendMail", json={"message": message})

    async def create_chat(ctx: _Context) -> None:
        body = {"chatType": "group", "topic": "Vertaisbotti doctor", "members": [member(["owner"])] * 2}
        await _send(ctx, "POST", "chats", json=body)

    async def install_app(ctx: _Context) -> None:
        bind = f"https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/{options.app_catalog_id}"
        await _send(
            ctx, "POST", f"chats/{quote(NO_CHAT, safe='')}/installedApps", json={"teamsApp@odata.bind": bind}
        )

    checks = [
        _Check(
            "team (primaryChannel)",
            "team-get-primarychannel",
            "everything in the team: install the app there",
            primary,
        ),
        _Check(
            "list channels",
            "channel-list",
            "launching a network (its channel is found, not made twice)",
            channels,
            needs="channel",
        ),
        _Check(
            "create a channel",
            "channel-post",
            "launching a network: no channel is created",
            create_channel,
            needs="channel",
        ),
        _Check(
            "channel filesFolder",
            "channel-get-filesfolder",
            "materials: filing and listing",
            files_folder,
            needs="channel",
        ),
        _Check(
            "create a folder",
            "driveitem-post-children",
            "materials: meeting folders, filing",
            make_folder,
            needs="drive",
        ),
        _Check(
            "small upload",
            "driveitem-put-content",
            "materials: filing slides and work files",
            upload,
            needs="scratch",
        ),
        _Check(
            "upload session",
            "driveitem-createuploadsession",
            "only files over 250 MB (smaller ones go as one upload)",
            session,
            refused=Status.LIMITED,
            needs="scratch",
        ),
        _Check(
            "search",
            "driveitem-search",
            "materiaalit finds files by name only, not by content",
            search,
            refused=Status.LIMITED,
            needs="drive",
        ),
        _Check(
            "delete a folder",
            "driveitem-delete",
            "nothing the bot does; delete the doctor's folder by hand",
            delete_folder,
            refused=Status.LIMITED,
            needs="scratch",
        ),
        _Check(
            "team members (read)",
            "team-list-members",
            "nothing yet (the roster comes through Bot Framework)",
            members,
            refused=Status.LIMITED,
        ),
        _Check(
            "add a team member",
            "team-post-members",
            "liity: adding a partner's person to the team",
            add_member,
            absent_ok=True,
        ),
        _Check(
            "invite a guest",
            "invitation-post",
            "join requests from outside the tenant fail: the coordinator invites the guest in Teams",
            invite,
            refused=Status.LIMITED,
            absent_ok=True,
        ),
        _Check(
            "add a guest to the team",
            "group-post-members",
            "join requests from outside the tenant fail: the coordinator adds the guest in Teams",
            add_to_group,
            refused=Status.LIMITED,
            absent_ok=True,
        ),
        _Check(
            "send mail",
            "user-sendmail",
            "join requests: the outcome is not emailed (MAIL_SENDER)",
            send_mail,
            refused=Status.LIMITED,
            absent_ok=True,
            off="" if options.mail_sender else "not used: MAIL_SENDER is not set",
        ),
    ]
    chats_off = "" if options.group_chats else "not used: COACHING_GROUP_CHATS is off"
    install_off = chats_off or ("" if options.app_catalog_id else "not used: TEAMS_APP_CATALOG_ID is not set")
    checks += [
        _Check(
            "create a group chat",
            "chat-post",
            "coaching group chats (COACHING_GROUP_CHATS)",
            create_chat,
            absent_ok=True,
            off=chats_off,
        ),
        _Check(
            "install the app in a chat",
            "chat-post-installedapps",
            "the coaching introduction posted in its chat (TEAMS_APP_CATALOG_ID)",
            install_app,
            absent_ok=True,
            off=install_off,
        ),
    ]
    return checks


async def diagnose(graph: GraphConnection, options: Options) -> list[Row]:
    """Every check in order; a check whose prerequisite failed is SKIPPED."""
    try:
        token = await asyncio.to_thread(graph.tokens.token)
    except DomainError as exc:
        cause = exc.__cause__ or exc
        return [
            Row(
                "Graph token",
                Status.ERROR,
                f"{type(cause).__name__}: {cause}".strip(),
                "",
                "everything on Graph: check the credential and the tenant id",
            )
        ]
    rows = [Row("Graph token", Status.OK)]
    if not options.team_id:
        return [*rows, Row("team", Status.ERROR, "TEAM_ID is not set", "", "every Graph feature of the team")]
    headers = {"Authorization": f"Bearer {token}"}
    base = graph.config.base_url.rstrip("/") + "/"
    async with httpx.AsyncClient(base_url=base, headers=headers, trust_env=False, timeout=60.0) as http:
        ctx = _Context(http, token_roles(token))
        for check in _checks(options):
            rows.append(await _run(ctx, check))
    return rows


async def _run(ctx: _Context, check: _Check) -> Row:
    if check.off:
        return Row(check.capability, Status.SKIPPED, check.off)
    if check.needs and check.needs not in ctx.found:
        return Row(check.capability, Status.SKIPPED, "not tried: an earlier check failed", "", check.blocks)
    missing = Row(check.capability, check.refused, "", suggested(check.page), check.blocks)
    try:
        await check.probe(ctx)
    except _Refused as refused:
        status = refused.response.status_code
        result = describe(refused.response)
        if status == 403 and "max allowed channels" in result.lower():  # a full team, not a permission
            return Row(check.capability, Status.ERROR, result, "", check.blocks)
        if status == 403:
            return Row(check.capability, check.refused, result, suggested(check.page), check.blocks)
        if not (check.absent_ok and status in (400, 404)):
            return Row(check.capability, Status.ERROR, result, "", check.blocks)
    except httpx.HTTPError as exc:
        return Row(check.capability, Status.ERROR, f"{type(exc).__name__}: {exc}", "", check.blocks)
    if check.absent_ok and ctx.roles is not None:
        app_only = [p for p in ACCEPTED[check.page] if p not in RSC]
        if not any(p in ctx.roles for p in app_only):
            return Row(
                missing.capability,
                missing.status,
                "not in the token's roles",
                missing.permission,
                missing.blocks,
            )
    return Row(check.capability, Status.OK)


def table(rows: list[Row]) -> str:
    """The rows as an aligned text table (capability, result, missing permission, blocks), then Graph's
    whole answer for each row that is not OK."""
    head = ("capability", "result", "missing permission", "blocks")
    cells = [head] + [(r.capability, _short(r), r.permission, _blocks(r)) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(3)]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(3)) + "  " + c[3] for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * len(head[3]))
    said = [f"  {r.capability}: {r.result}" for r in rows if r.status not in (Status.OK, Status.SKIPPED)]
    if said:
        lines += ["", "Graph said:", *said]
    return "\n".join(line.rstrip() for line in lines)


def _blocks(row: Row) -> str:
    return {Status.OK: "", Status.SKIPPED: row.result}.get(row.status, row.blocks)


def _short(row: Row) -> str:
    if row.status == Status.OK:
        return "OK"
    first = row.result.split(":", 1)[0] if row.status in (Status.MISSING, Status.LIMITED) else ""
    return f"{row.status.value} ({first})" if first and first[:3].isdigit() else row.status.value
