"""The files of many channels at once: `$batch` for the channels' folders, then for each folder level."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import Unavailable
from core.workspace import FileInfo, Folder
from graph.batch import batch_get
from graph.client import GraphConnection
from graph.errors import request_url
from graph.items import file_info_from_json, folder_from_json


@dataclass(frozen=True)
class _Pending:
    channel_id: str
    root: Folder  # the channel's folder: file paths are relative to it
    folder: Folder
    url: str


async def list_files_of_channels(
    graph: GraphConnection, team_id: str, channel_ids: Sequence[str]
) -> dict[str, list[FileInfo]]:
    """Round trips: one per 20 channels for the folders, then one per 20 folders per folder level (and per
    extra page). A channel that is deleted or not provisioned yet lists as empty."""
    channels = graph.client.teams.by_team_id(team_id).channels
    urls = [request_url(channels.by_channel_id(c).files_folder, graph.config.base_url) for c in channel_ids]
    result: dict[str, list[FileInfo]] = {c: [] for c in channel_ids}
    level: list[_Pending] = []
    for channel_id, reply in zip(
        channel_ids, await batch_get(graph.adapter, graph.config, urls), strict=True
    ):
        if reply.status == 200:
            root = folder_from_json(reply.body)
            level.append(_Pending(channel_id, root, root, _children_url(graph, root)))
        elif reply.status not in (400, 404):
            raise Unavailable("graph.error.unavailable", status=reply.status)
    while level:
        replies = await batch_get(graph.adapter, graph.config, [p.url for p in level])
        next_level: list[_Pending] = []
        for pending, reply in zip(level, replies, strict=True):
            if reply.status != 200:
                raise Unavailable("graph.error.unavailable", status=reply.status)
            for raw in reply.body.get("value") or []:
                if "folder" in raw:
                    sub = folder_from_json(raw, pending.folder)
                    next_level.append(
                        _Pending(pending.channel_id, pending.root, sub, _children_url(graph, sub))
                    )
                else:
                    result[pending.channel_id].append(file_info_from_json(raw, pending.root))
            next_link = reply.body.get("@odata.nextLink")
            if next_link:
                next_level.append(_Pending(pending.channel_id, pending.root, pending.folder, str(next_link)))
        level = next_level
    return result


def _children_url(graph: GraphConnection, folder: Folder) -> str:
    item = graph.client.drives.by_drive_id(folder.drive_id).items.by_drive_item_id(folder.item_id)
    return request_url(item.children, graph.config.base_url)
