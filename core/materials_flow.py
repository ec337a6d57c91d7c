"""What people do with meeting materials: find them (`materiaalit`, a listing or a search across the
networks' channel folders), and file one (a file or link sent to the bot waits as a `Draft` until its
sender picks the meeting, then is transferred into `Tapaamiset/<date> <theme>/` of the network channel's
folder and recorded). The rules are `core.materials`; Graph is the `Workspace` port and fetching a file a
person sent is the `Fetch` port.
"""

from __future__ import annotations

import logging
import unicodedata
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.audit import AuditLog
from core.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound, Unavailable
from core.materials import (
    FILING_LEASE,
    MAX_FILE_BYTES,
    Draft,
    Entry,
    Kind,
    Material,
    MaterialStore,
    MeetingFiles,
    check_may_file,
    fileable_meetings,
    from_records,
    group_files,
    kind_of,
    meeting_folder,
    shortcut_file,
)
from core.meetings import Meeting, MeetingStore
from core.networks import Network, NetworkStore, find_network
from core.people import PeopleStore, display_names
from core.teams import Team
from core.workspace import ConflictBehavior, FileInfo, Workspace

log = logging.getLogger(__name__)

MAX_CHOICES = 30
RECENT_PER_NETWORK = 10


class MaterialsStore(MaterialStore, MeetingStore, NetworkStore, PeopleStore, AuditLog, Protocol):
    """What the materials' use cases read and write."""


class Download(Protocol):
    """A file being fetched: its size and its bytes in chunks (read once)."""

    size: int
    chunks: AsyncIterator[bytes]


Fetch = Callable[[str, int], AbstractAsyncContextManager[Download]]  # (url, most bytes) -> the download


def split_network(networks: Sequence[Network], argument: str) -> tuple[Network, str]:
    """The network the first words name and the search words after it ("hr työhyvinvointi")."""
    words = argument.split()
    for end in range(len(words), 0, -1):
        prefix = " ".join(words[:end])
        for candidate in (prefix, prefix.replace(" ", "-")):
            try:
                return find_network(networks, candidate), " ".join(words[end:])
            except (NotFound, Invalid):
                continue
    find_network(networks, argument)  # raises the error that names the problem
    raise NotFound("networks.error.unknown", name=argument)


@dataclass(frozen=True)
class Found:
    """The `materiaalit` answer: per network with a channel its meetings and files (`groups` by network
    key), who filed them, the search words, whether it comes from the records alone (Graph unreachable),
    and the networks asked for that have no channel yet."""

    networks: Sequence[Network]
    groups: dict[str, list[MeetingFiles]]
    names: dict[str, str]
    words: str
    stale: bool
    missing: Sequence[Network]


async def find(
    store: MaterialsStore,
    workspace: Workspace | None,
    team: Team | None,
    argument: str,
    *,
    clean: Callable[[str], str],
) -> Found:
    """`argument` is empty (every network), a network, a network and search words, or search words alone
    (searched in every network that has a channel). Graph decides what exists; when it cannot be reached
    the answer comes from the records of what the bot filed."""
    networks = list(await store.list_networks())
    argument = unicodedata.normalize("NFC", argument)
    words = ""
    selected = [n for n in networks if n.channel_id]
    if argument:
        try:
            network, words = split_network(networks, argument)
            selected = [network]
        except NotFound:  # no network named first: search every network that has a channel
            words = " ".join(argument.split())
    missing = [n for n in selected if not n.channel_id]
    live = [n for n in selected if n.channel_id]
    meetings = {n.key: list(await store.meetings_of_network(n.key)) for n in live}
    records = await store.materials_of_meetings([m.id for ms in meetings.values() for m in ms])
    stale = False
    groups: dict[str, list[MeetingFiles]] = {}
    try:
        if team is None or workspace is None:
            raise Unavailable("materials.error.no_team")
        listed = await _listed(workspace, team.team_id, live, words)
        for n in live:
            found = group_files(n.key, meetings[n.key], listed.get(n.key, []), records, clean)
            groups[n.key] = [g for g in found if g.files] if words else found
    except Unavailable as error:
        log.warning("materials: Graph unavailable (%s); answering from the records", error.key)
        stale = True
        groups = {n.key: from_records(n.key, meetings[n.key], records) for n in live}
        if words:
            groups = {k: _matching(v, words) for k, v in groups.items()}
    entries = [e for gs in groups.values() for g in gs for e in g.files]
    names = await display_names(
        store, {e.added_by for e in entries if e.known_person and e.added_by}, unknown=""
    )
    return Found(live, groups, names, words, stale, missing)


