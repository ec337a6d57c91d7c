"""`core.workspace.Workspace` on Microsoft Graph through msgraph-sdk: a facade over the operation modules."""

from __future__ import annotations

from collections.abc import AsyncIterable, Sequence

from msgraph import GraphServiceClient

from core.workspace import Channel, ConflictBehavior, FileInfo, Folder
from graph import channels, files, listing
from graph.client import connect
from graph.config import GraphConfig


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

    async def list_files(self, folder: Folder, *, recursive: bool = True) -> list[FileInfo]:
        return await files.list_files(self._graph, folder, recursive)

    async def search(self, folder: Folder, words: str) -> list[FileInfo]:
        return await files.search(self._graph, folder, words)

    async def list_files_of_channels(
        self, team_id: str, channel_ids: Sequence[str]
    ) -> dict[str, list[FileInfo]]:
        return await listing.list_files_of_channels(self._graph, team_id, channel_ids)
