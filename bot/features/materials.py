"""`materiaalit` / `materials [network] [words]`: meetings newest first with their files (words without a
network search every network); and filing: a presenter or facilitator sends a file (or `materiaalit <link>`)
in personal chat, picks the meeting on a card, and the bot files it into `Tapaamiset/<date> <theme>/` of the
network channel's folder through Graph, then tells the sender and the channel (through the outbox).

The transfer runs after the click is answered (Teams gives an invoke a few seconds; a 60 MB deck may take
longer), so its outcome arrives as a message in the sender's chat.
"""

from __future__ import annotations

import asyncio
import logging
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.announcements import refresh_announcement
from bot.files import IncomingFile, open_download
from bot.outbox import send_later
from bot.proactive import card_message
from bot.router import Router
from bot.services import Services
from bot.turn import Turn
from cards import materials as cards
from core.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound, Unavailable
from core.materials import (
    MAX_FILE_BYTES,
    Draft,
    Entry,
    Kind,
    Material,
    MeetingFiles,
    check_may_file,
    fileable_meetings,
    from_records,
    group_files,
    kind_of,
    link_name,
    meeting_folder,
    parse_link,
    shortcut_file,
)
from core.meetings import Meeting
from core.networks import Network, find_network
from core.outbox import OutgoingMessage, Target
from core.workspace import ConflictBehavior, FileInfo
from graph.names import clean_folder_name

log = logging.getLogger(__name__)

MAX_CHOICES = 30
MAX_FILES_AT_ONCE = 5
RECENT_PER_NETWORK = 10


# ---- materiaalit: the answer -------------------------------------------------------------------------


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


async def answer(turn: Turn, argument: str) -> AdaptiveCard:
    """The `materiaalit` card for `argument`: empty (every network), a network, a network and search words,
    or search words alone (searched in every network that has a channel)."""
    networks = list(await turn.services.store.list_networks())
    argument = unicodedata.normalize("NFC", argument)
    words = ""
    selected = [n for n in networks if n.channel_id]
    if argument:
        try:
            network, words = split_network(networks, argument)
            selected = [network]
        except NotFound:  # no network named first: search every network that has a channel
            words = " ".join(argument.split())
    missing = [n.name(turn.t.locale) for n in selected if not n.channel_id]
    live = [n for n in selected if n.channel_id]
    store = turn.services.store
    meetings = {n.key: list(await store.meetings_of_network(n.key)) for n in live}
    records = await store.materials_of_meetings([m.id for ms in meetings.values() for m in ms])
    team = await turn.project_team()
    workspace = turn.services.workspace
    stale = False
    groups: dict[str, list[MeetingFiles]] = {}
    try:
        if team is None or workspace is None:
            raise Unavailable("materials.error.no_team")
        listed = await _listed(workspace, team.team_id, live, words)
        for n in live:
            found = group_files(n.key, meetings[n.key], listed.get(n.key, []), records, clean_folder_name)
            groups[n.key] = [g for g in found if g.files] if words else found
    except Unavailable as error:
        log.warning("materials: Graph unavailable (%s); answering from the records", error.key)
        stale = True
        groups = {n.key: from_records(n.key, meetings[n.key], records) for n in live}
        if words:
            groups = {k: _matching(v, words) for k, v in groups.items()}
    names = await _names(turn, [e for gs in groups.values() for g in gs for e in g.files])
    parts = [cards.NetworkMeetings(n.name(turn.t.locale), groups.get(n.key, [])) for n in live]
    return cards.materials_card(turn.t, parts, names, query=words, stale=stale, missing_channels=missing)


async def _listed(
    workspace: Any, team_id: str, networks: Sequence[Network], words: str
) -> dict[str, list[tuple[str, Entry]]]:
    """(path below the channel folder, entry) per network: one batched listing across the channels, or a
    Graph search in one channel's folder, or a batched search in many (Graph's search results carry no
    folder path: the workspace resolves each hit's folder, so the paths are as a listing's)."""
    if not networks:
        return {}
    if words and len(networks) == 1:
        (network,) = networks
        folder = await workspace.channel_folder(team_id, network.channel_id)
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


async def _names(turn: Turn, entries: Sequence[Entry]) -> dict[str, str]:
    names: dict[str, str] = {}
    for person_id in {e.added_by for e in entries if e.known_person and e.added_by}:
        person = await turn.services.store.get_person(person_id)
        names[person_id] = (person.name or person.email or "") if person else ""
    return names


