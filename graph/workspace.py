"""`core.workspace.Workspace` on Microsoft Graph through msgraph-sdk: a facade over the operation modules,
and the search (one folder, or many channels' folders at once).

Graph's `search(q=...)` matches names and content, and its results carry `parentReference.id` and `driveId`
but no `parentReference.path`; so each hit's folder is fetched by id (`$batch`, each distinct folder once),
and a single item's GET does carry its `path`. Search pages follow absolute `@odata.nextLink`s.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Sequence
from typing import Any

from msgraph import GraphServiceClient

from core.errors import DomainError, Invalid, NotFound, Unavailable
from core.workspace import Channel, ConflictBehavior, FileInfo, Folder, WorkspaceForbidden
from graph import channels, files, listing
from graph.batch import batch_get
from graph.client import GraphConnection, connect
from graph.config import GraphConfig
from graph.errors import request_url
from graph.items import file_info_from_json, folder_from_json, has_path, parent_key

MAX_DEPTH = 16  # folder levels walked up by id when a parent item has no `parentReference.path`
PARENT_FIELDS = "$select=id,name,parentReference,root,webUrl"


class GraphWorkspace:
    """Channels and files of a team on Graph. Build it with `graph.open_workspace(config)`; every method
    raises only `core.errors.DomainError` subclasses (and ValueError for a programming mistake)."""

    def __init__(self, config: GraphConfig) -> None:
        self.config = config
        self._graph = connect(config)

    @property
    def client(self) -> GraphServiceClient:
        """The underlying msgraph-sdk client, for calls the port does not cover."""
        return self._graph.client

    async def close(self) -> None:
        await self._graph.close()

    async def ensure_channel(self, team_id: str, name: str, description: str | None = None) -> Channel:
        return await channels.ensure_channel(self._graph, team_id, name, description)

    async def channel_folder(self, team_id: str, channel_id: str) -> Folder:
        return await channels.channel_folder(self._graph, team_id, channel_id)

    async def add_member(self, team_id: str, user_id: str) -> None:
        await channels.add_member(self._graph, team_id, user_id)

    async def ensure_folder(self, parent: Folder, path: str) -> Folder:
        return await files.ensure_folder(self._graph, parent, path)

    async def upload(
        self,
        folder: Folder,
        name: str,
        content: bytes | AsyncIterable[bytes],
        *,
        size: int | None = None,
        conflict: ConflictBehavior = ConflictBehavior.RENAME,
    ) -> FileInfo:
        return await files.upload(self._graph, folder, name, content, size, conflict)

    def download(self, drive_id: str, item_id: str) -> AsyncIterator[bytes]:
        return files.download(self._graph, drive_id, item_id)

    async def list_files(self, folder: Folder, *, recursive: bool = True) -> list[FileInfo]:
        return await files.list_files(self._graph, folder, recursive)

    async def search(self, folder: Folder, words: str) -> list[FileInfo]:
        """Files below `folder` whose name or content holds all `words` (every file when there are none).
        Each hit's `path` is relative to `folder` as in `list_files`, its folder resolved by id; a hit
        whose folder cannot be fetched any more (deleted meanwhile) has its bare name as `path`."""
        query = " ".join(words.split())
        if not query:
            return await files.list_files(self._graph, folder, True)
        (found,) = await search_folders(self._graph, [folder], query, missing_ok=False)
        return found

    async def search_channels(
        self, team_id: str, channel_ids: Sequence[str], words: str
    ) -> dict[str, list[FileInfo]]:
        """`search` in many channels' folders at once: round trips are one per 20 channels for the folders,
        one per 20 searches (and per extra page), and one per 20 distinct folders holding hits. Paths are
        relative to each channel's folder; a deleted or unprovisioned channel maps to an empty list."""
        query = " ".join(words.split())
        if not query:
            return await self.list_files_of_channels(team_id, channel_ids)
        roots = await channel_folders(self._graph, team_id, channel_ids)
        live = [(channel_id, root) for channel_id, root in roots.items() if root is not None]
        found = await search_folders(self._graph, [root for _, root in live], query, missing_ok=True)
        result: dict[str, list[FileInfo]] = {c: [] for c in channel_ids}
        for (channel_id, _), hits in zip(live, found, strict=True):
            result[channel_id] = hits
        return result

    async def list_files_of_channels(
        self, team_id: str, channel_ids: Sequence[str]
    ) -> dict[str, list[FileInfo]]:
        return await listing.list_files_of_channels(self._graph, team_id, channel_ids)


# ---- search ------------------------------------------------------------------------------------------


