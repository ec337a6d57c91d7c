"""The sandbox's own rules, checked with plain HTTP (no SDK), so that the contract suite runs against a
faithful double: tokens, name rules, duplicate names, the channel limit, provisioning delay, upload limits
and sessions, percent-encoded paths, paging, `$batch` and injected faults."""

from __future__ import annotations

import asyncio
import io
import ssl
import zipfile
from collections.abc import AsyncIterator
from urllib.parse import quote

import httpx
import pytest

from graph.sandbox import Sandbox
from graph.sandbox.drive import ROOT_ID
from graph.sandbox.state import Switches
from tests.graph.conftest import TEAM

UNIT = 320 * 1024


async def token_for(sandbox: Sandbox, secret: str | None = None) -> httpx.Response:
    async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=sandbox.ca_bundle)) as login:
        return await login.post(
            f"{sandbox.authority_host}/{sandbox.tenant_id}/oauth2/v2.0/token",
            data={
                "grant_type": "client_credentials",
                "client_id": sandbox.client_id,
                "client_secret": secret if secret is not None else sandbox.client_secret,
                "scope": f"{sandbox.base_url.rsplit('/', 1)[0]}/.default",
            },
        )


@pytest.fixture
async def graph(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    token = (await token_for(sandbox)).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=sandbox.base_url + "/", headers=headers) as client:
        yield client


async def channel_folder(graph: httpx.AsyncClient, sandbox: Sandbox, name: str = "General") -> dict:
    channel_id = sandbox.seed_team(TEAM, "T", [name])[name]
    reply = await graph.get(f"teams/{TEAM}/channels/{quote(channel_id)}/filesFolder")
    assert reply.status_code == 200
    return reply.json()


def item_url(folder: dict, suffix: str = "") -> str:
    return f"drives/{quote(folder['parentReference']['driveId'])}/items/{folder['id']}{suffix}"


# -- authentication ------------------------------------------------------------------------------------


async def test_graph_needs_a_token_the_sandbox_issued(sandbox: Sandbox, graph: httpx.AsyncClient) -> None:
    async with httpx.AsyncClient(base_url=sandbox.base_url + "/") as anonymous:
        assert (await anonymous.get(f"teams/{TEAM}/channels")).status_code == 401
        forged = await anonymous.get(f"teams/{TEAM}/channels", headers={"Authorization": "Bearer made-up"})
        assert forged.status_code == 401
        assert forged.json()["error"]["code"] == "InvalidAuthenticationToken"
    assert (await graph.get(f"teams/{TEAM}/channels")).status_code == 200


async def test_expired_tokens_are_refused(sandbox: Sandbox) -> None:
    sandbox.switches.token_lifetime = 0
    token = (await token_for(sandbox)).json()["access_token"]
    async with httpx.AsyncClient(base_url=sandbox.base_url + "/") as client:
        reply = await client.get(f"teams/{TEAM}/channels", headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 401


async def test_the_token_endpoint_checks_the_client_secret(sandbox: Sandbox) -> None:
    refused = await token_for(sandbox, secret="wrong")
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_client"


async def test_the_authority_speaks_only_tls_with_its_own_certificate(sandbox: Sandbox) -> None:
    discovery = f"{sandbox.authority_host}/{sandbox.tenant_id}/v2.0/.well-known/openid-configuration"
    async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=sandbox.ca_bundle)) as trusted:
        config = (await trusted.get(discovery)).json()
    assert config["token_endpoint"].startswith(sandbox.authority_host)
    async with httpx.AsyncClient(verify=True) as default_trust:
        with pytest.raises(httpx.ConnectError):
            await default_trust.get(discovery)


# -- channels ------------------------------------------------------------------------------------------


async def test_channel_name_rules_and_duplicates(graph: httpx.AsyncClient) -> None:
    url = f"teams/{TEAM}/channels"
    for bad in ("a" * 51, "HR & kehitys", "_piilo", "loppu.", "CON", "a..b"):
        reply = await graph.post(url, json={"displayName": bad})
        assert reply.status_code == 400, bad
    assert (await graph.post(url, json={"displayName": "Äänekoski ja Åbo"})).status_code == 201
    duplicate = await graph.post(url, json={"displayName": "äänekoski JA åbo"})
    assert duplicate.status_code == 400
    assert duplicate.json()["error"]["message"] == "Channel name already existed, please use other name"
    assert (await graph.post("teams/unknown/channels", json={"displayName": "x"})).status_code == 404


