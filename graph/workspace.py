"""`core.workspace.Workspace` on Microsoft Graph through msgraph-sdk: a facade over the operation modules
(channels, files, listing, search).

msgraph-sdk, kiota, httpx and msal's app are loaded on the first call that needs them, so building a
workspace, and so the bot's start, costs neither their import nor their memory (issue 18). That load takes
a second or more (msgraph's models alone are over a thousand modules), so it runs in a worker thread: the
operation modules, the connection and msgraph's lazily imported models (`graph.client.warm`) are all
loaded there, concurrent first calls wait for the same load, and the event loop keeps serving other turns
meanwhile. Each method awaits the connection before it imports its operation module, which by then is a
lookup in `sys.modules`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from contextlib import aclosing
from typing import TYPE_CHECKING

from core.workspace import Channel, Chat, ConflictBehavior, FileInfo, Folder
from graph.config import GraphConfig

if TYPE_CHECKING:
    from graph.client import GraphConnection


def _load(config: GraphConfig) -> GraphConnection:
    """Everything the methods need, imported and built off the event loop (blocking; no network)."""
    from graph import channels, chats, files, listing, membership, search  # noqa: F401  (loaded here, used later)
    from graph.client import connect, warm

    connection = connect(config)
    warm(connection)
    return connection


class GraphWorkspace:
    """Channels and files of a team on Graph. Build it with `graph.open_workspace(config)`; every method
    raises only `core.errors.DomainError` subclasses (and ValueError for a programming mistake)."""

    def __init__(self, config: GraphConfig) -> None:
        self.config = config
        self._connection: GraphConnection | None = None
        self._loading: asyncio.Future[GraphConnection] | None = None

    async def _graph(self) -> GraphConnection:
        """The SDK client, httpx clients and token provider, built on first use (no network until used) in
        a worker thread that one load serves every caller of. A cancelled caller does not stop the load; a
        failed load is tried again by the next call."""
        if self._connection is not None:
            return self._connection
        if self._loading is None:
            self._loading = asyncio.ensure_future(asyncio.to_thread(_load, self.config))
            self._loading.add_done_callback(self._loaded)
        return await asyncio.shield(self._loading)

    def _loaded(self, loading: asyncio.Future[GraphConnection]) -> None:
        if loading.cancelled() or loading.exception() is not None:
            self._loading = None
        else:
            self._connection = loading.result()

    async def close(self) -> None:
        """Close the connection if a call built one (waiting for a load under way)."""
        connection, loading = self._connection, self._loading
        if connection is None and loading is not None:
            await asyncio.wait([loading])
            if not loading.cancelled() and loading.exception() is None:
                connection = loading.result()
        if connection is not None:
            await connection.close()

    async def ensure_channel(self, team_id: str, name: str, description: str | None = None) -> Channel:
        connection = await self._graph()
        from graph import channels

        return await channels.ensure_channel(connection, team_id, name, description)

    async def channel_folder(self, team_id: str, channel_id: str) -> Folder:
        connection = await self._graph()
        from graph import channels

        return await channels.channel_folder(connection, team_id, channel_id)

    async def add_member(self, team_id: str, user_id: str) -> None:
        connection = await self._graph()
        from graph import channels

        await channels.add_member(connection, team_id, user_id)

    async def add_member_by_address(self, team_id: str, address: str) -> str | None:
        connection = await self._graph()
        from graph import membership

        return await membership.add_member_by_address(connection, team_id, address)

    async def invite_guest(self, email: str, name: str, redirect_url: str, language: str) -> str:
        connection = await self._graph()
        from graph import membership

        return await membership.invite_guest(connection, email, name, redirect_url, language)

    async def add_group_member(self, group_id: str, user_id: str) -> None:
        connection = await self._graph()
        from graph import membership

        await membership.add_group_member(connection, group_id, user_id)

    async def send_mail(self, sender: str, to: str, subject: str, text: str) -> None:
        connection = await self._graph()
        from graph import membership

        await membership.send_mail(connection, sender, to, subject, text)

    async def create_chat(self, members: Sequence[str], topic: str) -> Chat:
        connection = await self._graph()
        from graph import chats

        return await chats.create_chat(connection, members, topic)

    async def install_app_in_chat(self, chat_id: str, teams_app_id: str) -> None:
        connection = await self._graph()
        from graph import chats

        await chats.install_app(connection, chat_id, teams_app_id)

    async def ensure_folder(self, parent: Folder, path: str) -> Folder:
        connection = await self._graph()
        from graph import files

        return await files.ensure_folder(connection, parent, path)

    async def upload(
        self,
        folder: Folder,
        name: str,
        content: bytes | AsyncIterable[bytes],
        *,
        size: int | None = None,
        conflict: ConflictBehavior = ConflictBehavior.RENAME,
    ) -> FileInfo:
        connection = await self._graph()
        from graph import files

        return await files.upload(connection, folder, name, content, size, conflict)

    async def download(self, drive_id: str, item_id: str) -> AsyncIterator[bytes]:
        connection = await self._graph()
        from graph import files

        async with aclosing(files.download(connection, drive_id, item_id)) as chunks:
            async for chunk in chunks:
                yield chunk

    async def list_files(self, folder: Folder, *, recursive: bool = True) -> list[FileInfo]:
        connection = await self._graph()
        from graph import files

        return await files.list_files(connection, folder, recursive)

    async def search(self, folder: Folder, words: str) -> list[FileInfo]:
        """Files below `folder` that Graph's search finds for `words` (names and content, whole words and
        prefixes) or whose name holds every word (so parts of compound words and files stored a moment
        ago are found too); every file when there are no words. Paths are relative to `folder`, as in
        `list_files`. Raises `NotFound` when the folder is gone (see `graph.search`)."""
        connection = await self._graph()
        from graph import files, search

        query = " ".join(words.split())
        if not query:
            return await files.list_files(connection, folder, True)
        found = await search.search_roots(connection, {0: folder}, query, missing_ok=False)
        return found[0]

    async def search_channels(
        self, team_id: str, channel_ids: Sequence[str], words: str
    ) -> dict[str, list[FileInfo]]:
        """`search` in many channels' folders at once: one round trip per 20 channels for the folders, then
        the listing and one search per library side by side. Paths are relative to each channel's folder;
        a deleted or unprovisioned channel maps to an empty list."""
        connection = await self._graph()
        from graph import search

        query = " ".join(words.split())
        if not query:
            return await self.list_files_of_channels(team_id, channel_ids)
        return await search.search_channels(connection, team_id, channel_ids, query)

    async def list_files_of_channels(
        self, team_id: str, channel_ids: Sequence[str]
    ) -> dict[str, list[FileInfo]]:
        connection = await self._graph()
        from graph import listing

        return await listing.list_files_of_channels(connection, team_id, channel_ids)