async def _listed(
    workspace: Workspace, team_id: str, networks: Sequence[Network], words: str
) -> dict[str, list[tuple[str, Entry]]]:
    """(path below the channel folder, entry) per network: one batched listing across the channels, or a
    Graph search in one channel's folder, or a batched search in many (Graph's search results carry no
    folder path: the workspace resolves each hit's folder, so the paths are as a listing's)."""
    if not networks:
        return {}
    if words and len(networks) == 1:
        (network,) = networks
        folder = await workspace.channel_folder(team_id, network.channel_id or "")
        return {network.key: [_pair(f) for f in await workspace.search(folder, words)]}
    channel_ids = [n.channel_id or "" for n in networks]
    if not words:
        by_channel = await workspace.list_files_of_channels(team_id, channel_ids)
    else:
        by_channel = await workspace.search_channels(team_id, channel_ids, words)
    return {n.key: [_pair(f) for f in by_channel.get(n.channel_id or "", [])] for n in networks}


def _pair(info: FileInfo) -> tuple[str, Entry]:
    entry = Entry(
        info.name,
        kind_of(info.name),
        info.web_url,
        info.author,
        info.modified,
        info.size,
        False,
        info.id,
        info.drive_id,
    )
    return info.path, entry


def _matching(groups: list[MeetingFiles], words: str) -> list[MeetingFiles]:
    wanted = words.casefold().split()
    kept = []
    for group in groups:
        files = [e for e in group.files if all(w in e.name.casefold() for w in wanted)]
        if files:
            kept.append(MeetingFiles(group.network_key, group.title, group.day, group.meeting, files))
    return kept


# ---- filing -------------------------------------------------------------------------------------------


async def fileable(store: MaterialsStore, user: str | None, *, is_coordinator: bool) -> list[Meeting]:
    """Meetings the person may file into: those they present, those of networks they facilitate, and for a
    coordinator the recent ones of every network."""
    if not user:
        return []
    networks = {n.key: n for n in await store.list_networks()}
    found = list(await store.meetings_of_presenter(user))
    for network in networks.values():
        if is_coordinator or network.facilitator == user:
            found += list(await store.meetings_of_network(network.key))[:RECENT_PER_NETWORK]
    return fileable_meetings(found, networks, user, is_coordinator)[:MAX_CHOICES]


@dataclass(frozen=True)
class Sent:
    """One thing a person sent to be filed: a file (`download_url`) or a link."""

    name: str
    download_url: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class Offered:
    """Drafts waiting for their meeting, and the meetings to choose from with their networks' names."""

    drafts: Sequence[Draft]
    choices: Sequence[tuple[Meeting, Network | None]]


async def offer(
    store: MaterialsStore,
    sent: Sequence[Sent],
    *,
    user: str | None,
    is_coordinator: bool,
    personal: bool,
    conversation_id: str,
    service_url: str,
    now: datetime,
) -> Offered:
    """Keep one draft per thing sent (in personal chat only) until its sender picks the meeting."""
    if not personal:
        raise Conflict("materials.error.personal_only")
    if not user:
        raise NotAllowed("materials.error.no_identity")
    meetings = await fileable(store, user, is_coordinator=is_coordinator)
    if not meetings:
        raise NotAllowed("materials.error.no_meetings")
    networks = {n.key: n for n in await store.list_networks()}
    drafts = []
    for each in sent:
        draft = Draft(
            id=uuid.uuid4().hex,
            owner=user,
            name=each.name,
            created_at=now,
            download_url=each.download_url,
            link=each.link,
            conversation_id=conversation_id,
            service_url=service_url,
        )
        drafts.append(await store.save_draft(draft))
    return Offered(drafts, [(m, networks.get(m.network_key)) for m in meetings])


@dataclass(frozen=True)
class Filing:
    """A draft taken for filing into a meeting of a network (with a channel) of the project's team."""

    draft: Draft
    meeting: Meeting
    network: Network
    team: Team