async def test_a_deleted_channels_name_stays_taken_until_it_is_restored(
    sandbox: Sandbox, graph: httpx.AsyncClient
) -> None:
    url = f"teams/{TEAM}/channels"
    gone = (await graph.post(url, json={"displayName": "Vanha verkosto"})).json()
    assert (await graph.delete(f"{url}/{quote(gone['id'])}")).status_code == 204
    again = await graph.post(url, json={"displayName": "vanha VERKOSTO"})
    assert again.status_code == 400  # microsoft-graph-docs#6649
    assert again.json()["error"]["message"] == "Channel name already existed, please use other name"
    live = [c["displayName"] for c in (await graph.get(url)).json()["value"]]
    assert "Vanha verkosto" not in live
    sandbox.restore_channel(TEAM, gone["id"])
    assert "Vanha verkosto" in [c["displayName"] for c in (await graph.get(url)).json()["value"]]


async def test_the_channel_limit_counts_deleted_channels(sandbox: Sandbox, graph: httpx.AsyncClient) -> None:
    sandbox.switches.channel_limit = 3
    url = f"teams/{TEAM}/channels"
    second = (await graph.post(url, json={"displayName": "Toinen"})).json()
    assert (await graph.delete(f"{url}/{quote(second['id'])}")).status_code == 204
    assert (await graph.get(f"{url}/{quote(second['id'])}")).status_code == 404
    assert (await graph.post(url, json={"displayName": "Kolmas"})).status_code == 201
    full = await graph.post(url, json={"displayName": "Neljäs"})
    assert full.status_code == 403
    assert (full.json()["error"]["code"], full.json()["error"]["message"]) == (
        "Forbidden",
        "This team has exceeded the Max allowed channels",
    )


async def test_files_folder_is_not_ready_right_after_creation(
    sandbox: Sandbox, graph: httpx.AsyncClient
) -> None:
    sandbox.switches.files_folder_delay = 1.0
    channel = (await graph.post(f"teams/{TEAM}/channels", json={"displayName": "Uusi"})).json()
    url = f"teams/{TEAM}/channels/{quote(channel['id'])}/filesFolder"
    early = await graph.get(url)
    assert early.status_code == 404
    assert "not ready" in early.json()["error"]["message"]
    await asyncio.sleep(1.05)
    ready = await graph.get(url)
    assert ready.status_code == 200
    assert ready.json()["name"] == "Uusi" and "folder" in ready.json()
    # Only the drive is named (api/channel-get-filesfolder.md): no parent id, no path.
    assert set(ready.json()["parentReference"]) == {"driveId", "driveType"}


# -- files ---------------------------------------------------------------------------------------------


async def test_simple_upload_limit(sandbox: Sandbox, graph: httpx.AsyncClient) -> None:
    assert Switches().simple_upload_limit == 250 * 1024 * 1024
    sandbox.switches.simple_upload_limit = 1000
    folder = await channel_folder(graph, sandbox)
    ok = await graph.put(item_url(folder, ":/ok.bin:/content"), content=b"x" * 1000)
    assert ok.status_code == 201
    too_big = await graph.put(item_url(folder, ":/big.bin:/content"), content=b"x" * 1001)
    assert too_big.status_code == 413


async def test_percent_encoded_and_plain_paths_name_the_same_item(
    sandbox: Sandbox, graph: httpx.AsyncClient
) -> None:
    folder = await channel_folder(graph, sandbox)
    encoded = item_url(folder).replace(folder["id"], quote(f"{folder['id']}:/Äiti ja #1.txt:", safe=""))
    created = await graph.put(f"{encoded}/content", content=b"hello")
    assert created.status_code == 201
    plain = await graph.get(item_url(folder, f":/{quote('Äiti ja #1.txt')}:"))
    assert plain.json()["id"] == created.json()["id"]
    assert sandbox.disk_path(TEAM, "General/Äiti ja #1.txt").read_bytes() == b"hello"
    async with httpx.AsyncClient() as browser:
        assert (await browser.get(created.json()["webUrl"])).content == b"hello"
        escape = created.json()["webUrl"].replace("General/", "General/../../")
        assert (await browser.get(escape)).status_code == 404


