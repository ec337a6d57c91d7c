"""The sandbox held to Microsoft's Graph reference: for every Graph request the project makes, the response
example of its API page is kept as data (`documented/<page>.json`: field names and JSON types, not values)
and the sandbox's answer to the same request must have that shape. A second test runs the workspace's
operations and checks that every request they send is one a fixture documents.

Fixture notation: "string", "number", "boolean"; null = present with any value; "identitySet" = an
object with `user`, `application` or `device` holding a `displayName` (an app-only upload has only
`application`, onedrive-api-docs#362); a key ending in "?" is optional; `"$exact": true` allows no other
keys; a list holds one element schema that every (at least one) element must match.
"""

from __future__ import annotations

import json
import re
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest

from graph import GraphWorkspace
from graph.config import FRAGMENT_UNIT, MIB
from graph.sandbox import Sandbox
from tests.graph.conftest import TEAM

DOCUMENTED = Path(__file__).parent / "documented"
FIXTURES = {path.stem: json.loads(path.read_text()) for path in sorted(DOCUMENTED.glob("*.json"))}
USER = "0a1b2c3d-0000-4000-8000-00000000abcd"
TEAM2 = "c0ffee00-0000-4000-8000-000000000002"


def problems(schema: Any, value: Any, where: str = "$") -> list[str]:
    """Where `value` does not have the documented shape (empty when it does)."""
    if schema is None:
        return []
    if schema == "identitySet":
        kinds = [k for k in ("user", "application", "device") if isinstance((value or {}).get(k), dict)]
        ok = bool(kinds) and all(isinstance(value[k].get("displayName"), str) for k in kinds)
        return [] if ok else [f"{where}: not an identitySet: {value!r}"]
    if isinstance(schema, str):
        kinds = {"string": (str,), "number": (int, float), "boolean": (bool,)}[schema]
        if (isinstance(value, bool) and schema == "number") or not isinstance(value, kinds):
            return [f"{where}: expected a {schema}, got {value!r}"]
        return []
    if isinstance(schema, list):
        if not isinstance(value, list):
            return [f"{where}: expected a list, got {value!r}"]
        if not schema:
            return []
        if not value:
            return [f"{where}: an empty list (the check needs an element)"]
        return [p for n, item in enumerate(value) for p in problems(schema[0], item, f"{where}[{n}]")]
    if not isinstance(value, dict):
        return [f"{where}: expected an object, got {value!r}"]
    found: list[str] = []
    keys = {k.removesuffix("?"): k.endswith("?") for k in schema if k != "$exact"}
    for key, optional in keys.items():
        inner = schema[f"{key}?" if optional else key]
        if key not in value:
            if not optional:
                found.append(f"{where}: {key} missing")
            continue
        found += problems(inner, value[key], f"{where}.{key}")
    if schema.get("$exact"):
        found += [f"{where}: {key} is not documented here" for key in value if key not in keys]
    return found


def test_the_checker_finds_what_differs() -> None:
    schema = {"id": "string", "size": "number", "parentReference": {"$exact": True, "driveId": "string"}}
    assert problems(schema, {"id": "x", "size": 1, "parentReference": {"driveId": "d"}}) == []
    assert problems(schema, {"id": 1, "parentReference": {"driveId": "d", "path": "/x"}}) == [
        "$.id: expected a string, got 1",
        "$: size missing",
        "$.parentReference: path is not documented here",
    ]
    assert problems({"value": [{"n": "number"}]}, {"value": []}) != []
    assert problems({"a?": "string", "b": None}, {"b": None}) == []
    assert problems("identitySet", {"application": {"displayName": "App"}}) == []
    assert problems("number", True) != []


# -- performing each documented exchange against the sandbox -------------------------------------------