async def materials_command(turn: Turn, argument: str) -> None:
    if argument.casefold().startswith(("https://", "http://")):
        await offer_link(turn, argument)
        return
    await turn.send_card(await answer(turn, argument.strip()))


# ---- filing: a file or link waits for its meeting ----------------------------------------------------


async def fileable(turn: Turn) -> list[Meeting]:
    """Meetings the sender may file into: those they present, those of networks they facilitate, and for a
    coordinator the recent ones of every network."""
    aad = turn.user_aad_id
    if not aad:
        return []
    store = turn.services.store
    networks = {n.key: n for n in await turn.services.store.list_networks()}
    found = list(await store.meetings_of_presenter(aad))
    for network in networks.values():
        if turn.is_coordinator or network.facilitator == aad:
            found += list(await store.meetings_of_network(network.key))[:RECENT_PER_NETWORK]
    return fileable_meetings(found, networks, aad, turn.is_coordinator)[:MAX_CHOICES]


async def _offer(turn: Turn, drafts: Sequence[tuple[str, str | None, str | None]]) -> None:
    """Store one draft per (name, download url, link) and ask which meeting each is for."""
    if turn.conversation_type != "personal":
        raise Conflict("materials.error.personal_only")
    if not turn.user_aad_id:
        raise NotAllowed("materials.error.no_identity")
    meetings = await fileable(turn)
    if not meetings:
        raise NotAllowed("materials.error.no_meetings")
    networks = {n.key: n.name(turn.t.locale) for n in await turn.services.store.list_networks()}
    options = [(m, networks.get(m.network_key, m.network_key)) for m in meetings]
    conversation = turn.activity.conversation
    for name, url, link in drafts:
        draft = Draft(
            id=uuid.uuid4().hex,
            owner=turn.user_aad_id,
            name=name,
            created_at=datetime.now(UTC),
            download_url=url,
            link=link,
            conversation_id=conversation.id if conversation else "",
            service_url=turn.activity.service_url or "",
        )
        await turn.services.store.save_draft(draft)
        await turn.send_card(cards.choose_meeting_card(turn.t, draft.id, name, options))


async def on_files(turn: Turn, files: Sequence[IncomingFile]) -> None:
    """Files sent in personal chat (at most five are taken from one message)."""
    await _offer(turn, [(f.name, f.download_url, None) for f in files[:MAX_FILES_AT_ONCE]])


async def offer_link(turn: Turn, text: str) -> None:
    link = parse_link(text)
    await _offer(turn, [(link_name(link), None, link)])


@dataclass(frozen=True)
class Job:
    """Everything the transfer needs once the turn is over."""

    draft: Draft
    meeting: Meeting
    network: Network
    team_id: str
    team_service_url: str
    tenant_id: str | None
    bot_id: str | None
    locale: str | None
    person: str
    # The connector client of the click's turn (pooled, it outlives the turn): the channel's announcement
    # card is updated with it once the file has landed.
    client: Any = None


async def file_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    """The "File it" click: check the person may file into that meeting, then transfer in the background."""
    aad = turn.user_aad_id
    if not aad:
        raise NotAllowed("materials.error.no_identity")
    store = turn.services.store
    draft_id, meeting_id = str(data.get("draft") or ""), str(data.get("meeting") or "")
    if await store.get_draft(draft_id, aad) is None:
        raise NotFound("materials.error.draft_gone")
    meeting = await store.get_meeting(meeting_id) if meeting_id else None
    if meeting is None:
        raise NotFound("materials.error.unknown_meeting")
    await turn.services.store.list_networks()
    network = check_may_file(meeting, await store.get_network(meeting.network_key), aad, turn.is_coordinator)
    team = await turn.project_team()
    if team is None or turn.services.workspace is None:
        raise Conflict("materials.error.no_team")
    draft = await store.take_draft(draft_id, aad)
    if draft is None:  # a second click on the same card
        raise NotFound("materials.error.draft_gone")
    job = Job(
        draft,
        meeting,
        network,
        team.team_id,
        team.service_url or draft.service_url,
        turn.tenant_id,
        turn.bot_id,
        turn.activity.locale,
        turn.user_name,
        turn.connector_client,
    )
    start_filing(turn.services, job)
    return cards.filing_card(turn.t, draft.name, meeting.theme, network.name(turn.t.locale))


