"""The materials' use cases (`core.materials_flow`) straight against the store, with no bot and no HTTP: a
recording workspace stands in for Graph and a local function for fetching what a person sent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from core import materials_flow
from core.errors import Conflict, NotAllowed, NotFound, Unavailable
from core.materials import Kind, NoChannel, meeting_folder, shortcut_file
from core.materials_flow import Sent
from core.meetings import Meeting, Reach
from core.networks import LaunchStep, Network, NetworkStatus
from core.teams import Team
from graph.names import clean_folder_name
from store import SqlStore
from tests.harness.workspace import RecordingWorkspace

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
HR = "19:hr@thread.tacv2"
TEAM = Team("team-1", "Vertaansa vailla", "tenant-1", "https://smba.example/", "19:general@thread.tacv2")
MEETING = Meeting("m-1", "hr", "Arviointi / palaute", NOW + timedelta(days=2), ("aad-pekka",), "aad-liisa")


@dataclass
class Fetched:
    size: int
    chunks: AsyncIterator[bytes]


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


@asynccontextmanager
async def fetch(url: str, limit: int) -> AsyncIterator[Fetched]:
    if "down" in url:
        raise Unavailable("materials.error.download_failed", status=503)
    yield Fetched(5, _chunks(b"slide"))


async def hr_meeting(store: SqlStore, *, channel: bool = True) -> None:
    await store.save_network(Network("hr", "HR-verkosto", "HR network", "", ""))
    if channel:
        await store.record_launch("hr", LaunchStep.DONE, channel_id=HR, status=NetworkStatus.ACTIVE)
    await store.set_facilitator("hr", "aad-liisa")
    await store.create_meeting(MEETING, Reach("https://smba.example/"))


async def offer(store: SqlStore, sent: Sent, user: str = "aad-pekka", personal: bool = True) -> str:
    offered = await materials_flow.offer(
        store,
        [sent],
        user=user,
        is_coordinator=False,
        personal=personal,
        conversation_id="a:chat",
        service_url="https://smba.example/",
        now=datetime.now(UTC),  # drafts wait a day from the store's clock
    )
    assert [m.id for m, _ in offered.choices] == ["m-1"]
    return offered.drafts[0].id


async def take(store: SqlStore, draft: str, user: str = "aad-pekka") -> materials_flow.Filing:
    workspace = RecordingWorkspace()
    return await materials_flow.take(
        store, draft, "m-1", user=user, is_coordinator=False, team=TEAM, workspace=workspace, job={}, now=NOW
    )


async def test_only_presenters_and_facilitators_offer_and_file_and_a_draft_files_once(
    store: SqlStore,
) -> None:
    await hr_meeting(store)
    link = Sent("example.com/deck.url", link="https://example.com/deck")
    with pytest.raises(Conflict, match="personal_only"):
        await offer(store, link, personal=False)
    with pytest.raises(NotAllowed, match="no_meetings"):
        await offer(store, link, user="aad-maija")
    draft = await offer(store, link)
    with pytest.raises(NotFound, match="draft_gone"):
        await take(store, draft, user="aad-liisa")  # someone else's draft
    with pytest.raises(Conflict, match="no_team"):
        await materials_flow.take(
            store,
            draft,
            "m-1",
            user="aad-pekka",
            is_coordinator=False,
            team=None,
            workspace=None,
            job={},
            now=NOW,
        )
    filing = await take(store, draft)
    with pytest.raises(NotFound, match="draft_gone"):
        await take(store, draft)  # the second click
    workspace = RecordingWorkspace()
    assert await store.get_draft(draft, "aad-pekka") is not None  # kept until the file has landed
    material = await materials_flow.file(
        store, workspace, fetch, filing, team_id="team-1", clean=clean_folder_name, clock=lambda: NOW
    )
    assert await store.get_draft(draft, "aad-pekka") is None
    folder = f"{HR}/{meeting_folder(MEETING, clean_folder_name)}"
    assert workspace.files == {(folder, "example.com/deck.url"): shortcut_file("https://example.com/deck")}
    assert material.kind is Kind.LINK and material.added_by == "aad-pekka"
    records = await store.materials_of_meetings(["m-1"])
    assert [m.name for m in records["m-1"]] == [material.name]
    assert [e.action for e in await store.audit_entries(target="meeting:m-1")] == ["material.file"]


async def test_a_transfer_that_may_work_later_keeps_the_draft_for_a_retry(store: SqlStore) -> None:
    await hr_meeting(store)
    draft = await offer(store, Sent("deck.pptx", download_url="https://down.example/deck.pptx"))
    filing = await take(store, draft)
    with pytest.raises(Unavailable):
        await materials_flow.file(
            store,
            RecordingWorkspace(),
            fetch,
            filing,
            team_id="team-1",
            clean=clean_folder_name,
            clock=lambda: NOW,
        )
    assert await store.get_draft(draft, "aad-pekka") is not None
    workspace = RecordingWorkspace()
    again = await take(store, draft)
    good = replace(again, draft=replace(again.draft, download_url="https://up.example/deck.pptx"))
    material = await materials_flow.file(
        store, workspace, fetch, good, team_id="team-1", clean=clean_folder_name, clock=lambda: NOW
    )
    assert material.kind is Kind.SLIDES
    assert list(workspace.files.values()) == [b"slide"]


async def test_a_network_without_a_channel_takes_no_materials(store: SqlStore) -> None:
    await hr_meeting(store, channel=False)
    draft = await offer(store, Sent("x.url", link="https://example.com/x"))
    with pytest.raises(NoChannel):
        await take(store, draft)


async def test_the_listing_comes_from_the_records_when_graph_is_away(store: SqlStore) -> None:
    await hr_meeting(store)
    filing = await take(store, await offer(store, Sent("x.url", link="https://example.com/x")))
    await materials_flow.file(
        store,
        RecordingWorkspace(),
        fetch,
        filing,
        team_id="team-1",
        clean=clean_folder_name,
        clock=lambda: NOW,
    )
    found = await materials_flow.find(store, None, TEAM, "hr", clean=clean_folder_name)
    assert found.stale and [n.key for n in found.networks] == ["hr"]
    (group,) = found.groups["hr"]
    assert [e.name for e in group.files] == ["x.url"]
    with pytest.raises(NotAllowed, match="send_not_ours"):
        await materials_flow.check_library(store, RecordingWorkspace(), TEAM, "someone-elses-drive")
    await materials_flow.check_library(store, RecordingWorkspace(), TEAM, "drive-1")