async def test_file_name_rules_and_conflicts(sandbox: Sandbox, graph: httpx.AsyncClient) -> None:
    folder = await channel_folder(graph, sandbox)
    for bad in ("a:b.txt", " alku.txt", "~$lukko.docx", "CON.txt", "x_vti_y"):
        assert (
            await graph.put(item_url(folder, f":/{quote(bad)}:/content"), content=b"x")
        ).status_code == 400
    target = item_url(folder, ":/muistio.txt:/content")
    assert (await graph.put(target, content=b"1")).status_code == 201
    assert (await graph.put(target, content=b"22")).status_code == 200  # replace is the PUT default
    fail = await graph.put(target, params={"@microsoft.graph.conflictBehavior": "fail"}, content=b"3")
    assert (fail.status_code, fail.json()["error"]["code"]) == (409, "nameAlreadyExists")
    renamed = await graph.put(target, params={"@microsoft.graph.conflictBehavior": "rename"}, content=b"4")
    assert renamed.json()["name"] == "muistio 1.txt"
    folder_body = {"name": "Kansio", "folder": {}, "@microsoft.graph.conflictBehavior": "fail"}
    assert (await graph.post(item_url(folder, "/children"), json=folder_body)).status_code == 201
    assert (await graph.post(item_url(folder, "/children"), json=folder_body)).status_code == 409


async def test_upload_sessions_check_ranges(sandbox: Sandbox, graph: httpx.AsyncClient) -> None:
    folder = await channel_folder(graph, sandbox)
    created = await graph.post(item_url(folder, ":/iso.bin:/createUploadSession"), json={"item": {}})
    upload_url = created.json()["uploadUrl"]
    total = 2 * UNIT + 10
    async with httpx.AsyncClient() as raw:

        def put(start: int, data: bytes, **headers: str):
            end = start + len(data) - 1
            return raw.put(
                upload_url, content=data, headers={"Content-Range": f"bytes {start}-{end}/{total}", **headers}
            )

        assert (await put(0, b"x" * UNIT, Authorization="Bearer no")).status_code == 401
        assert (await put(0, b"x" * (UNIT + 1))).status_code == 400  # not a multiple of 320 KiB
        first = await put(0, b"x" * UNIT)
        assert (first.status_code, first.json()["nextExpectedRanges"]) == (202, [f"{UNIT}-"])
        assert (await put(0, b"x" * UNIT)).status_code == 416  # repeated
        assert (await put(2 * UNIT, b"x" * 10)).status_code == 416  # gap
        status = await raw.get(upload_url)
        assert status.json()["nextExpectedRanges"] == [f"{UNIT}-"]
        assert (await put(UNIT, b"y" * UNIT)).status_code == 202
        done = await put(2 * UNIT, b"z" * 10)
        assert (done.status_code, done.json()["size"]) == (201, total)
        assert (await raw.get(upload_url)).status_code == 404  # finished sessions are gone


async def test_upload_session_commit_honours_conflict_fail(
    sandbox: Sandbox, graph: httpx.AsyncClient
) -> None:
    folder = await channel_folder(graph, sandbox)
    await graph.put(item_url(folder, ":/a.bin:/content"), content=b"old")
    body = {"item": {"@microsoft.graph.conflictBehavior": "fail"}}
    upload_url = (await graph.post(item_url(folder, ":/a.bin:/createUploadSession"), json=body)).json()[
        "uploadUrl"
    ]
    async with httpx.AsyncClient() as raw:
        commit = await raw.put(upload_url, content=b"new", headers={"Content-Range": "bytes 0-2/3"})
    # The code the createUploadSession page documents; the session stays until cancelled or expired.
    assert (commit.status_code, commit.json()["error"]["code"]) == (409, "upload_name_conflict")
    assert sandbox.disk_path(TEAM, "General/a.bin").read_bytes() == b"old"
    assert sandbox.open_upload_sessions() == 1
    async with httpx.AsyncClient() as raw:
        assert (await raw.delete(upload_url)).status_code == 204
    assert sandbox.open_upload_sessions() == 0


async def test_an_upload_session_conflicts_by_default(sandbox: Sandbox, graph: httpx.AsyncClient) -> None:
    # driveItemUploadableProperties: conflictBehavior "fail (default) | replace | rename".
    folder = await channel_folder(graph, sandbox)
    await graph.put(item_url(folder, ":/b.bin:/content"), content=b"old")
    session = (await graph.post(item_url(folder, ":/b.bin:/createUploadSession"), json={})).json()
    async with httpx.AsyncClient() as raw:
        commit = await raw.put(session["uploadUrl"], content=b"new", headers={"Content-Range": "bytes 0-2/3"})
    assert commit.status_code == 409