class Client:
    """Raw HTTP to the sandbox with its token, and what the exchanges need (a channel, its folder)."""

    def __init__(self, sandbox: Sandbox, http: httpx.AsyncClient) -> None:
        self.sandbox = sandbox
        self.http = http
        # the conftest's General has no description: this team's channels have one, as the pages show
        self.channel_id = sandbox.seed_team(TEAM2, "Kuvattu tiimi", ["General"], description="Yleinen")[
            "General"
        ]

    async def folder(self) -> dict[str, Any]:
        reply = await self.http.get(f"teams/{TEAM2}/channels/{quote(self.channel_id)}/filesFolder")
        return reply.json()

    async def item_url(self, suffix: str = "") -> str:
        folder = await self.folder()
        return f"drives/{quote(folder['parentReference']['driveId'])}/items/{folder['id']}{suffix}"

    async def session(self, name: str) -> str:
        url = await self.item_url(f":/{quote(name)}:/createUploadSession")
        body = {"item": {"@microsoft.graph.conflictBehavior": "fail"}}
        return str((await self.http.post(url, json=body)).json()["uploadUrl"])


Exchange = Callable[[Client], Awaitable[httpx.Response]]
EXCHANGES: dict[tuple[str, str], Exchange] = {}


def exchange(page: str, name: str) -> Callable[[Exchange], Exchange]:
    def register(perform: Exchange) -> Exchange:
        EXCHANGES[(page, name)] = perform
        return perform

    return register


@exchange("channel-post", "create a standard channel")
async def _(c: Client) -> httpx.Response:
    body = {"displayName": "Arkkitehtuuri", "description": "Keskustelu", "membershipType": "standard"}
    return await c.http.post(f"teams/{TEAM2}/channels", json=body)


@exchange("channel-post", "a taken name")
async def _(c: Client) -> httpx.Response:
    return await c.http.post(f"teams/{TEAM2}/channels", json={"displayName": "General"})


@exchange("channel-list", "list channels")
async def _(c: Client) -> httpx.Response:
    return await c.http.get(f"teams/{TEAM2}/channels")


@exchange("channel-get", "get channel")
async def _(c: Client) -> httpx.Response:
    return await c.http.get(f"teams/{TEAM2}/channels/{quote(c.channel_id)}")


@exchange("team-get-primarychannel", "get primaryChannel")
async def _(c: Client) -> httpx.Response:
    return await c.http.get(f"teams/{TEAM2}/primaryChannel")


@exchange("channel-get-filesfolder", "get filesFolder")
async def _(c: Client) -> httpx.Response:
    return await c.http.get(f"teams/{TEAM2}/channels/{quote(c.channel_id)}/filesFolder")


def member() -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.aadUserConversationMember",
        "roles": [],
        "user@odata.bind": f"https://graph.microsoft.com/v1.0/users('{USER}')",
    }


@exchange("team-post-members", "add member")
async def _(c: Client) -> httpx.Response:
    return await c.http.post(f"teams/{TEAM2}/members", json=member())


@exchange("team-list-members", "list members")
async def _(c: Client) -> httpx.Response:
    await c.http.post(f"teams/{TEAM2}/members", json=member())
    return await c.http.get(f"teams/{TEAM2}/members")


@exchange("driveitem-get", "get the root")
async def _(c: Client) -> httpx.Response:
    folder = await c.folder()
    return await c.http.get(f"drives/{quote(folder['parentReference']['driveId'])}/root")


@exchange("driveitem-get", "get an item by path")
async def _(c: Client) -> httpx.Response:
    c.sandbox.seed_file(TEAM2, "General/Tapaamiset/2021-05-12 Teema/a.txt", b"a", author="Liisa Korhonen")
    return await c.http.get(await c.item_url(f":/{quote('Tapaamiset/2021-05-12 Teema')}:"))


@exchange("driveitem-list-children", "list children")
async def _(c: Client) -> httpx.Response:
    c.sandbox.seed_file(TEAM2, "General/Tapaamiset/muistio.docx", b"PK", author="Liisa Korhonen")
    c.sandbox.seed_file(TEAM2, "General/diat.pptx", b"PK", author="Liisa Korhonen")
    return await c.http.get(await c.item_url("/children"))


@exchange("driveitem-post-children", "create a folder")
async def _(c: Client) -> httpx.Response:
    body = {"name": "Uusi kansio", "folder": {}, "@microsoft.graph.conflictBehavior": "rename"}
    return await c.http.post(await c.item_url("/children"), json=body)


@exchange("driveitem-put-content", "upload a new file")
async def _(c: Client) -> httpx.Response:
    return await c.http.put(await c.item_url(":/FileB.txt:/content"), content=b"The contents")