async def cancel_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    draft = await turn.services.store.take_draft(str(data.get("draft") or ""), turn.user_aad_id or "")
    if draft is None:
        raise NotFound("materials.error.draft_gone")
    return cards.cancelled_card(turn.t, draft.name)


def start_filing(services: Services, job: Job) -> asyncio.Task[None]:
    return services.background.start(file_job(services, job), name=f"materials:{job.draft.id}")


async def file_job(services: Services, job: Job) -> None:
    """Transfer the draft into the meeting folder, record it, and tell the sender and the channel. A failure
    that trying again may cure (Graph busy, the link not answering) keeps the draft for a retry button."""
    t = services.catalogs.for_locale(job.locale)
    draft, meeting = job.draft, job.meeting
    try:
        info = await _transfer(services, job)
    except DomainError as error:
        log.warning("filing %s into meeting %s failed: %s", draft.name, meeting.id, error.key)
        retry = isinstance(error, Unavailable)
        if retry:
            await services.store.save_draft(draft)
        failed = cards.filing_failed_card(
            t, draft.name, t(error.key, **error.params), draft.id if retry else None, meeting.id
        )
        await send_later(services, [_to_sender(job, f"failed:{uuid.uuid4().hex}", failed)])
        return
    except Exception:  # the task's last guard: the sender must hear something
        log.exception("filing %s into meeting %s failed unexpectedly", draft.name, meeting.id)
        failed = cards.filing_failed_card(t, draft.name, t("materials.error.unexpected"), None, meeting.id)
        await send_later(services, [_to_sender(job, f"failed:{uuid.uuid4().hex}", failed)])
        return
    material = Material(
        id=uuid.uuid4().hex,
        meeting_id=meeting.id,
        network_key=job.network.key,
        name=info.name,
        kind=Kind.LINK if draft.link else kind_of(info.name),
        web_url=info.web_url,
        size=info.size,
        added_by=draft.owner,
        added_at=datetime.now(UTC),
        item_id=info.id,
        link=draft.link,
    )
    await services.store.save_material(material)
    await services.store.record(draft.owner, "material.file", f"meeting:{meeting.id}", {"name": info.name})
    await refresh_announcement(services, job.client, meeting.id)
    network_name = job.network.name(t.locale)
    filed = cards.filed_card(t, draft.name, info.name, meeting.theme, network_name, info.web_url)
    fi = services.catalogs.for_locale("fi")
    entry = Entry(
        material.name, material.kind, material.web_url, draft.owner, material.added_at, material.size, True
    )
    added = cards.added_card(fi, meeting, job.person, [entry], {draft.owner: job.person})
    channel = Target(
        kind="channel",
        service_url=job.team_service_url,
        conversation_id=job.network.channel_id,
        tenant_id=job.tenant_id,
        bot_id=job.bot_id,
    )
    await send_later(
        services,
        [
            _to_sender(job, "filed", filed),
            OutgoingMessage(
                key=f"material:{material.id}:channel",
                broadcast=f"meeting:{meeting.id}:materials",
                recipient=job.network.name_fi,
                target=channel,
                activity=card_message(added),
            ),
        ],
    )


async def _transfer(services: Services, job: Job) -> FileInfo:
    workspace = services.workspace
    if workspace is None:
        raise Conflict("materials.error.no_team")
    root = await workspace.channel_folder(job.team_id, job.network.channel_id)
    folder = await workspace.ensure_folder(root, meeting_folder(job.meeting, clean_folder_name))
    draft = job.draft
    if draft.link:
        return await workspace.upload(folder, draft.name, shortcut_file(draft.link))
    async with open_download(draft.download_url or "", MAX_FILE_BYTES) as download:
        return await workspace.upload(
            folder, draft.name, download.chunks, size=download.size, conflict=ConflictBehavior.RENAME
        )


def _to_sender(job: Job, what: str, value: AdaptiveCard) -> OutgoingMessage:
    draft = job.draft
    return OutgoingMessage(
        key=f"material-draft:{draft.id}:{what}",
        broadcast=f"meeting:{job.meeting.id}:filing",
        recipient=draft.owner,
        target=Target(
            kind="conversation",
            service_url=draft.service_url,
            conversation_id=draft.conversation_id,
            tenant_id=job.tenant_id,
            bot_id=job.bot_id,
        ),
        activity=card_message(value),
    )


def register(router: Router) -> None:
    router.command("materials", materials_command)
    router.action(cards.FILE, file_action)
    router.action(cards.CANCEL, cancel_action)
    router.on_files(on_files)