async def test_a_fragment_answered_404_means_the_session_is_gone(
    sandbox: Sandbox, graph: httpx.AsyncClient
) -> None:
    folder = await channel_folder(graph, sandbox)
    session = (await graph.post(item_url(folder, ":/c.bin:/createUploadSession"), json={})).json()
    sandbox.inject(404, match="PUT /upload/")
    async with httpx.AsyncClient() as raw:
        first = await raw.put(session["uploadUrl"], content=b"abc", headers={"Content-Range": "bytes 0-2/3"})
        assert first.status_code == 404
        again = await raw.put(session["uploadUrl"], content=b"abc", headers={"Content-Range": "bytes 0-2/3"})
        assert again.status_code == 404 and (await raw.get(session["uploadUrl"])).status_code == 404
        # A 500 drops that request's bytes: the same fragment goes again.
        session = (await graph.post(item_url(folder, ":/c.bin:/createUploadSession"), json={})).json()
        sandbox.inject(500, match="PUT /upload/")
        failed = await raw.put(session["uploadUrl"], content=b"abc", headers={"Content-Range": "bytes 0-2/3"})
        assert failed.status_code == 500
        assert (await raw.get(session["uploadUrl"])).json()["nextExpectedRanges"] == ["0-"]
        done = await raw.put(session["uploadUrl"], content=b"abc", headers={"Content-Range": "bytes 0-2/3"})
        assert done.status_code == 201


async def test_children_and_search_page_with_absolute_next_links(
    sandbox: Sandbox, graph: httpx.AsyncClient
) -> None:
    sandbox.switches.page_size = 2
    folder = await channel_folder(graph, sandbox)
    for n in range(5):
        sandbox.seed_file(TEAM, f"General/raportti {n}.txt", b"x")
    names: list[str] = []
    url: str | None = item_url(folder, "/children")
    while url:
        page = (await graph.get(url)).json()
        names += [item["name"] for item in page["value"]]
        url = page.get("@odata.nextLink")
        assert url is None or url.startswith(sandbox.base_url + "/")
    assert names == [f"raportti {n}.txt" for n in range(5)]
    found = (await graph.get(item_url(folder, f"/search(q='{quote('RAPORTTI 3')}')"))).json()
    assert all("searchResult" in item for item in found["value"])
    assert [item["name"] for item in found["value"]] == ["raportti 3.txt"]
    many = (await graph.get(item_url(folder, "/search(q='raportti')"))).json()
    assert len(many["value"]) == 2 and many["@odata.nextLink"].startswith(sandbox.base_url)
    rest = (await graph.get(many["@odata.nextLink"].removeprefix(sandbox.base_url + "/"))).json()
    assert [item["name"] for item in rest["value"]] == ["raportti 2.txt", "raportti 3.txt"]


def office(part: str, text: str) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr(part, f"<x:doc><x:t>{text}</x:t></x:doc>")
    return data.getvalue()