async def take(
    store: MaterialsStore,
    draft_id: str,
    meeting_id: str,
    *,
    user: str | None,
    is_coordinator: bool,
    team: Team | None,
    workspace: Workspace | None,
    job: Mapping[str, str | None],
    now: datetime,
) -> Filing:
    """The "File it" click: check the person may file into that meeting and claim the draft for filing it
    there (a second click finds it gone); `job` is what a resumed transfer needs (`bot.filing`). The draft
    stays in the store until its file has landed. `NotFound` for a draft or meeting that is gone,
    `NotAllowed` or `NoChannel` (`core.materials.check_may_file`), `Conflict` before the bot knows the
    team."""
    if not user:
        raise NotAllowed("materials.error.no_identity")
    if await store.get_draft(draft_id, user) is None:
        raise NotFound("materials.error.draft_gone")
    meeting = await store.get_meeting(meeting_id) if meeting_id else None
    if meeting is None:
        raise NotFound("materials.error.unknown_meeting")
    network = check_may_file(meeting, await store.get_network(meeting.network_key), user, is_coordinator)
    if team is None or workspace is None:
        raise Conflict("materials.error.no_team")
    draft = await store.claim_draft(draft_id, user, meeting.id, job, now + FILING_LEASE)
    if draft is None:  # a second click on the same card
        raise NotFound("materials.error.draft_gone")
    return Filing(draft, meeting, network, team)


async def resumed(store: MaterialsStore, draft: Draft, team: Team | None) -> Filing | None:
    """The filing of a draft handed back mid-transfer (claimed again by this instance), or None when its
    meeting, network or team is gone (the draft is then dropped)."""
    meeting = await store.get_meeting(draft.meeting_id) if draft.meeting_id else None
    network = await store.get_network(meeting.network_key) if meeting else None
    if meeting is None or network is None or not network.channel_id or team is None:
        await store.finish_draft(draft.id)
        return None
    return Filing(draft, meeting, network, team)


async def cancel(store: MaterialsStore, draft_id: str, user: str | None) -> Draft:
    draft = await store.take_draft(draft_id, user or "")
    if draft is None:
        raise NotFound("materials.error.draft_gone")
    return draft


async def file(
    store: MaterialsStore,
    workspace: Workspace | None,
    fetch: Fetch,
    filing: Filing,
    *,
    team_id: str,
    clean: Callable[[str], str],
    clock: Callable[[], datetime],
) -> Material:
    """Transfer the draft into the meeting folder (`clean` is the SharePoint name rule), record it and only
    then drop the draft. A failure that trying again may cure (`Unavailable`: Graph busy, the link not
    answering) keeps the draft for a retry; any other `DomainError` drops it; every failure raises. A
    transfer cut off (the service stopping) leaves the draft claimed: the caller hands it back."""
    draft, meeting = filing.draft, filing.meeting
    try:
        info = await _transfer(workspace, fetch, filing, team_id, clean)
    except Unavailable:
        await store.release_draft(draft.id, resume=False)
        raise
    except DomainError:
        await store.finish_draft(draft.id)
        raise
    material = Material(
        id=uuid.uuid4().hex,
        meeting_id=meeting.id,
        network_key=filing.network.key,
        name=info.name,
        kind=Kind.LINK if draft.link else kind_of(info.name),
        web_url=info.web_url,
        size=info.size,
        added_by=draft.owner,
        added_at=clock(),
        item_id=info.id,
        link=draft.link,
    )
    await store.save_material(material)
    await store.finish_draft(draft.id)
    await store.record(draft.owner, "material.file", f"meeting:{meeting.id}", {"name": info.name})
    return material


async def _transfer(
    workspace: Workspace | None, fetch: Fetch, filing: Filing, team_id: str, clean: Callable[[str], str]
) -> FileInfo:
    if workspace is None:
        raise Conflict("materials.error.no_team")
    root = await workspace.channel_folder(team_id, filing.network.channel_id or "")
    folder = await workspace.ensure_folder(root, meeting_folder(filing.meeting, clean))
    draft = filing.draft
    if draft.link:
        return await workspace.upload(folder, draft.name, shortcut_file(draft.link))
    async with fetch(draft.download_url or "", MAX_FILE_BYTES) as download:
        return await workspace.upload(
            folder, draft.name, download.chunks, size=download.size, conflict=ConflictBehavior.RENAME
        )


async def check_library(
    store: NetworkStore, workspace: Workspace | None, team: Team | None, drive_id: str
) -> None:
    """`drive_id` is the library of a network channel of the project team (the "Send to me" button's data
    comes from the client, so the file must be there, not anywhere the app's Graph permission reaches);
    else `NotAllowed`."""
    if team is None or workspace is None:
        raise Conflict("materials.error.no_team")
    for network in await store.list_networks():
        if not network.channel_id:
            continue
        try:
            folder = await workspace.channel_folder(team.team_id, network.channel_id)
        except NotFound:
            continue
        if folder.drive_id == drive_id:
            return
    raise NotAllowed("materials.error.send_not_ours")