@exchange("driveitem-put-content", "replace a file")
async def _(c: Client) -> httpx.Response:
    await c.http.put(await c.item_url(":/FileB.txt:/content"), content=b"old")
    return await c.http.put(await c.item_url(":/FileB.txt:/content"), content=b"new")


@exchange("driveitem-createuploadsession", "create an upload session")
async def _(c: Client) -> httpx.Response:
    url = await c.item_url(":/largefile.dat:/createUploadSession")
    return await c.http.post(url, json={"item": {"@microsoft.graph.conflictBehavior": "rename"}})


@exchange("driveitem-createuploadsession", "upload a fragment")
async def _(c: Client) -> httpx.Response:
    upload = await c.session("a.dat")
    async with httpx.AsyncClient() as raw:
        return await raw.put(
            upload, content=b"x" * FRAGMENT_UNIT, headers={"Content-Range": "bytes 0-327679/327690"}
        )


@exchange("driveitem-createuploadsession", "upload status")
async def _(c: Client) -> httpx.Response:
    upload = await c.session("b.dat")
    async with httpx.AsyncClient() as raw:
        return await raw.get(upload)


@exchange("driveitem-createuploadsession", "the last fragment")
async def _(c: Client) -> httpx.Response:
    upload = await c.session("c.dat")
    async with httpx.AsyncClient() as raw:
        return await raw.put(upload, content=b"x" * 128, headers={"Content-Range": "bytes 0-127/128"})


@exchange("driveitem-createuploadsession", "a name conflict at the end")
async def _(c: Client) -> httpx.Response:
    await c.http.put(await c.item_url(":/d.dat:/content"), content=b"old")
    upload = await c.session("d.dat")
    async with httpx.AsyncClient() as raw:
        return await raw.put(upload, content=b"x" * 128, headers={"Content-Range": "bytes 0-127/128"})


@exchange("driveitem-createuploadsession", "cancel the session")
async def _(c: Client) -> httpx.Response:
    upload = await c.session("e.dat")
    async with httpx.AsyncClient() as raw:
        return await raw.delete(upload)


@exchange("driveitem-search", "search a drive")
async def _(c: Client) -> httpx.Response:
    c.sandbox.seed_file(TEAM2, "General/Contoso Project/plan.docx", b"PK")
    c.sandbox.seed_file(TEAM2, "General/Contoso Project 2016.txt", b"x")
    folder = await c.folder()
    return await c.http.get(f"drives/{quote(folder['parentReference']['driveId'])}/root/search(q='contoso')")


@exchange("driveitem-get-content", "download")
async def _(c: Client) -> httpx.Response:
    c.sandbox.seed_file(TEAM2, "General/a.txt", b"a")
    info = (await c.http.get(await c.item_url(":/a.txt:"))).json()
    folder = await c.folder()
    return await c.http.get(
        f"drives/{quote(folder['parentReference']['driveId'])}/items/{info['id']}/content"
    )


@exchange("driveitem-delete", "delete an item")
async def _(c: Client) -> httpx.Response:
    created = (await c.http.post(await c.item_url("/children"), json={"name": "Pois", "folder": {}})).json()
    folder = await c.folder()
    return await c.http.delete(f"drives/{quote(folder['parentReference']['driveId'])}/items/{created['id']}")


@exchange("json-batching", "a batch")
async def _(c: Client) -> httpx.Response:
    requests = [
        {"id": "1", "method": "GET", "url": f"/teams/{TEAM2}/channels"},
        {"id": "2", "method": "GET", "url": f"/teams/{TEAM2}/channels/{quote('19:nope@thread.tacv2')}"},
    ]
    return await c.http.post("$batch", json={"requests": requests})


def _chat_body(*roles: list[str]) -> dict[str, Any]:
    members = [
        {
            "@odata.type": "#microsoft.graph.aadUserConversationMember",
            "roles": role,
            "user@odata.bind": f"https://graph.microsoft.com/v1.0/users('{USER[:-4]}{n:04d}')",
        }
        for n, role in enumerate(roles)
    ]
    return {"chatType": "group", "topic": "Group chat title", "members": members}


