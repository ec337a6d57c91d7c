"""`core.workspace.Workspace` on Microsoft Graph through msgraph-sdk: a facade over the operation modules
(channels, files, listing, search).

msgraph-sdk, kiota, httpx and msal's app are loaded on the first call that needs them: each method imports
its operation module, and the connection is built on first use. Building a workspace, and so the bot's
start, costs neither their import nor their memory (issue 18)."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from core.workspace import Channel, Chat, ConflictBehavior, FileInfo, Folder
from graph.config import GraphConfig

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient

    from graph.client import GraphConnection


class GraphWorkspace:
    """Channels and files of a team on Graph. Build it with `graph.open_workspace(config)`; every method
    raises only `core.errors.DomainError` subclasses (and ValueError for a programming mistake)."""

    def __init__(self, config: GraphConfig) -> None:
        self.config = config

    @cached_property
    def _graph(self) -> GraphConnection:
        """The SDK client, httpx clients and token provider, built on first use (no network until used)."""
        from graph.client import connect

        return connect(self.config)

    @property
    def client(self) -> GraphServiceClient:
        """The underlying msgraph-sdk client, for calls the port does not cover."""
        return self._graph.client

    async def close(self) -> None:
        """Close the connection if a call built one."""
        connection: GraphConnection | None = self.__dict__.get("_graph")
        if connection is not None:
            await connection.close()

    async def ensure_channel(self, team_id: str, name: str, description: str | None = None) -> Channel:
        from graph import channels

        return await channels.ensure_channel(self._graph, team_id, name, description)

    async def channel_folder(self, team_id: str, channel_id: str) -> Folder:
        from graph import channels

        return await channels.channel_folder(self._graph, team_id, channel_id)

    async def add_member(self, team_id: str, user_id: str) -> None:
        from graph import channels

        await channels.add_member(self._graph, team_id, user_id)

    async def add_member_by_address(self, team_id: str, address: str) -> str | None:
        from graph import membership

        return await membership.add_member_by_address(self._graph, team_id, address)

    async def invite_guest(self, email: str, name: str, redirect_url: str, language: str) -> str:
        from graph import membership

        return await membership.invite_guest(self._graph, email, name, redirect_url, language)

    async def add_group_member(self, group_id: str, user_id: str) -> None:
        from graph import membership

        await membership.add_group_member(self._graph, group_id, user_id)

    async def send_mail(self, sender: str, to: str, subject: str, text: str) -> None:
        from graph import membership

        await membership.send_mail(self._graph, sender, to, subject, text)

    async def create_chat(self, members: Sequence[str], topic: str) -> Chat:
        from graph import chats

        return await chats.create_chat(self._graph, members, topic)

    async def install_app_in_chat(self, chat_id: str, teams_app_id: str) -> None:
        from graph import chats

        await chats.install_app(self._graph, chat_id, teams_app_id)

    async def ensure_folder(self, parent: Folder, path: str) -> Folder:
        from graph import files

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
        from graph import files

        return await files.upload(self._graph, folder, name, content, size, conflict)

    def download(self, drive_id: str, item_id: str) -> AsyncIterator[bytes]:
        from graph import files

        return files.download(self._graph, drive_id, item_id)

    async def list_files(self, folder: Folder, *, recursive: bool = True) -> list[FileInfo]:
        from graph import files

        return await files.list_files(self._graph, folder, recursive)

    async def search(self, folder: Folder, words: str) -> list[FileInfo]:
        """Files below `folder` that Graph's search finds for `words` (names and content, whole words and
        prefixes) or whose name holds every word (so parts of compound words and files stored a moment
        ago are found too); every file when there are no words. Paths are relative to `folder`, as in
        `list_files`. Raises `NotFound` when the folder is gone (see `graph.search`)."""
        from graph import files, search

        query = " ".join(words.split())
        if not query:
            return await files.list_files(self._graph, folder, True)
        found = await search.search_roots(self._graph, {0: folder}, query, missing_ok=False)
        return found[0]

    async def search_channels(
        self, team_id: str, channel_ids: Sequence[str], words: str
    ) -> dict[str, list[FileInfo]]:
        """`search` in many channels' folders at once: one round trip per 20 channels for the folders, then
        the listing and one search per library side by side. Paths are relative to each channel's folder;
        a deleted or unprovisioned channel maps to an empty list."""
        from graph import search

        query = " ".join(words.split())
        if not query:
            return await self.list_files_of_channels(team_id, channel_ids)
        return await search.search_channels(self._graph, team_id, channel_ids, query)

    async def list_files_of_channels(
        self, team_id: str, channel_ids: Sequence[str]
    ) -> dict[str, list[FileInfo]]:
        from graph import listing

        return await listing.list_files_of_channels(self._graph, team_id, channel_ids)