async def test_search_matches_words_and_prefixes_of_names_and_content_and_gives_no_parent_path(
    sandbox: Sandbox, graph: httpx.AsyncClient
) -> None:
    folder = await channel_folder(graph, sandbox)
    meeting = "General/Tapaamiset/2026-11-13 Työhyvinvointi"
    sandbox.seed_file(TEAM, f"{meeting}/Jaksaminen.pptx", b"\x00\x01binary")
    sandbox.seed_file(TEAM, f"{meeting}/muistio.txt", "Puhuimme JAKSAMISESTA ja äänestä.".encode())
    sandbox.seed_file(TEAM, f"{meeting}/diat.pptx", office("ppt/slides/slide1.xml", "Jaksaminen työssä"))
    sandbox.seed_file(TEAM, f"{meeting}/kuva.png", b"\x89PNG\xff jaksaminen")  # binary: not read
    sandbox.seed_file(TEAM, "General/iso.txt", b"jaksaminen " + b"x" * (4 * 1024 * 1024))  # too big
    sandbox.seed_file(TEAM, "General/muuta.txt", "ääni".encode())
    sandbox.seed_file(TEAM, "General/Tasa-arvosuunnitelma_2026.docx", b"PK")

    async def search(words: str) -> list[dict]:
        reply = await graph.get(item_url(folder, f"/search(q='{quote(words)}')"))
        assert reply.status_code == 200
        return reply.json()["value"]

    hits = await search("jaksami")  # a prefix of a word
    assert {h["name"] for h in hits} == {"diat.pptx", "Jaksaminen.pptx", "muistio.txt"}
    meeting_folder = (
        await graph.get(item_url(folder, f":/{quote('Tapaamiset/2026-11-13 Työhyvinvointi')}:"))
    ).json()
    for hit in hits:  # as Graph's search: the parent's id and drive, no path
        reference = hit["parentReference"]
        assert "path" not in reference
        assert reference["id"] == meeting_folder["id"]
        assert reference["driveId"] == folder["parentReference"]["driveId"]
    # One item's GET does carry its place, percent-encoded as Graph's itemReference.path is.
    assert meeting_folder["parentReference"]["path"].endswith("root:/General/Tapaamiset")
    inside = (await graph.get(item_url(folder, f":/{quote(meeting)[len('General/') :]}/muistio.txt:"))).json()
    assert inside["parentReference"]["path"].endswith(
        "root:/General/Tapaamiset/2026-11-13%20Ty%C3%B6hyvinvointi"
    )
    # Finnish letters, composed or decomposed, and every word (in the name or the content) must be found.
    assert sorted(h["name"] for h in await search("ÄÄNESTÄ")) == ["muistio.txt"]
    assert sorted(h["name"] for h in await search("a\u0308a\u0308ni")) == ["muuta.txt"]
    assert [h["name"] for h in await search("muistio jaksamisesta")] == ["muistio.txt"]
    assert await search("jaksamisesta kuva") == []
    # Words, not substrings: the end of a compound word or the middle of a word finds nothing.
    assert await search("suunnitelma") == [] and await search("aksaminen") == []
    assert [h["name"] for h in await search("arvosuunn")] == ["Tasa-arvosuunnitelma_2026.docx"]
    assert [h["name"] for h in await search("2026 tasa")] == ["Tasa-arvosuunnitelma_2026.docx"]
    sandbox.switches.item_parent_paths = False
    bare = (await graph.get(item_url(folder, f":/{quote('Tapaamiset')}:"))).json()
    assert "path" not in bare["parentReference"] and bare["parentReference"]["id"] == folder["id"]


async def test_a_folder_search_answers_from_the_whole_library(
    sandbox: Sandbox, graph: httpx.AsyncClient
) -> None:
    # SharePoint's folder-scoped search returns items outside the folder (onedrive-api-docs#1265).
    folder = await channel_folder(graph, sandbox)
    other = await channel_folder(graph, sandbox, "Toinen verkosto")
    sandbox.seed_file(TEAM, "General/budjetti 2026.xlsx", b"PK")
    sandbox.seed_file(TEAM, "Toinen verkosto/budjetti 2025.xlsx", b"PK")
    names = {h["name"] for h in (await graph.get(item_url(folder, "/search(q='budjetti')"))).json()["value"]}
    assert names == {"budjetti 2026.xlsx", "budjetti 2025.xlsx"}
    drive = quote(other["parentReference"]["driveId"])
    documented = (await graph.get(f"drives/{drive}/root/search(q='budjetti')")).json()["value"]
    assert {h["name"] for h in documented} == names


async def test_search_does_not_find_a_fresh_upload_while_the_index_lags(
    sandbox: Sandbox, graph: httpx.AsyncClient
) -> None:
    folder = await channel_folder(graph, sandbox)
    sandbox.switches.index_lag = 0.3
    assert (
        await graph.put(item_url(folder, ":/Tuore muistio.txt:/content"), content=b"x")
    ).status_code == 201
    url = item_url(folder, "/search(q='tuore')")
    assert (await graph.get(url)).json()["value"] == []
    listed = (await graph.get(item_url(folder, "/children"))).json()["value"]
    assert [i["name"] for i in listed] == ["Tuore muistio.txt"]  # a listing sees it at once
    await asyncio.sleep(0.35)
    assert [h["name"] for h in (await graph.get(url)).json()["value"]] == ["Tuore muistio.txt"]


async def test_unknown_items_and_drives_are_not_found(sandbox: Sandbox, graph: httpx.AsyncClient) -> None:
    folder = await channel_folder(graph, sandbox)
    assert (await graph.get(item_url(folder, ":/puuttuu.txt:"))).status_code == 404
    assert (await graph.get(item_url(folder).replace(folder["id"], "01NOTANID"))).status_code == 404
    assert (await graph.get(f"drives/b!nope/items/{ROOT_ID}/children")).status_code == 404
    climbing = item_url(folder).replace(folder["id"], quote(f"{folder['id']}:/../../etc:", safe=""))
    assert (await graph.get(climbing)).status_code == 400
    upward = item_url(folder).replace(folder["id"], quote(f"{folder['id']}:/../x.txt:", safe=""))
    assert (await graph.put(f"{upward}/content", content=b"x")).status_code == 400


