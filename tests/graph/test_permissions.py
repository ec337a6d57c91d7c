"""The permission table (`graph.permissions`) covers every documented call, and the sandbox refuses a call
as Graph does when none of its page's permissions is granted: the layer's fallbacks then still answer."""

from __future__ import annotations

import hashlib

from graph import GraphWorkspace
from graph.config import MIB
from graph.permissions import ACCEPTED, RECOMMENDED, RSC, permitted
from graph.sandbox import Sandbox
from graph.sandbox.access import page_of
from tests.graph.conftest import TEAM
from tests.graph.test_documented_shapes import FIXTURES


def test_every_documented_page_lists_its_permissions() -> None:
    pages = set(FIXTURES) - {"errors", "json-batching"}  # concepts, not calls
    assert pages == set(ACCEPTED)
    assert all(permitted(page, RECOMMENDED) for page in ACCEPTED)


def test_requests_are_told_apart_by_page() -> None:
    drive = "/drives/b%21x"
    assert page_of("GET", f"{drive}/root/search(q='a%2Fb')") == "driveitem-search"
    assert page_of("GET", f"{drive}/items/01AB:/Tapaamiset/a%20b:/children") == "driveitem-list-children"
    assert (
        page_of("POST", f"{drive}/items/01AB:/a.bin:/createUploadSession") == "driveitem-createuploadsession"
    )
    assert page_of("PUT", f"{drive}/items/01AB:/children.txt:/content") == "driveitem-put-content"
    assert page_of("GET", f"{drive}/items/01AB") == "driveitem-get"
    assert page_of("DELETE", f"{drive}/items/01AB") == "driveitem-delete"
    assert page_of("GET", "/teams/t/channels/19%3Aa%40thread.tacv2/filesFolder") == "channel-get-filesfolder"
    assert page_of("GET", "/teams/t/channels/19%3Aa%40thread.tacv2") == "channel-get"
    assert page_of("DELETE", "/teams/t/channels/19%3Aa%40thread.tacv2") is None


async def test_a_files_readwrite_tenant_still_files_large_decks_and_finds_them_by_name(
    workspace: GraphWorkspace, sandbox: Sandbox
) -> None:
    # No Sites.ReadWrite.All: createUploadSession and search are refused (403) as their pages document.
    sandbox.switches.permissions = RSC | {"Files.ReadWrite.All"}
    channel = await workspace.ensure_channel(TEAM, "Tiedostoverkosto")
    root = await workspace.channel_folder(TEAM, channel.id)
    meeting = await workspace.ensure_folder(root, "Tapaamiset/2021-05-12 Teema")
    deck = b"x" * (2 * MIB)  # above the test workspace's session threshold
    await workspace.upload(meeting, "Iso esitys.pptx", deck, size=len(deck))
    on_disk = sandbox.disk_path(TEAM, f"{meeting.path}/Iso esitys.pptx").read_bytes()
    assert hashlib.sha256(on_disk).digest() == hashlib.sha256(deck).digest()
    assert any("createUploadSession" in line for line in sandbox.request_log)
    found = await workspace.search(root, "esitys")
    assert [f.path for f in found] == ["Tapaamiset/2021-05-12 Teema/Iso esitys.pptx"]
    # Graph's search was refused: words inside a file are not found, until Sites.ReadWrite.All is granted.
    sandbox.seed_file(TEAM, f"{meeting.path}/muistio.txt", "Työhyvinvointi".encode())
    assert await workspace.search(root, "työhyvinvointi") == []
    sandbox.switches.permissions = RECOMMENDED
    assert [f.name for f in await workspace.search(root, "työhyvinvointi")] == ["muistio.txt"]
