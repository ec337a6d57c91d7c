"""Meeting materials (esitys- ja työskentelymateriaalit): what a meeting's folder holds and who may add to it.

Graph is the source of truth: a meeting's materials are the files in its channel folder
`Tapaamiset/<date> <theme>/`, whoever put them there (the bot, or a person in the channel's Files tab). The
store keeps a record of each file the bot filed (`Material`), so an answer can name the presenter who sent
it and still be given from the records when Graph is down. Pure rules live here; the bot does the I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from core.errors import DomainError, Invalid, NotAllowed
from core.meetings import FOLDER_ROOT, Meeting, may_file_materials
from core.networks import Network

MAX_FILE_BYTES = 250 * 1024 * 1024  # what the bot accepts to file (Graph's simple-upload limit)
DRAFT_TTL_HOURS = 24  # how long a file sent to the bot waits for "which meeting?"
FILING_LEASE = timedelta(minutes=30)  # an instance that died mid-transfer: another resumes it after this
LINK_MAX = 2000
_FOLDER_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}) (.+)$")
_URL = re.compile(r"^https://[^\s/$.?#][^\s]*$", re.IGNORECASE)


class Kind(StrEnum):
    """What a material is, from its file name: shown on the card."""

    SLIDES = "slides"
    DOCUMENT = "document"
    SPREADSHEET = "spreadsheet"
    PDF = "pdf"
    IMAGE = "image"
    VIDEO = "video"
    LINK = "link"
    OTHER = "other"


_EXTENSIONS: dict[Kind, frozenset[str]] = {
    Kind.SLIDES: frozenset({"ppt", "pptx", "pps", "ppsx", "odp", "key"}),
    Kind.DOCUMENT: frozenset({"doc", "docx", "odt", "rtf", "txt", "md"}),
    Kind.SPREADSHEET: frozenset({"xls", "xlsx", "ods", "csv"}),
    Kind.PDF: frozenset({"pdf"}),
    Kind.IMAGE: frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp"}),
    Kind.VIDEO: frozenset({"mp4", "mov", "avi", "mkv", "webm"}),
    Kind.LINK: frozenset({"url"}),
}


def kind_of(name: str) -> Kind:
    extension = name.rpartition(".")[2].casefold() if "." in name else ""
    return next((kind for kind, known in _EXTENSIONS.items() if extension in known), Kind.OTHER)


@dataclass(frozen=True)
class Material:
    """A file the bot filed into a meeting's folder. `item_id` is the Graph driveItem id."""

    id: str
    meeting_id: str
    network_key: str
    name: str
    kind: Kind
    web_url: str
    size: int
    added_by: str | None  # Entra object id of the presenter or facilitator who sent it
    added_at: datetime
    item_id: str = ""
    link: str | None = None  # the address, for a link filed as an internet shortcut


@dataclass(frozen=True)
class Draft:
    """Something a person sent the bot that waits for them to choose the meeting it belongs to."""

    id: str
    owner: str  # Entra object id
    name: str
    created_at: datetime
    download_url: str | None = None  # a Teams file attachment
    link: str | None = None  # or a link
    conversation_id: str = ""  # the personal chat it came from, for the outcome
    service_url: str = ""
    # Once its sender picked the meeting: the meeting, and what the transfer needs to be resumed by any
    # instance (`bot.filing`); the draft stays until the file has landed.
    meeting_id: str | None = None
    job: Mapping[str, str | None] | None = None


class MaterialStore(Protocol):
    """Records of filed materials and drafts waiting for their meeting."""

    async def save_material(self, material: Material) -> Material:
        """Insert, or update the record of the same `item_id` (a file replaced keeps one record)."""
        ...

    async def materials_of_meetings(self, meeting_ids: Sequence[str]) -> dict[str, list[Material]]:
        """Records per meeting id, newest first; meetings without records are missing from the mapping."""
        ...

    async def save_draft(self, draft: Draft) -> Draft: ...

    async def take_draft(self, draft_id: str, owner: str) -> Draft | None:
        """The owner's draft still waiting for its meeting, removed from the store (a cancel); None when
        gone, being filed or someone else's."""
        ...

    async def get_draft(self, draft_id: str, owner: str) -> Draft | None: ...

    async def claim_draft(
        self, draft_id: str, owner: str, meeting_id: str, job: Mapping[str, str | None], until: datetime
    ) -> Draft | None:
        """The owner's waiting draft, now being filed into `meeting_id` by this instance until `until` (so
        two clicks file it once); None when gone, being filed already or someone else's."""
        ...

    async def release_draft(self, draft_id: str, *, resume: bool) -> None:
        """Stop filing it here: `resume` keeps the meeting so any instance resumes the transfer (a
        shutdown); otherwise it waits for its meeting again (a retry button)."""
        ...

    async def resumable_drafts(self, now: datetime) -> Sequence[Draft]:
        """Drafts with a meeting that no instance is filing (handed back, or their claim ran out)."""
        ...

    async def reclaim_draft(self, draft_id: str, until: datetime, now: datetime) -> Draft | None:
        """Claim a resumable draft until `until`; None when another instance claimed it first."""
        ...

    async def finish_draft(self, draft_id: str) -> None:
        """The draft is done with (its file landed, or it cannot be filed): removed."""
        ...


class NoChannel(DomainError):
    """The network has no channel yet, so there is no folder for materials."""

    default_key = "materials.error.no_channel"


@dataclass(frozen=True)
class Entry:
    """One file as the answer shows it."""

    name: str
    kind: Kind
    web_url: str
    added_by: str | None  # an Entra id (records) or a display name (files seen only in Graph)
    added_at: datetime
    size: int = 0
    known_person: bool = False  # `added_by` is an Entra id to resolve to a name
    item_id: str = ""
    drive_id: str = ""  # with `item_id`, where Graph keeps the file (known for files seen in Graph)


