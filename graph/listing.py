"""The files of many folders at once: `$batch` for the channels' folders, then for each folder level."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from core.errors import DomainError, Invalid, NotFound, Unavailable
from core.workspace import FileInfo, Folder, WorkspaceForbidden
from graph.batch import batch_get
from graph.client import GraphConnection
from graph.errors import request_url
from graph.items import file_info_from_json, folder_from_json

FOLDER_NOT_FOUND = "graph.error.folder_not_found"
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class _Pending(Generic[K]):
    key: K
    root: Folder  # the folder the listing started from: file paths are relative to it
    folder: Folder
    url: str


async def channel_folders(
    graph: GraphConnection, team_id: str, channel_ids: Sequence[str]
) -> dict[str, Folder | None]:
    """Each channel's folder (`$batch`, one round trip per 20); None for a channel deleted or not
    provisioned yet."""
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
            raise item_error(reply.status, NotFound(FOLDER_NOT_FOUND))
    return folders


async def list_folders(
    graph: GraphConnection, roots: Mapping[K, Folder], *, missing_ok: bool = True
) -> dict[K, list[FileInfo]]:
    """Every file below each root, recursively. Round trips: one per 20 folders per folder level (and per
    extra page). A root that is gone lists as empty with `missing_ok`, else raises `NotFound`."""
    result: dict[K, list[FileInfo]] = {key: [] for key in roots}
    level = [_Pending(key, root, root, _children_url(graph, root)) for key, root in roots.items()]
    while level:
        replies = await batch_get(graph.adapter, graph.config, [p.url for p in level])
        next_level: list[_Pending[K]] = []
        for pending, reply in zip(level, replies, strict=True):
            if reply.status == 404 and (missing_ok or pending.folder != pending.root):
                continue  # deleted meanwhile
            if reply.status != 200:
                raise item_error(reply.status, NotFound(FOLDER_NOT_FOUND))
            for raw in reply.body.get("value") or []:
                if "folder" in raw:
                    sub = folder_from_json(raw, pending.folder)
                    next_level.append(_Pending(pending.key, pending.root, sub, _children_url(graph, sub)))
                else:
                    result[pending.key].append(file_info_from_json(raw, pending.root))
            next_link = reply.body.get("@odata.nextLink")
            if next_link:
                next_level.append(_Pending(pending.key, pending.root, pending.folder, str(next_link)))
        level = next_level
    return result


async def list_files_of_channels(
    graph: GraphConnection, team_id: str, channel_ids: Sequence[str]
) -> dict[str, list[FileInfo]]:
    """Round trips: one per 20 channels for the folders, then one per 20 folders per folder level (and per
    extra page). A channel that is deleted or not provisioned yet lists as empty."""
    roots = await channel_folders(graph, team_id, channel_ids)
    listed = await list_folders(graph, {c: f for c, f in roots.items() if f is not None})
    return {c: listed.get(c, []) for c in channel_ids}


def item_error(status: int, not_found: DomainError) -> DomainError:
    """The domain error for a `$batch` item's status (throttling is retried by `batch_get`)."""
    if status in (401, 403):
        return WorkspaceForbidden()
    if status == 404:
        return not_found
    if status == 400:
        return Invalid("graph.error.bad_request")
    return Unavailable("graph.error.unavailable", status=status)


def _children_url(graph: GraphConnection, folder: Folder) -> str:
    item = graph.client.drives.by_drive_id(folder.drive_id).items.by_drive_item_id(folder.item_id)
    return request_url(item.children, graph.config.base_url)
