"""Finding files by words in channel folders, as Graph's search really behaves.

Graph's driveItem search is SharePoint's index, and four of its habits decide the design
(`api/driveitem-search.md` and the issues named):
- it is documented only for a whole library (`/drives/{d}/root/search`), and a search under one folder
  returns items from elsewhere in the library (onedrive-api-docs#1265, docs-contrib#5338) or from other
  libraries with similar names (docs-contrib#90): so the library is searched once, and a hit counts only
  when it is one of the files listed below the channel's folder;
- its hits carry no `parentReference.path`: the listing places them;
- it matches words and word prefixes, not parts of words, so the end of a Finnish compound
  ("suunnitelma" in "Tasa-arvosuunnitelma.pptx") is never found, and it lags minutes behind uploads
  (onedrive-api-docs#1499): so names are also matched as substrings over the listing, which sees a file the
  moment it is stored;
- it does not accept the Sites.Selected permission: when it is refused (403), the name match alone answers.

Round trips for any number of channels: one per 20 for their folders, then the listing (one per 20 folders
per level) and the search (one per library, and per extra page) side by side.
"""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar
from urllib.parse import quote

from core.errors import NotFound
from core.workspace import FileInfo, Folder
from graph.batch import batch_get
from graph.client import GraphConnection
from graph.listing import FOLDER_NOT_FOUND, channel_folders, item_error, list_folders

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
REFUSED = frozenset({400, 403, 501})  # Sites.Selected (403), a query the index will not take (400, 501)
MAX_PAGES = 50  # per library: 10,000 hits at Graph's 200 a page


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def name_matches(name: str, words: Sequence[str]) -> bool:
    """Every word is a part of the file's name (case and Unicode form aside)."""
    folded = fold(name)
    return all(fold(word) in folded for word in words)


async def search_roots(
    graph: GraphConnection, roots: Mapping[K, Folder], query: str, *, missing_ok: bool = True
) -> dict[K, list[FileInfo]]:
    """The files below each root that Graph's search finds for `query` or whose name holds every word,
    paths relative to their root. A root that is gone has no files with `missing_ok`, else `NotFound`."""
    words = query.split()
    drives = sorted({root.drive_id for root in roots.values()})
    listed, found = await asyncio.gather(
        list_folders(graph, roots, missing_ok=missing_ok), library_hits(graph, drives, query)
    )

    def wanted(info: FileInfo) -> bool:
        return name_matches(info.name, words) or (found is not None and (info.drive_id, info.id) in found)

    return {key: [f for f in files if wanted(f)] for key, files in listed.items()}


async def search_channels(
    graph: GraphConnection, team_id: str, channel_ids: Sequence[str], query: str
) -> dict[str, list[FileInfo]]:
    roots = await channel_folders(graph, team_id, channel_ids)
    found = await search_roots(graph, {c: f for c, f in roots.items() if f is not None}, query)
    return {c: found.get(c, []) for c in channel_ids}


async def library_hits(
    graph: GraphConnection, drive_ids: Sequence[str], query: str
) -> set[tuple[str, str]] | None:
    """(drive id, item id) of every file Graph's search finds for `query` in the libraries, every page; None
    when the search is refused (then only names can be matched)."""
    hits: set[tuple[str, str]] = set()
    pending = [(drive_id, _search_url(graph, drive_id, query)) for drive_id in drive_ids]
    pages = 0
    while pending and pages < MAX_PAGES:
        pages += 1
        replies = await batch_get(graph.adapter, graph.config, [url for _, url in pending])
        next_pages: list[tuple[str, str]] = []
        for (drive_id, _), reply in zip(pending, replies, strict=True):
            if reply.status in REFUSED:
                log.warning("Graph refused the search (%s): matching file names only", reply.status)
                return None
            if reply.status != 200:
                raise item_error(reply.status, NotFound(FOLDER_NOT_FOUND))
            for raw in reply.body.get("value") or []:
                if isinstance(raw, dict) and "folder" not in raw and raw.get("id"):
                    reference = raw.get("parentReference") or {}
                    hits.add((str(reference.get("driveId") or drive_id), str(raw["id"])))
            next_link = reply.body.get("@odata.nextLink")
            if next_link:
                next_pages.append((drive_id, str(next_link)))
        pending = next_pages
    return hits


def _search_url(graph: GraphConnection, drive_id: str, query: str) -> str:
    """The documented form `/drives/{d}/root/search(q='...')`; OData doubles a quote inside the literal."""
    base = graph.config.base_url.rstrip("/")
    literal = quote(query.replace("'", "''"), safe="")
    return f"{base}/drives/{quote(drive_id, safe='')}/root/search(q='{literal}')"