async def channel_folders(
    graph: GraphConnection, team_id: str, channel_ids: Sequence[str]
) -> dict[str, Folder | None]:
    """Each channel's folder (`$batch`); None for a channel deleted or not provisioned yet."""
    builder = graph.client.teams.by_team_id(team_id).channels
    urls = [request_url(builder.by_channel_id(c).files_folder, graph.config.base_url) for c in channel_ids]
    folders: dict[str, Folder | None] = {}
    for channel_id, reply in zip(
        channel_ids, await batch_get(graph.adapter, graph.config, urls), strict=True
    ):
        if reply.status == 200:
            folders[channel_id] = folder_from_json(reply.body)
        elif reply.status in (400, 404):
            folders[channel_id] = None
        else:
            raise _item_error(reply.status, NotFound(files.FOLDER_NOT_FOUND))
    return folders


async def search_folders(
    graph: GraphConnection, roots: Sequence[Folder], query: str, *, missing_ok: bool
) -> list[list[FileInfo]]:
    """The files matching `query` below each of `roots` (in order), with paths relative to their root.
    A root that is gone is an empty list with `missing_ok`, else `NotFound`."""
    hits: list[list[dict[str, Any]]] = [[] for _ in roots]
    pending = [(index, _search_url(graph, root, query)) for index, root in enumerate(roots)]
    while pending:
        replies = await batch_get(graph.adapter, graph.config, [url for _, url in pending])
        next_pages: list[tuple[int, str]] = []
        for (index, _), reply in zip(pending, replies, strict=True):
            if reply.status == 404 and missing_ok:
                continue
            if reply.status != 200:
                raise _item_error(reply.status, NotFound(files.FOLDER_NOT_FOUND))
            values = reply.body.get("value") or []
            hits[index] += [raw for raw in values if isinstance(raw, dict) and "folder" not in raw]
            next_link = reply.body.get("@odata.nextLink")
            if next_link:
                next_pages.append((index, str(next_link)))
        pending = next_pages
    folders = await _parent_folders(graph, roots, hits)
    return [
        [file_info_from_json(raw, root, folders.get(parent_key(raw, root.drive_id))) for raw in found]
        for root, found in zip(roots, hits, strict=True)
    ]


async def _parent_folders(
    graph: GraphConnection, roots: Sequence[Folder], hits: Sequence[Sequence[dict[str, Any]]]
) -> dict[tuple[str, str], Folder]:
    """The folders holding the hits, by (drive id, item id): the roots themselves, and the others fetched
    in `$batch`es, each once. Graph gives a fetched folder's `parentReference.path`, so one round trip
    (per 20 folders) is the rule; without a path the walk goes up by id until it meets a known folder."""
    known: dict[tuple[str, str], Folder] = {(r.drive_id, r.item_id): r for r in roots}
    waiting: dict[tuple[str, str], tuple[dict[str, Any], tuple[str, str]]] = {}
    pairs = zip(roots, hits, strict=True)
    wanted = {parent_key(raw, root.drive_id) for root, found in pairs for raw in found}
    for _ in range(MAX_DEPTH):
        ask = sorted(k for k in wanted if k[1] and k not in known and k not in waiting)
        if not ask:
            break
        urls = [f"{_item_url(graph, drive_id, item_id)}?{PARENT_FIELDS}" for drive_id, item_id in ask]
        wanted = set()
        for key, reply in zip(ask, await batch_get(graph.adapter, graph.config, urls), strict=True):
            if reply.status in (403, 404):  # gone meanwhile, or out of reach: its hits keep their names
                continue
            if reply.status != 200:
                raise _item_error(reply.status, NotFound(files.FOLDER_NOT_FOUND))
            raw = reply.body
            if "root" in raw:
                known[key] = Folder(key[0], key[1], str(raw.get("name", "")), "", raw.get("webUrl"))
            elif has_path(raw):
                known[key] = folder_from_json(raw)
            else:
                above = parent_key(raw, key[0])
                waiting[key] = (raw, above)
                wanted.add(above)
        settled = True
        while settled:
            settled = False
            for key, (raw, above) in list(waiting.items()):
                if above in known:
                    known[key] = folder_from_json(raw, known[above])
                    del waiting[key]
                    settled = True
    return known


def _item_url(graph: GraphConnection, drive_id: str, item_id: str) -> str:
    item = graph.client.drives.by_drive_id(drive_id).items.by_drive_item_id(item_id)
    return request_url(item, graph.config.base_url)


def _search_url(graph: GraphConnection, folder: Folder, query: str) -> str:
    item = graph.client.drives.by_drive_id(folder.drive_id).items.by_drive_item_id(folder.item_id)
    # OData doubles a quote inside a string literal
    return request_url(item.search_with_q(query.replace("'", "''")), graph.config.base_url)


def _item_error(status: int, not_found: DomainError) -> DomainError:
    """The domain error for a `$batch` item's status (throttling is retried by `batch_get`)."""
    if status in (401, 403):
        return WorkspaceForbidden()
    if status == 404:
        return not_found
    if status == 400:
        return Invalid("graph.error.bad_request")
    return Unavailable("graph.error.unavailable", status=status)