@exchange("chat-post", "create a group chat")
async def _(c: Client) -> httpx.Response:
    return await c.http.post("chats", json=_chat_body(["owner"], ["owner"], ["owner"]))


@exchange("chat-post", "a member without a role")
async def _(c: Client) -> httpx.Response:
    return await c.http.post("chats", json=_chat_body([], ["owner"]))


@exchange("chat-post-installedapps", "install app in a chat")
async def _(c: Client) -> httpx.Response:
    chat = (await c.http.post("chats", json=_chat_body(["owner"], ["owner"]))).json()
    bind = "https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/12345678-9abc-def0-1234-56789abcdef0"
    return await c.http.post(f"chats/{quote(chat['id'])}/installedApps", json={"teamsApp@odata.bind": bind})


@exchange("invitation-post", "create an invitation")
async def _(c: Client) -> httpx.Response:
    body = {"invitedUserEmailAddress": "admin@fabrikam.com", "inviteRedirectUrl": "https://myapp.contoso.com"}
    return await c.http.post("invitations", json=body)


async def _guest(c: Client) -> str:
    body = {"invitedUserEmailAddress": "guest@fabrikam.com", "inviteRedirectUrl": "https://myapp.contoso.com"}
    return str((await c.http.post("invitations", json=body)).json()["invitedUser"]["id"])


@exchange("group-post-members", "add a member to a group")
async def _(c: Client) -> httpx.Response:
    ref = {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{await _guest(c)}"}
    return await c.http.post(f"groups/{TEAM2}/members/$ref", json=ref)


@exchange("group-post-members", "already a member")
async def _(c: Client) -> httpx.Response:
    ref = {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{await _guest(c)}"}
    await c.http.post(f"groups/{TEAM2}/members/$ref", json=ref)
    return await c.http.post(f"groups/{TEAM2}/members/$ref", json=ref)


@exchange("user-sendmail", "send a message")
async def _(c: Client) -> httpx.Response:
    message = {
        "subject": "Meet for lunch?",
        "body": {"contentType": "Text", "content": "The new cafeteria is open."},
        "toRecipients": [{"emailAddress": {"address": "frannis@contoso.com"}}],
    }
    return await c.http.post(f"users/{USER}/sendMail", json={"message": message})


@exchange("errors", "an error")
async def _(c: Client) -> httpx.Response:
    return await c.http.get(f"teams/{TEAM2}/channels/{quote('19:nope@thread.tacv2')}")


CASES = [(page, item["name"]) for page, data in FIXTURES.items() for item in data["exchanges"]]


def test_every_fixture_names_its_page_and_every_exchange_is_performed() -> None:
    assert len(FIXTURES) >= 15
    for page, data in FIXTURES.items():
        assert data["page"].endswith(f"/{page}.md"), page
    assert set(CASES) == set(EXCHANGES)


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[Client]:
    async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=sandbox.ca_bundle)) as login:
        token = (
            await login.post(
                f"{sandbox.authority_host}/{sandbox.tenant_id}/oauth2/v2.0/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": sandbox.client_id,
                    "client_secret": sandbox.client_secret,
                    "scope": f"{sandbox.base_url.rsplit('/', 1)[0]}/.default",
                },
            )
        ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=sandbox.base_url + "/", headers=headers) as http:
        yield Client(sandbox, http)


@pytest.mark.parametrize(("page", "name"), CASES, ids=[f"{p}: {n}" for p, n in CASES])
async def test_the_sandbox_answers_as_the_page_documents(client: Client, page: str, name: str) -> None:
    documented = next(e for e in FIXTURES[page]["exchanges"] if e["name"] == name)
    response = await EXCHANGES[(page, name)](client)
    assert response.status_code == documented["status"], response.text
    for header in documented.get("headers", []):
        assert header in response.headers, header
    if documented["response"] is None:
        assert not response.content or response.status_code == 302
        return
    assert problems(documented["response"], response.json()) == []


# -- every request the project sends is a documented one -----------------------------------------------


