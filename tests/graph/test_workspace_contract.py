"""The Workspace contract, driven through the real msgraph-sdk over HTTP against the Graph sandbox."""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import AsyncIterator

import httpx
import pytest

from core.errors import Invalid, NotFound, Unavailable
from core.join_flow import InvitationRefused
from core.workspace import (
    ChannelGone,
    ChannelLimitReached,
    ChannelNameReserved,
    ConflictBehavior,
    FileInfo,
    Folder,
    FolderNotReady,
    NameTaken,
    Throttled,
    Workspace,
    WorkspaceForbidden,
)
from graph import GraphWorkspace, open_workspace
from graph.channels import name_variant
from graph.config import FRAGMENT_UNIT, MIB
from graph.sandbox import Sandbox
from tests.graph.conftest import TEAM

USER = "0a1b2c3d-0000-4000-8000-00000000abcd"


async def network_folder(workspace: Workspace, name: str = "HR-kehittäjäverkosto") -> Folder:
    channel = await workspace.ensure_channel(TEAM, name)
    return await workspace.channel_folder(TEAM, channel.id)


async def pattern(total: int, chunk: int = MIB) -> AsyncIterator[bytes]:
    """`total` deterministic bytes, produced lazily in uneven chunks."""
    sent = 0
    index = 0
    while sent < total:
        block = (hashlib.sha256(index.to_bytes(8, "big")).digest() * (chunk // 32 + 1))[: chunk - index % 7]
        block = block[: total - sent]
        sent += len(block)
        index += 1
        yield block


async def digest_of(source: AsyncIterator[bytes]) -> str:
    hasher = hashlib.sha256()
    async for block in source:
        hasher.update(block)
    return hasher.hexdigest()


def test_the_graph_workspace_implements_every_operation_of_the_port() -> None:
    operations = [n for n, v in vars(Workspace).items() if inspect.iscoroutinefunction(v)]
    # with create_chat and install_app_in_chat (peer coaching), and the four of join requests
    assert len(operations) == 16
    for name in [*operations, "download"]:  # `download` is an async generator, not a coroutine
        ours = inspect.signature(getattr(GraphWorkspace, name))
        assert ours == inspect.signature(getattr(Workspace, name)), name


# -- channels ------------------------------------------------------------------------------------------


async def test_a_network_gets_a_channel_and_keeps_it(workspace: Workspace, sandbox: Sandbox) -> None:
    first = await workspace.ensure_channel(TEAM, "Pedagogisen johtamisen vertaisverkosto", "Verkosto")
    again = await workspace.ensure_channel(TEAM, "pedagogisen johtamisen vertaisverkosto")
    assert again.id == first.id
    assert first.name == "Pedagogisen johtamisen vertaisverkosto"
    assert sandbox.channel_names(TEAM).count(first.name) == 1


async def test_a_name_that_needs_cleaning_makes_a_valid_channel(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    channel = await workspace.ensure_channel(TEAM, "Koulutus- & palvelupäälliköt: verkosto? #2 " + "x" * 40)
    assert channel.name == "Koulutus- palvelupäälliköt verkosto 2"
    assert channel.name in sandbox.channel_names(TEAM)


async def test_a_name_with_nothing_valid_is_refused(workspace: Workspace) -> None:
    with pytest.raises(Invalid):
        await workspace.ensure_channel(TEAM, "???")


async def test_the_channel_limit_is_a_clear_domain_error(workspace: Workspace, sandbox: Sandbox) -> None:
    sandbox.switches.channel_limit = 2  # General + one more
    await workspace.ensure_channel(TEAM, "Ensimmäinen")
    with pytest.raises(ChannelLimitReached) as caught:
        await workspace.ensure_channel(TEAM, "Toinen")
    assert caught.value.key == "graph.error.channel_limit"
    # Reusing an existing channel still works at the limit.
    assert (await workspace.ensure_channel(TEAM, "Ensimmäinen")).name == "Ensimmäinen"


async def test_a_deleted_channels_name_is_named_as_the_cause_with_a_free_variant(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    # A deleted channel's name stays taken (microsoft-graph-docs#6649): not an invalid name.
    gone = await workspace.ensure_channel(TEAM, "Vanha verkosto")
    sandbox.delete_channel(TEAM, gone.id)
    await workspace.ensure_channel(TEAM, "Vanha verkosto 2")  # a live channel has the first variant
    with pytest.raises(ChannelNameReserved) as caught:
        await workspace.ensure_channel(TEAM, "vanha verkosto")
    assert (caught.value.key, caught.value.params) == (
        "graph.error.channel_name_reserved",
        {"name": "vanha verkosto", "variant": "vanha verkosto 3"},
    )
    renamed = await workspace.ensure_channel(TEAM, caught.value.variant)
    assert renamed.name == "vanha verkosto 3"
    # Restored by a team owner, the old channel is found and reused.
    sandbox.restore_channel(TEAM, gone.id)
    assert (await workspace.ensure_channel(TEAM, "Vanha verkosto")).id == gone.id


def test_name_variants_count_on_and_stay_valid() -> None:
    assert name_variant("Verkosto", set()) == "Verkosto 2"
    assert name_variant("Verkosto 2", {"verkosto 3"}) == "Verkosto 4"
    long = "Koulutus- ja palvelupäälliköiden vertaisverkosto xy"[:50]
    assert len(name_variant(long, set())) <= 50 and name_variant(long, set()).endswith(" 2")


async def test_an_unknown_team_is_not_found(workspace: Workspace) -> None:
    with pytest.raises(NotFound) as caught:
        await workspace.ensure_channel("no-such-team", "Verkosto")
    assert caught.value.key == "graph.error.team_not_found"


# -- channel folder ------------------------------------------------------------------------------------


async def test_the_folder_is_awaited_while_teams_provisions_it(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    sandbox.switches.files_folder_delay = 1.2
    channel = await workspace.ensure_channel(TEAM, "Johtamisosaamisen verkosto")
    sandbox.reset_counts()
    folder = await workspace.channel_folder(TEAM, channel.id)
    assert folder.name == "Johtamisosaamisen verkosto"
    assert folder.path == "Johtamisosaamisen verkosto"
    assert sum("filesFolder" in line for line in sandbox.request_log) >= 2  # it really waited


async def test_a_folder_that_never_appears_is_reported(sandbox: Sandbox) -> None:
    sandbox.switches.files_folder_delay = 60
    impatient = open_workspace(sandbox.graph_config(folder_wait_seconds=0.5))
    try:
        channel = await impatient.ensure_channel(TEAM, "Hidas verkosto")
        with pytest.raises(FolderNotReady):
            await impatient.channel_folder(TEAM, channel.id)
    finally:
        await impatient.close()


async def test_a_deleted_channel_is_gone(workspace: Workspace, sandbox: Sandbox) -> None:
    channel = await workspace.ensure_channel(TEAM, "Poistuva verkosto")
    sandbox.delete_channel(TEAM, channel.id)
    with pytest.raises(ChannelGone) as caught:
        await workspace.channel_folder(TEAM, channel.id)
    assert caught.value.key == "graph.error.channel_gone"


# -- folders -------------------------------------------------------------------------------------------


async def test_nested_folders_are_created_once(workspace: Workspace, sandbox: Sandbox) -> None:
    root = await network_folder(workspace)
    meeting = await workspace.ensure_folder(root, "Tapaamiset/2021-05-12 Tasa-arvosuunnitelma")
    again = await workspace.ensure_folder(root, "Tapaamiset/2021-05-12 Tasa-arvosuunnitelma")
    assert again.item_id == meeting.item_id
    assert meeting.path == "HR-kehittäjäverkosto/Tapaamiset/2021-05-12 Tasa-arvosuunnitelma"
    assert sandbox.disk_path(TEAM, meeting.path).is_dir()


async def test_folder_names_are_cleaned(workspace: Workspace) -> None:
    root = await network_folder(workspace)
    folder = await workspace.ensure_folder(root, 'Tapaamiset/12.5. Työpaja: "osa 1"?')
    assert folder.name == "12.5. Työpaja osa 1"


async def test_a_file_in_the_way_of_a_folder_is_a_conflict(workspace: Workspace) -> None:
    root = await network_folder(workspace)
    await workspace.upload(root, "Tapaamiset", b"not a folder")
    with pytest.raises(NameTaken):
        await workspace.ensure_folder(root, "Tapaamiset/2021")


# -- uploads -------------------------------------------------------------------------------------------


async def test_a_small_file_is_stored_and_its_link_opens_it(workspace: Workspace) -> None:
    root = await network_folder(workspace)
    info = await workspace.upload(root, "Esitys: tasa-arvo?.pptx", b"slides")
    assert (info.name, info.size, info.path) == ("Esitys tasa-arvo.pptx", 6, "Esitys tasa-arvo.pptx")
    assert info.author
    async with httpx.AsyncClient() as browser:
        opened = await browser.get(info.web_url)
    assert opened.status_code == 200
    assert opened.content == b"slides"


@pytest.mark.parametrize("conflict", list(ConflictBehavior))
async def test_conflict_behaviour_is_explicit(workspace: Workspace, conflict: ConflictBehavior) -> None:
    root = await network_folder(workspace)
    first = await workspace.upload(root, "muistio.docx", b"first")
    if conflict is ConflictBehavior.FAIL:
        with pytest.raises(NameTaken):
            await workspace.upload(root, "muistio.docx", b"second", conflict=conflict)
        return
    second = await workspace.upload(root, "muistio.docx", b"second!", conflict=conflict)
    if conflict is ConflictBehavior.REPLACE:
        assert (second.id, second.size) == (first.id, 7)
    else:
        assert second.name == "muistio 1.docx"
    assert len(await workspace.list_files(root)) == (1 if conflict is ConflictBehavior.REPLACE else 2)


async def test_conflict_fail_also_holds_for_upload_sessions(workspace: Workspace) -> None:
    root = await network_folder(workspace)
    await workspace.upload(root, "iso.bin", pattern(2 * MIB), size=2 * MIB)
    with pytest.raises(NameTaken):
        await workspace.upload(
            root, "iso.bin", pattern(2 * MIB), size=2 * MIB, conflict=ConflictBehavior.FAIL
        )


async def test_a_throttled_simple_upload_is_retried(workspace: Workspace, sandbox: Sandbox) -> None:
    root = await network_folder(workspace)
    sandbox.inject(429, times=2, match="/content", retry_after=1)
    info = await workspace.upload(root, "kysely.xlsx", b"answers")
    assert info.size == 7
    assert sum(line.endswith("/content") for line in sandbox.request_log) == 3


async def test_throttled_and_unavailable_fragments_are_resent(workspace: Workspace, sandbox: Sandbox) -> None:
    root = await network_folder(workspace)
    sandbox.inject(429, times=1, match="PUT /upload/", retry_after=1)
    sandbox.inject(503, times=1, match="PUT /upload/")
    size = 3 * MIB + 123
    info = await workspace.upload(root, "nauhoite.mp4", pattern(size), size=size)
    assert info.size == size
    on_disk = sandbox.disk_path(TEAM, f"{root.path}/nauhoite.mp4").read_bytes()
    assert hashlib.sha256(on_disk).hexdigest() == await digest_of(pattern(size))
    assert sandbox.open_upload_sessions() == 0


async def test_throttled_and_unavailable_json_calls_are_retried(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    sandbox.inject(429, times=1, match="POST /teams/", retry_after=1)
    sandbox.inject(503, times=1, match="filesFolder", retry_after=1)
    channel = await workspace.ensure_channel(TEAM, "Sitkeä verkosto")
    folder = await workspace.channel_folder(TEAM, channel.id)
    assert folder.name == "Sitkeä verkosto"
    assert sum(line == f"POST /v1.0/teams/{TEAM}/channels" for line in sandbox.request_log) == 2


async def test_a_folder_that_disappears_is_not_found(workspace: Workspace, sandbox: Sandbox) -> None:
    root = await network_folder(workspace)
    sandbox.inject(404, times=1, match="/children")
    with pytest.raises(NotFound) as caught:
        await workspace.list_files(root)
    assert caught.value.key == "graph.error.folder_not_found"


async def test_a_fragment_whose_answer_was_lost_is_not_sent_twice(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    root = await network_folder(workspace)
    sandbox.inject(503, times=1, match="PUT /upload/", after=True)  # stored, but the client sees 503
    size = 2 * MIB
    info = await workspace.upload(root, "aineisto.zip", pattern(size), size=size)
    assert info.size == size
    fragments = [line for line in sandbox.request_log if line.startswith("PUT /upload/")]
    # Before resending, the session's status showed the bytes had arrived: no fragment went twice.
    assert len(fragments) == -(-size // (2 * FRAGMENT_UNIT))
    assert sum(line.startswith("GET /upload/") for line in sandbox.request_log) == 1
    on_disk = sandbox.disk_path(TEAM, f"{root.path}/aineisto.zip").read_bytes()
    assert hashlib.sha256(on_disk).hexdigest() == await digest_of(pattern(size))


async def test_a_fragment_answered_500_is_resumed_and_the_upload_completes(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    # "Resume or retry uploads that fail due to ... any 5xx errors" (api/driveitem-createuploadsession.md).
    root = await network_folder(workspace)
    sandbox.inject(500, times=1, match="PUT /upload/")
    sandbox.inject(502, times=1, match="PUT /upload/")
    size = 2 * MIB + 5
    info = await workspace.upload(root, "Alustus.pptx", pattern(size), size=size)
    assert info.size == size and info.path == "Alustus.pptx"
    on_disk = sandbox.disk_path(TEAM, f"{root.path}/Alustus.pptx").read_bytes()
    assert hashlib.sha256(on_disk).hexdigest() == await digest_of(pattern(size))
    assert sandbox.open_upload_sessions() == 0


async def test_a_session_that_is_gone_starts_the_upload_over(workspace: Workspace, sandbox: Sandbox) -> None:
    # "Handle 404 Not Found errors ... by starting the entire upload over" (the same page). The bytes
    # came as a stream that can be read once: the second session is fed from the spool.
    root = await network_folder(workspace)
    size = 3 * MIB
    sandbox.inject(404, times=1, match="PUT /upload/", after=True)  # the first fragment lands, then the
    # session is gone
    sandbox.reset_counts()
    info = await workspace.upload(root, "Nauhoite.mp4", pattern(size), size=size)
    assert info.size == size
    assert sum("createUploadSession" in line for line in sandbox.request_log) == 2
    on_disk = sandbox.disk_path(TEAM, f"{root.path}/Nauhoite.mp4").read_bytes()
    assert hashlib.sha256(on_disk).hexdigest() == await digest_of(pattern(size))
    assert sandbox.open_upload_sessions() == 0
    assert [f.name for f in await workspace.list_files(root)] == ["Nauhoite.mp4"]  # once, not twice


async def test_a_session_that_keeps_vanishing_is_reported(workspace: Workspace, sandbox: Sandbox) -> None:
    root = await network_folder(workspace)
    sandbox.inject(404, times=10, match="PUT /upload/")
    with pytest.raises(Unavailable) as caught:
        await workspace.upload(root, "Nauhoite.mp4", pattern(2 * MIB), size=2 * MIB)
    assert caught.value.key == "graph.error.upload_failed"
    assert await workspace.list_files(root) == []


async def test_a_lost_answer_to_the_last_fragment_does_not_store_the_file_twice(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    root = await network_folder(workspace)
    size = 2 * FRAGMENT_UNIT + 10  # two fragments; the second one completes the file
    sandbox.inject(503, times=2, match="PUT /upload/")  # the first fragment's two tries
    sandbox.inject(502, times=1, match="PUT /upload/", after=True)  # the last one lands, its answer is lost
    info = await workspace.upload(
        root, "Diat.pptx", pattern(size), size=size, conflict=ConflictBehavior.RENAME
    )
    assert info.name == "Diat.pptx" and info.size == size
    assert [f.name for f in await workspace.list_files(root)] == ["Diat.pptx"]


async def test_a_refused_upload_session_falls_back_to_one_simple_upload(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    # createUploadSession documents only Sites.ReadWrite.All; with Files.ReadWrite.All it is refused, and a
    # file of at most 250 MB goes as one streamed PUT instead.
    root = await network_folder(workspace)
    sandbox.inject(403, times=1, match="createUploadSession")
    size = 3 * MIB + 1
    sandbox.reset_counts()
    info = await workspace.upload(root, "Iso esitys.pptx", pattern(size), size=size)
    assert info.size == size
    assert sum(line.endswith("/content") and line.startswith("PUT") for line in sandbox.request_log) == 1
    on_disk = sandbox.disk_path(TEAM, f"{root.path}/Iso esitys.pptx").read_bytes()
    assert hashlib.sha256(on_disk).hexdigest() == await digest_of(pattern(size))


async def test_throttling_that_never_ends_is_reported(sandbox: Sandbox) -> None:
    stubborn = open_workspace(sandbox.graph_config(max_retries=2))
    try:
        root = await network_folder(stubborn)
        sandbox.inject(503, times=50, match="/content", retry_after=0)
        with pytest.raises(Throttled) as caught:
            await stubborn.upload(root, "a.txt", b"x")
        assert isinstance(caught.value, Unavailable)
    finally:
        await stubborn.close()


async def test_a_300_mb_file_goes_through_an_upload_session(sandbox: Sandbox) -> None:
    big = open_workspace(sandbox.graph_config(fragment_size=32 * FRAGMENT_UNIT))  # 10 MiB fragments
    size = 300 * 1000 * 1000
    try:
        root = await network_folder(big)
        sandbox.reset_counts()
        info = await big.upload(root, "Webinaari 2021-05-12.mp4", pattern(size, 4 * MIB), size=size)
    finally:
        await big.close()
    assert info.size == size
    assert not any(line.endswith("/content") for line in sandbox.request_log)  # never the simple PUT
    fragments = [line for line in sandbox.request_log if line.startswith("PUT /upload/")]
    assert len(fragments) == -(-size // (32 * FRAGMENT_UNIT))
    disk = sandbox.disk_path(TEAM, f"{root.path}/Webinaari 2021-05-12.mp4")
    hasher = hashlib.sha256()
    with disk.open("rb") as handle:
        while block := handle.read(8 * MIB):
            hasher.update(block)
    assert hasher.hexdigest() == await digest_of(pattern(size, 4 * MIB))


async def test_a_chunk_source_needs_a_size_that_matches(workspace: Workspace, sandbox: Sandbox) -> None:
    root = await network_folder(workspace)
    with pytest.raises(ValueError, match="size"):
        await workspace.upload(root, "a.bin", pattern(10))
    with pytest.raises(Invalid):
        await workspace.upload(root, "b.bin", pattern(3 * MIB), size=2 * MIB)
    with pytest.raises(Invalid):
        await workspace.upload(root, "c.bin", pattern(100), size=200)
    assert sandbox.open_upload_sessions() == 0
    assert await workspace.list_files(root) == []


# -- listing and search --------------------------------------------------------------------------------


async def _fill(workspace: Workspace, root: Folder) -> None:
    meeting = await workspace.ensure_folder(root, "Tapaamiset/2021-05-12 Tasa-arvosuunnitelma")
    for name in ("Alustus.pptx", "Pienryhmät.docx", "Tasa-arvo kysely.xlsx"):
        await workspace.upload(meeting, name, name.encode())
    for name in ("Säännöt.pdf", "Jäsenet.xlsx", "Aikataulu.docx"):
        await workspace.upload(root, name, name.encode())
    badges = await workspace.ensure_folder(root, "Osaamismerkit")
    await workspace.upload(badges, "Itsearviointi.pdf", b"pdf")


async def test_files_are_listed_recursively_across_pages(workspace: Workspace, sandbox: Sandbox) -> None:
    sandbox.switches.page_size = 2
    root = await network_folder(workspace)
    await _fill(workspace, root)
    sandbox.reset_counts()
    files = await workspace.list_files(root)
    paths = sorted(f.path for f in files)
    assert paths == [
        "Aikataulu.docx",
        "Jäsenet.xlsx",
        "Osaamismerkit/Itsearviointi.pdf",
        "Säännöt.pdf",
        "Tapaamiset/2021-05-12 Tasa-arvosuunnitelma/Alustus.pptx",
        "Tapaamiset/2021-05-12 Tasa-arvosuunnitelma/Pienryhmät.docx",
        "Tapaamiset/2021-05-12 Tasa-arvosuunnitelma/Tasa-arvo kysely.xlsx",
    ]
    assert any("skiptoken" in line or "children" in line for line in sandbox.request_log)
    # root: 5 items = 3 pages; Osaamismerkit 1; Tapaamiset 1; the meeting folder: 3 items = 2 pages
    assert sum("children" in line for line in sandbox.request_log) == 7
    top = await workspace.list_files(root, recursive=False)
    assert sorted(f.name for f in top) == ["Aikataulu.docx", "Jäsenet.xlsx", "Säännöt.pdf"]
    sample = next(f for f in files if f.name == "Alustus.pptx")
    assert isinstance(sample, FileInfo) and sample.size == len(b"Alustus.pptx") and sample.author
    assert sample.modified.tzinfo is not None and sample.web_url.startswith("http://127.0.0.1")


MEETING = "Tapaamiset/2021-05-12 Tasa-arvosuunnitelma"


async def test_paths_with_spaces_and_finnish_letters_are_decoded(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    # Graph percent-encodes parentReference.path ("/drives/x/root:/P%C3%A4%C3%A4t%C3%B6sten%20verkosto",
    # resources/itemreference.md): a meeting folder came back as "2021-05-12%20Teema" and lost its files.
    channel = await workspace.ensure_channel(TEAM, "Päätösten ja öljyn verkosto")
    root = await workspace.channel_folder(TEAM, channel.id)
    assert root.path == "Päätösten ja öljyn verkosto"
    meeting = await workspace.ensure_folder(root, "Tapaamiset/2021-05-12 Yhteinen teema")
    assert meeting.path == "Päätösten ja öljyn verkosto/Tapaamiset/2021-05-12 Yhteinen teema"
    await workspace.upload(meeting, "Alustus ääni.pptx", b"deck")
    await workspace.upload(root, "50% valmis.docx", b"doc")
    wanted = ["50% valmis.docx", "Tapaamiset/2021-05-12 Yhteinen teema/Alustus ääni.pptx"]
    assert sorted(f.path for f in await workspace.list_files(root)) == wanted
    batched = await workspace.list_files_of_channels(TEAM, [channel.id])
    assert sorted(f.path for f in batched[channel.id]) == wanted
    (hit,) = await workspace.search(root, "alustus")
    assert hit.path == wanted[1]
    (hit,) = (await workspace.search_channels(TEAM, [channel.id], "alustus"))[channel.id]
    assert hit.path == wanted[1]


async def test_files_are_found_by_the_words_of_their_names(workspace: Workspace, sandbox: Sandbox) -> None:
    sandbox.switches.page_size = 1
    root = await network_folder(workspace)
    await _fill(workspace, root)
    found = await workspace.search(root, "  tasa-arvo   KYSELY ")
    assert [f.path for f in found] == [f"{MEETING}/Tasa-arvo kysely.xlsx"]
    hits = await workspace.search(root, "xlsx")
    assert sorted(f.path for f in hits) == ["Jäsenet.xlsx", f"{MEETING}/Tasa-arvo kysely.xlsx"]
    assert await workspace.search(root, "ei'löydy") == []
    everything = await workspace.search(root, "   ")
    assert len(everything) == 7  # no words: every file


async def test_parts_of_compound_words_are_found_in_names(workspace: Workspace, sandbox: Sandbox) -> None:
    # Graph matches whole words and their beginnings; "suunnitelma" is the end of "Tasa-arvosuunnitelma".
    root = await network_folder(workspace)
    meeting = await workspace.ensure_folder(root, MEETING)
    sandbox.seed_file(TEAM, f"{meeting.path}/Tasa-arvosuunnitelma.pptx", b"PK")
    sandbox.seed_file(TEAM, f"{meeting.path}/muistio.txt", "Työhyvinvointisuunnitelma valmistui.".encode())
    assert [f.name for f in await workspace.search(root, "suunnitelma")] == ["Tasa-arvosuunnitelma.pptx"]
    # Inside a file only Graph's words count: the beginning of a compound is found, its end is not.
    assert [f.name for f in await workspace.search(root, "työhyvinvointi")] == ["muistio.txt"]
    assert [f.name for f in await workspace.search(root, "valmistui")] == ["muistio.txt"]


async def test_words_inside_files_are_found(workspace: Workspace, sandbox: Sandbox) -> None:
    root = await network_folder(workspace)
    await _fill(workspace, root)
    meeting = await workspace.ensure_folder(root, f"{MEETING}/Pienryhmät")
    sandbox.seed_file(
        TEAM, f"{meeting.path}/muistio.txt", "Keskustelimme tasa-arvosta ja jäsenistä.".encode()
    )
    sandbox.reset_counts()
    (hit,) = await workspace.search(root, "KESKUSTELIMME jäsenistä")
    assert (hit.name, hit.path) == ("muistio.txt", f"{MEETING}/Pienryhmät/muistio.txt")
    assert hit.web_url and hit.size and hit.author
    # The library is searched once, in the documented form, beside the listing (one batch per level).
    searches = [line for line in sandbox.batch_log if "search" in line]
    assert len(searches) == 1 and "/root/search(q='KESKUSTELIMME jäsenistä')" in searches[0]


async def test_another_channels_files_are_not_shown(workspace: GraphWorkspace, sandbox: Sandbox) -> None:
    # SharePoint answers a folder's search from the whole library (onedrive-api-docs#1265): the other
    # channel's file is among Graph's hits, and the bot must not show it as this channel's.
    ours = await workspace.ensure_channel(TEAM, "HR-kehittäjäverkosto")
    theirs = await workspace.ensure_channel(TEAM, "Johtamisosaamisen verkosto")
    root = await workspace.channel_folder(TEAM, ours.id)
    other = await workspace.channel_folder(TEAM, theirs.id)
    sandbox.seed_file(TEAM, f"{root.path}/{MEETING}/muistio.txt", b"Budjetti ja jaksaminen")
    sandbox.seed_file(TEAM, f"{other.path}/Tapaamiset/2021-06-01 Talous/budjetti.xlsx", b"PK")
    sandbox.seed_file(TEAM, "General/Budjetti 2021.docx", b"PK")
    assert [f.path for f in await workspace.search(root, "budjetti")] == [f"{MEETING}/muistio.txt"]
    found = await workspace.search_channels(TEAM, [ours.id, theirs.id], "budjetti")
    assert [f.path for f in found[ours.id]] == [f"{MEETING}/muistio.txt"]
    assert [f.path for f in found[theirs.id]] == ["Tapaamiset/2021-06-01 Talous/budjetti.xlsx"]


async def test_a_refused_search_still_finds_files_by_name(workspace: Workspace, sandbox: Sandbox) -> None:
    # Search does not accept Sites.Selected (api/driveitem-search.md): a 403 leaves the names to match.
    root = await network_folder(workspace)
    meeting = await workspace.ensure_folder(root, MEETING)
    sandbox.seed_file(TEAM, f"{meeting.path}/Jaksaminen.pptx", b"PK")
    sandbox.seed_file(TEAM, f"{meeting.path}/muistio.txt", b"jaksaminen")
    sandbox.inject(403, times=2, match="/search(")
    assert [f.path for f in await workspace.search(root, "jaksaminen")] == [f"{MEETING}/Jaksaminen.pptx"]
    assert [f.name for f in await workspace.search(root, "jaksaminen")] == ["Jaksaminen.pptx"]
    assert sorted(f.name for f in await workspace.search(root, "jaksaminen")) == [
        "Jaksaminen.pptx",
        "muistio.txt",
    ]


async def test_a_file_stored_a_moment_ago_is_found_while_the_index_lags(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    sandbox.switches.index_lag = 600  # Graph's index lags minutes behind uploads (onedrive-api-docs#1499)
    root = await network_folder(workspace)
    meeting = await workspace.ensure_folder(root, MEETING)
    await workspace.upload(meeting, "Jaksaminen työssä.pptx", b"Tuore esitys")
    assert [f.name for f in await workspace.search(root, "jaksaminen")] == ["Jaksaminen työssä.pptx"]
    assert await workspace.search(root, "tuore") == []  # its content is not indexed yet
    sandbox.switches.index_lag = 0
    assert [f.name for f in await workspace.search(root, "tuore")] == ["Jaksaminen työssä.pptx"]


async def test_many_channels_are_searched_in_batches(workspace: GraphWorkspace, sandbox: Sandbox) -> None:
    names = [f"Verkosto {n:02}" for n in range(23)]
    ids = sandbox.seed_team(TEAM, "Vertaansa vailla", [*names, "Poistettu"])
    for n, name in enumerate(names):
        folder = f"{name}/Tapaamiset/2026-0{1 + n % 9}-01 Teema {n}"
        sandbox.seed_file(TEAM, f"{folder}/muistio-{n}.txt", "Työhyvinvointi ja jaksaminen".encode())
        sandbox.seed_file(TEAM, f"{folder}/muuta-{n}.txt", b"ei osumaa")
    sandbox.seed_file(TEAM, "Verkosto 00/Jaksaminen.pdf", b"%PDF")
    sandbox.delete_channel(TEAM, ids["Poistettu"])
    sandbox.inject(429, times=1, match="search", retry_after=0)
    sandbox.reset_counts()
    wanted = [ids[name] for name in [*names, "Poistettu"]]
    found = await workspace.search_channels(TEAM, wanted, "TYÖHYVINVOINTI jaksaminen")
    assert sorted(f.path for f in found[ids["Verkosto 00"]]) == [
        "Tapaamiset/2026-01-01 Teema 0/muistio-0.txt"
    ]
    assert [f.path for f in found[ids["Verkosto 22"]]] == ["Tapaamiset/2026-05-01 Teema 22/muistio-22.txt"]
    assert found[ids["Poistettu"]] == []
    # folders: 2 batches (20 + 4); the listing: 3 levels of 2 batches each (23 channel folders, their
    # Tapaamiset, their meeting folders); the one library search and its throttled re-send
    assert sandbox.round_trips == 2 + 3 * 2 + 2
    assert sum("search" in line for line in sandbox.batch_log) == 2
    jaksaminen = await workspace.search_channels(TEAM, wanted[:1], "jaksaminen")
    assert sorted(f.path for f in jaksaminen[ids["Verkosto 00"]]) == [
        "Jaksaminen.pdf",
        "Tapaamiset/2026-01-01 Teema 0/muistio-0.txt",
    ]
    listed = await workspace.search_channels(TEAM, wanted[:1], "")
    assert len(listed[ids["Verkosto 00"]]) == 3  # no words: the listing


async def test_many_channels_are_listed_in_batches(workspace: Workspace, sandbox: Sandbox) -> None:
    names = [f"Verkosto {n:02}" for n in range(23)]
    ids = sandbox.seed_team(TEAM, "Vertaansa vailla", names)
    for n, name in enumerate(names):
        sandbox.seed_file(TEAM, f"{name}/aineisto-{n}.pdf", b"x" * n, author="Maija Meikäläinen")
    sandbox.seed_file(TEAM, "Verkosto 00/Tapaamiset/muistio.docx", b"notes")
    sandbox.inject(429, times=3, match="filesFolder", retry_after=1)
    sandbox.reset_counts()
    listed = await workspace.list_files_of_channels(TEAM, [ids[name] for name in names])
    assert sorted(f.path for f in listed[ids["Verkosto 00"]]) == ["Tapaamiset/muistio.docx", "aineisto-0.pdf"]
    assert [(f.name, f.size, f.author) for f in listed[ids["Verkosto 22"]]] == [
        ("aineisto-22.pdf", 22, "Maija Meikäläinen")
    ]
    # folders: 2 batches (20 + 3) and 1 re-send of the 3 throttled items; children: 2 batches for the 23
    # channel folders, 1 for the one subfolder
    assert sandbox.round_trips == 2 + 1 + 2 + 1


async def test_a_deleted_channel_lists_as_empty_in_a_batch(workspace: Workspace, sandbox: Sandbox) -> None:
    ids = sandbox.seed_team(TEAM, "Vertaansa vailla", ["Elossa", "Poistettu"])
    sandbox.seed_file(TEAM, "Elossa/a.txt", b"a")
    sandbox.delete_channel(TEAM, ids["Poistettu"])
    listed = await workspace.list_files_of_channels(TEAM, [ids["Elossa"], ids["Poistettu"]])
    assert [f.name for f in listed[ids["Elossa"]]] == ["a.txt"]
    assert listed[ids["Poistettu"]] == []


# -- members and authentication ------------------------------------------------------------------------


async def test_a_person_is_added_to_the_team_once(workspace: Workspace, sandbox: Sandbox) -> None:
    await workspace.add_member(TEAM, USER)
    await workspace.add_member(TEAM, USER)
    assert sandbox.members(TEAM) == [USER]


async def test_an_unknown_person_is_not_found(workspace: Workspace) -> None:
    with pytest.raises(NotFound) as caught:
        await workspace.add_member(TEAM, "not-a-user")
    assert caught.value.key == "graph.error.user_not_found"


async def test_people_let_in_by_a_join_request(workspace: Workspace, sandbox: Sandbox) -> None:
    member = sandbox.seed_user("uusi.jasen@vertaisbotti.sandbox")
    assert await workspace.add_member_by_address(TEAM, "Uusi.Jasen@vertaisbotti.sandbox") == member
    assert await workspace.add_member_by_address(TEAM, "nobody@elsewhere.example") is None
    guest = await workspace.invite_guest("vieras@elsewhere.example", "Vieras", "https://bot.example", "en")
    assert guest == await workspace.invite_guest("vieras@elsewhere.example", "", "https://bot.example", "fi")
    await workspace.add_group_member(TEAM, guest)
    await workspace.add_group_member(TEAM, guest)  # 400 "already exist": nothing to do
    assert sorted(sandbox.members(TEAM)) == sorted([member, guest])
    # a guest's principal name is not their address; by id, Graph refuses an application adding a guest
    assert await workspace.add_member_by_address(TEAM, "vieras@elsewhere.example") is None
    with pytest.raises(WorkspaceForbidden):
        await workspace.add_member(TEAM, guest)
    sandbox.switches.blocked_domains = frozenset({"blocked.example"})
    with pytest.raises(InvitationRefused):
        await workspace.invite_guest("x@blocked.example", "", "https://bot.example", "fi")
    await workspace.send_mail("bot@vertaisbotti.sandbox", "vieras@elsewhere.example", "Otsikko", "Teksti")
    assert sandbox.mail[0]["toRecipients"] == [{"emailAddress": {"address": "vieras@elsewhere.example"}}]


async def test_a_wrong_client_secret_is_an_auth_error(sandbox: Sandbox) -> None:
    wrong = open_workspace(sandbox.graph_config(client_secret="wrong"))
    try:
        with pytest.raises(Unavailable) as caught:
            await wrong.ensure_channel(TEAM, "Verkosto")
        assert caught.value.key == "graph.error.auth"
    finally:
        await wrong.close()


async def test_an_untrusted_authority_certificate_is_refused(sandbox: Sandbox) -> None:
    untrusting = open_workspace(sandbox.graph_config(ca_bundle=None))
    try:
        with pytest.raises(Unavailable) as caught:
            await untrusting.ensure_channel(TEAM, "Verkosto")
        assert caught.value.key == "graph.error.auth"
    finally:
        await untrusting.close()


# -- download ------------------------------------------------------------------------------------------


async def test_a_file_is_downloaded_in_chunks_through_graphs_redirect(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    root = await network_folder(workspace)
    size = 2 * MIB + 77
    info = await workspace.upload(root, "Työhyvinvointi.pptx", pattern(size), size=size)
    assert info.drive_id == root.drive_id
    sandbox.reset_counts()
    sandbox.inject(429, times=1, match="/content", retry_after=1)
    chunks = [chunk async for chunk in workspace.download(info.drive_id, info.id)]
    assert len(chunks) > 1  # streamed, not read whole
    assert hashlib.sha256(b"".join(chunks)).hexdigest() == await digest_of(pattern(size))
    # The throttled GET was retried; the redirect target (no token) is outside /v1.0.
    assert sum(line.endswith("/content") for line in sandbox.request_log) == 2


async def test_listed_files_name_their_drive_and_a_missing_file_is_not_found(
    workspace: Workspace, sandbox: Sandbox
) -> None:
    root = await network_folder(workspace)
    await workspace.upload(root, "muistio.txt", b"notes")
    (listed,) = await workspace.list_files(root)
    assert listed.drive_id == root.drive_id
    assert b"".join([c async for c in workspace.download(listed.drive_id, listed.id)]) == b"notes"
    with pytest.raises(NotFound):
        [c async for c in workspace.download(root.drive_id, "01NOSUCHITEM")]
    with pytest.raises(NotFound):
        [c async for c in workspace.download(root.drive_id, root.item_id)]  # a folder has no content