async def test_batch_limits_and_throttled_items(sandbox: Sandbox, graph: httpx.AsyncClient) -> None:
    ids = sandbox.seed_team(TEAM, "T", ["Yksi", "Kaksi"])
    requests = [
        {"id": str(n), "method": "GET", "url": f"/teams/{TEAM}/channels/{quote(ids[name])}/filesFolder"}
        for n, name in enumerate(["Yksi", "Kaksi"])
    ]
    requests.append(
        {"id": "9", "method": "GET", "url": f"/teams/{TEAM}/channels/{quote('19:x@thread.tacv2')}"}
    )
    sandbox.inject(429, times=1, match=f"{ids['Yksi']}/filesFolder", retry_after=3)
    reply = await graph.post("$batch", json={"requests": requests})
    assert reply.status_code == 200
    statuses = {r["id"]: (r["status"], r["headers"].get("Retry-After")) for r in reply.json()["responses"]}
    assert statuses == {"0": (429, "3"), "1": (200, None), "9": (404, None)}
    # Answers come in another order than asked (concepts/json-batching.md): pair them by id.
    assert [r["id"] for r in reply.json()["responses"]] != ["0", "1", "9"]
    too_many = [{"id": str(n), "method": "GET", "url": f"/teams/{TEAM}/channels"} for n in range(21)]
    assert (await graph.post("$batch", json={"requests": too_many})).status_code == 400


async def test_injected_faults_answer_with_graph_errors(sandbox: Sandbox, graph: httpx.AsyncClient) -> None:
    sandbox.inject(503, times=1, match="/channels")
    sandbox.inject(404, times=1, match="/members")
    sandbox.inject(429, times=1, match="/channels", retry_after=7)
    unavailable = await graph.get(f"teams/{TEAM}/channels")
    assert unavailable.status_code == 503 and "Retry-After" not in unavailable.headers
    throttled = await graph.get(f"teams/{TEAM}/channels")
    assert (throttled.status_code, throttled.headers["Retry-After"]) == (429, "7")
    assert (await graph.get(f"teams/{TEAM}/members")).status_code == 404
    assert (await graph.get(f"teams/{TEAM}/channels")).status_code == 200  # faults are used up


async def test_members_are_bound_by_user_id(sandbox: Sandbox, graph: httpx.AsyncClient) -> None:
    url = f"teams/{TEAM}/members"
    user = "0a1b2c3d-0000-4000-8000-00000000abcd"
    member = {
        "@odata.type": "#microsoft.graph.aadUserConversationMember",
        "roles": [],
        "user@odata.bind": f"{sandbox.base_url}/users('{user}')",
    }
    assert (await graph.post(url, json=member)).status_code == 201
    assert (await graph.post(url, json={"roles": []})).status_code == 400
    unknown = member | {"user@odata.bind": f"{sandbox.base_url}/users('maija')"}
    assert (await graph.post(url, json=unknown)).status_code == 404
    assert [m["userId"] for m in (await graph.get(url)).json()["value"]] == [user]


async def test_a_restarted_sandbox_keeps_teams_channels_members_and_files(tmp_path) -> None:
    from graph import open_workspace
    from graph.sandbox import start_sandbox

    root = tmp_path / "graph-sandbox"
    first = await start_sandbox(root)
    first.seed_team(TEAM, "T", ["General"])
    workspace = open_workspace(first.graph_config())
    try:
        channel = await workspace.ensure_channel(TEAM, "Pysyvä verkosto")
        folder = await workspace.channel_folder(TEAM, channel.id)
        await workspace.upload(folder, "muistio.txt", b"notes")
        await workspace.add_member(TEAM, "0a1b2c3d-0000-4000-8000-00000000abcd")
    finally:
        await workspace.close()
        await first.stop()

    second = await start_sandbox(root)
    workspace = open_workspace(second.graph_config())
    try:
        assert second.seed_team(TEAM, "T", ["General"])["Pysyvä verkosto"] == channel.id
        assert second.members(TEAM) == ["0a1b2c3d-0000-4000-8000-00000000abcd"]
        folder = await workspace.channel_folder(TEAM, channel.id)
        files = await workspace.list_files(folder)
        assert [(f.name, f.size) for f in files] == [("muistio.txt", 5)]
        assert files[0].web_url.startswith(second.base_url.removesuffix("/v1.0"))
    finally:
        await workspace.close()
        await second.stop()