def template(line: str) -> str:
    """A logged request ("GET /v1.0/drives/b!x/items/01AB:/a b:/content?x=1") as the fixtures write it."""
    method, _, target = line.partition(" ")
    path = unquote(target).split("?", 1)[0].removeprefix("/v1.0")
    if path.startswith("/upload/"):
        return f"{method} {{uploadUrl}}"
    path = re.sub(r"^/teams/[^/]+", "/teams/{team-id}", path)
    path = re.sub(r"/channels/[^/]+", "/channels/{channel-id}", path)
    path = re.sub(r"^/drives/[^/]+", "/drives/{drive-id}", path)
    path = re.sub(r"/items/[^/:]+:/.*:(?=/|$)", "/items/{item-id}:/{path}:", path)
    path = re.sub(r"/items/[^/:]+(?=/|$)", "/items/{item-id}", path)
    path = re.sub(r"/search\(q='.*'\)$", "/search(q='{q}')", path)
    path = re.sub(r"^/chats/[^/]+", "/chats/{chat-id}", path)
    path = re.sub(r"^/groups/[^/]+", "/groups/{group-id}", path)
    path = re.sub(r"^/users/[^/]+", "/users/{id}", path)
    return f"{method} {path}"


def test_logged_requests_become_templates() -> None:
    assert template("GET /v1.0/drives/b!x/items/01AB:/Tapaamiset/a b:/content?x=1") == (
        "GET /drives/{drive-id}/items/{item-id}:/{path}:/content"
    )
    assert template("GET /teams/t/channels/19:a@thread.tacv2/filesFolder") == (
        "GET /teams/{team-id}/channels/{channel-id}/filesFolder"
    )
    assert (
        template("GET /drives/b!x/root/search(q='a b')?$top=1")
        == "GET /drives/{drive-id}/root/search(q='{q}')"
    )
    assert template("PUT /upload/abc") == "PUT {uploadUrl}"


async def test_every_request_the_workspace_sends_is_documented(
    workspace: GraphWorkspace, sandbox: Sandbox
) -> None:
    documented = {e["request"] for data in FIXTURES.values() for e in data["exchanges"]}
    channel = await workspace.ensure_channel(TEAM, "Dokumentoitu verkosto")
    await workspace.ensure_channel(TEAM, "dokumentoitu verkosto")  # 400, then the channel list
    sandbox.inject(404, times=1, match="/filesFolder")  # not provisioned yet: does the channel exist?
    root = await workspace.channel_folder(TEAM, channel.id)
    meeting = await workspace.ensure_folder(root, "Tapaamiset/2021-05-12 Teema")
    await workspace.ensure_folder(root, "Tapaamiset/2021-05-12 Teema")  # 409, then the folder by path
    small = await workspace.upload(meeting, "muistio.txt", b"notes")
    sandbox.inject(503, times=1, match="PUT /upload/")  # a retried fragment asks for the session's status
    await workspace.upload(meeting, "nauhoite.mp4", b"x" * (2 * MIB), size=2 * MIB)
    sandbox.inject(409, times=1, match="PUT /upload/")  # a failed session is cancelled (DELETE)
    with pytest.raises(Exception):  # noqa: B017 (only the requests matter here)
        await workspace.upload(meeting, "ristiriita.mp4", b"x" * (2 * MIB), size=2 * MIB)
    await workspace.list_files(root)
    await workspace.list_files_of_channels(TEAM, [channel.id])
    await workspace.search(root, "muistio")
    await workspace.search_channels(TEAM, [channel.id], "muistio")
    [chunk async for chunk in workspace.download(small.drive_id, small.id)]
    await workspace.add_member(TEAM, USER)
    chat = await workspace.create_chat([USER, TEAM], "Vertaisvalmennus")  # peer coaching's group chats
    await workspace.install_app_in_chat(chat.id, TEAM)
    sandbox.seed_user("jasen@vertaisbotti.sandbox")
    await workspace.add_member_by_address(TEAM, "jasen@vertaisbotti.sandbox")  # join requests
    guest = await workspace.invite_guest("vieras@example.com", "Vieras", "https://bot.example", "fi")
    await workspace.add_group_member(TEAM, guest)
    await workspace.send_mail(USER, "vieras@example.com", "Liittymispyyntö", "Tervetuloa!")
    sent = {template(line) for line in [*sandbox.request_log, *sandbox.batch_log]}
    assert len(sent) == 21, sorted(sent)  # every kind of request the workspace makes was made
    assert sent <= documented, sorted(sent - documented)