@dataclass(frozen=True)
class MeetingFiles:
    """A meeting (or a folder under Tapaamiset that no stored meeting owns) with its files."""

    network_key: str
    title: str
    day: date
    meeting: Meeting | None = None
    files: list[Entry] = field(default_factory=list)


def parse_link(text: str) -> str:
    """The https link a person gave; raises `Invalid`."""
    link = text.strip().strip("<>")
    if len(link) > LINK_MAX or not _URL.match(link):
        raise Invalid("materials.error.bad_link")
    return link


def shortcut_file(link: str) -> bytes:
    """An internet shortcut (.url) that opens `link`, as Windows, SharePoint and Teams understand it."""
    return f"[InternetShortcut]\r\nURL={link}\r\n".encode()


def link_name(link: str) -> str:
    """A file name for a link: its host and path, as a `.url` shortcut."""
    rest = link.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return f"{rest[:120] or 'linkki'}.url"


def meeting_folder(meeting: Meeting, clean: Callable[[str], str]) -> str:
    """The meeting's folder below the channel folder, `Tapaamiset/<date> <theme>`, its name cleaned with the
    SharePoint rule `clean` as one name (a "/" in a theme must not make a subfolder)."""
    return f"{FOLDER_ROOT}/{clean(meeting.folder_path().split('/', 1)[1])}"


def fileable_meetings(
    meetings: Sequence[Meeting],
    networks: Mapping[str, Network],
    aad_id: str | None,
    is_coordinator: bool,
) -> list[Meeting]:
    """The meetings this person may file into, newest first, each once."""
    seen: dict[str, Meeting] = {}
    for meeting in meetings:
        network = networks.get(meeting.network_key)
        if meeting.id not in seen and may_file_materials(meeting, network, aad_id, is_coordinator):
            seen[meeting.id] = meeting
    return sorted(seen.values(), key=lambda m: m.starts_at, reverse=True)


def check_may_file(
    meeting: Meeting, network: Network | None, aad_id: str | None, coordinator: bool
) -> Network:
    """The meeting's network when this person may file into it; raises `NotAllowed` or `NoChannel`."""
    if not may_file_materials(meeting, network, aad_id, coordinator):
        raise NotAllowed("materials.error.not_presenter", theme=meeting.theme)
    if network is None or not network.channel_id:
        raise NoChannel(
            "materials.error.no_channel", name=network.name_fi if network else meeting.network_key
        )
    return network


def group_files(
    network_key: str,
    meetings: Sequence[Meeting],
    listed: Sequence[tuple[str, Entry]],
    records: Mapping[str, Sequence[Material]],
    clean: Callable[[str], str],
) -> list[MeetingFiles]:
    """A network's meetings with their files, newest first.

    `listed` are (path relative to the channel folder, entry) pairs from Graph: a file under
    `Tapaamiset/<date> <theme>/` belongs to the meeting whose cleaned folder name that is, or else to a
    folder entry of its own (people make folders too). `records` (by meeting id) name who filed a file and
    mark links; Graph decides what exists. `clean` is the SharePoint name rule the folders were made with.
    """
    by_folder = {meeting_folder(m, clean).split("/", 1)[1].casefold(): m for m in meetings}
    groups: dict[str, MeetingFiles] = {
        m.id: MeetingFiles(network_key, m.theme, m.local_start().date(), m) for m in meetings
    }
    known = {r.item_id: r for rs in records.values() for r in rs if r.item_id}
    known_urls = {r.web_url: r for rs in records.values() for r in rs}
    for path, entry in listed:
        parts = path.split("/")
        if len(parts) < 3 or parts[0].casefold() != FOLDER_ROOT.casefold():
            continue
        folder = parts[1]
        meeting = by_folder.get(folder.casefold())
        if meeting is not None:
            group = groups[meeting.id]
        else:
            match = _FOLDER_DATE.match(folder)
            if match is None:
                continue
            try:
                day = date.fromisoformat(match.group(1))
            except ValueError:
                continue
            group = groups.setdefault(folder, MeetingFiles(network_key, match.group(2), day))
        record = known.get(entry.item_id) or known_urls.get(entry.web_url)
        group.files.append(_with_record(entry, record))
    for group in groups.values():
        group.files.sort(key=lambda e: (e.added_at, e.name), reverse=True)
    return sorted(groups.values(), key=_newest_first)


def from_records(
    network_key: str, meetings: Sequence[Meeting], records: Mapping[str, Sequence[Material]]
) -> list[MeetingFiles]:
    """The answer from the store alone (when Graph cannot be reached)."""
    groups = []
    for meeting in meetings:
        entries = [_entry(r) for r in records.get(meeting.id, ())]
        groups.append(
            MeetingFiles(network_key, meeting.theme, meeting.local_start().date(), meeting, entries)
        )
    return sorted(groups, key=_newest_first)


def _newest_first(group: MeetingFiles) -> tuple[int, float]:
    started = group.meeting.starts_at.timestamp() if group.meeting else 0.0
    return (-group.day.toordinal(), -started)


def _entry(record: Material) -> Entry:
    return Entry(
        record.name,
        record.kind,
        record.web_url,
        record.added_by,
        record.added_at,
        record.size,
        True,
        record.item_id,
    )


def _with_record(entry: Entry, record: Material | None) -> Entry:
    if record is None:
        return entry
    return Entry(
        entry.name,
        record.kind,
        entry.web_url,
        record.added_by,
        record.added_at,
        entry.size,
        True,
        entry.item_id,
        entry.drive_id,
    )
