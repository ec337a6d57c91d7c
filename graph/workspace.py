"""`core.workspace.Workspace` on Microsoft Graph through msgraph-sdk."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterable, Sequence

import httpx
from kiota_abstractions.api_error import APIError
from msgraph import GraphServiceClient
from msgraph.generated.models.aad_user_conversation_member import AadUserConversationMember
from msgraph.generated.models.channel import Channel as GraphChannel
from msgraph.generated.models.drive_item import DriveItem
from msgraph.generated.models.folder import Folder as GraphFolder

from core.errors import Invalid, NotFound, Unavailable
from core.workspace import (
    Channel,
    ChannelGone,
    ChannelLimitReached,
    ConflictBehavior,
    FileInfo,
    Folder,
    FolderNotReady,
    NameTaken,
)
from graph.auth import MsalTokenProvider
from graph.batch import batch_get
from graph.client import build_graph_client
from graph.config import GraphConfig
from graph.errors import error_code, error_message, graph_errors, request_url, to_domain
from graph.items import file_info, file_info_from_json, folder_from_item, folder_from_json
from graph.names import clean_channel_name, clean_file_name
from graph.uploads import create_session, put_simple, upload_in_session


class GraphWorkspace:
    """Channels and files of a team on Graph. Build it with `graph.open_workspace(config)`."""

    def __init__(self, config: GraphConfig) -> None:
        self.config = config
        self._tokens = MsalTokenProvider(config)
        self._connection = build_graph_client(config, self._tokens)
        self._client = self._connection.client
        self._adapter = self._connection.adapter
        self._uploads = httpx.AsyncClient(timeout=httpx.Timeout(300.0, connect=10.0), trust_env=False)

    @property
    def client(self) -> GraphServiceClient:
        return self._client

    async def close(self) -> None:
        await self._connection.close()
        await self._uploads.aclose()
        self._tokens.close()

    # -- channels -----------------------------------------------------------------------------------

    async def ensure_channel(self, team_id: str, name: str, description: str | None = None) -> Channel:
        display = clean_channel_name(name)
        channels = self._client.teams.by_team_id(team_id).channels
        try:
            created = await channels.post(GraphChannel(display_name=display, description=description))
        except APIError as exc:
            status = exc.response_status_code
            if status == 400:
                existing = await self._find_channel(team_id, display)
                if existing is not None:
                    return existing
                raise Invalid("graph.error.invalid_name", name=name) from exc
            if status == 403 and _is_channel_limit(exc):
                raise ChannelLimitReached() from exc
            raise to_domain(exc, not_found=NotFound("graph.error.team_not_found")) from exc
        except httpx.HTTPError as exc:
            raise to_domain_transport() from exc
        if created is None or not created.id:
            raise to_domain_transport()
        return Channel(team_id, created.id, created.display_name or display, created.web_url)

    async def _find_channel(self, team_id: str, display: str) -> Channel | None:
        with graph_errors(not_found=NotFound("graph.error.team_not_found")):
            page = await self._client.teams.by_team_id(team_id).channels.get()
        for channel in (page.value if page else None) or []:
            if channel.id and (channel.display_name or "").casefold() == display.casefold():
                return Channel(team_id, channel.id, channel.display_name or display, channel.web_url)
        return None

    async def channel_folder(self, team_id: str, channel_id: str) -> Folder:
        channel = self._client.teams.by_team_id(team_id).channels.by_channel_id(channel_id)
        deadline = time.monotonic() + self.config.folder_wait_seconds
        attempt = 0
        while True:
            try:
                item = await channel.files_folder.get()
            except APIError as exc:
                if exc.response_status_code not in (400, 404):
                    raise to_domain(exc) from exc
                if not await self._channel_exists(team_id, channel_id):
                    raise ChannelGone() from exc
                wait = min(0.25 * 2**attempt, 5.0)
                if time.monotonic() + wait > deadline:
                    raise FolderNotReady() from exc
                attempt += 1
                await asyncio.sleep(wait)
                continue
            except httpx.HTTPError as exc:
                raise to_domain_transport() from exc
            if item is None:
                raise to_domain_transport()
            return folder_from_item(item)

    async def _channel_exists(self, team_id: str, channel_id: str) -> bool:
        try:
            await self._client.teams.by_team_id(team_id).channels.by_channel_id(channel_id).get()
        except APIError as exc:
            if exc.response_status_code == 404:
                return False
            raise to_domain(exc) from exc
        return True

    # -- folders and files --------------------------------------------------------------------------

    async def ensure_folder(self, parent: Folder, path: str) -> Folder:
        folder = parent
        for part in (p for p in path.split("/") if p.strip()):
            folder = await self._child_folder(folder, clean_file_name(part))
        return folder

    async def _child_folder(self, parent: Folder, name: str) -> Folder:
        items = self._client.drives.by_drive_id(parent.drive_id).items
        body = DriveItem(
            name=name, folder=GraphFolder(), additional_data={"@microsoft.graph.conflictBehavior": "fail"}
        )
        try:
            created = await items.by_drive_item_id(parent.item_id).children.post(body)
        except APIError as exc:
            if exc.response_status_code != 409:
                raise to_domain(exc, not_found=NotFound("graph.error.folder_not_found")) from exc
            with graph_errors():
                created = await items.by_drive_item_id(f"{parent.item_id}:/{name}:").get()
            if created is not None and created.folder is None:
                raise NameTaken("graph.error.file_in_the_way", name=name) from exc
        except httpx.HTTPError as exc:
            raise to_domain_transport() from exc
        if created is None:
            raise to_domain_transport()
        return folder_from_item(created, parent)

    async def upload(
        self,
        folder: Folder,
        name: str,
        content: bytes | AsyncIterable[bytes],
        *,
        size: int | None = None,
        conflict: ConflictBehavior = ConflictBehavior.RENAME,
    ) -> FileInfo:
        clean = clean_file_name(name)
        if isinstance(content, bytes | bytearray):
            size = len(content)
        elif size is None:
            raise ValueError("size is required when content is a chunk source")
        if size <= self.config.session_threshold:
            data = bytes(content) if isinstance(content, bytes | bytearray) else await _collect(content, size)
            item = await put_simple(self._client, self.config, folder, clean, data, conflict)
            return file_info(item, folder)
        url = await create_session(self._client, folder, clean, conflict)
        source = _single(bytes(content)) if isinstance(content, bytes | bytearray) else content
        body = await upload_in_session(self._uploads, self.config, url, source, size)
        return file_info_from_json(body, folder)

    async def list_files(self, folder: Folder, *, recursive: bool = True) -> list[FileInfo]:
        files: list[FileInfo] = []
        pending = [folder]
        while pending:
            current = pending.pop(0)
            for item in await self._children(current):
                if item.folder is not None:
                    if recursive:
                        pending.append(folder_from_item(item, current))
                else:
                    files.append(file_info(item, folder))
        return files

    async def _children(self, folder: Folder) -> list[DriveItem]:
        builder = (
            self._client.drives.by_drive_id(folder.drive_id).items.by_drive_item_id(folder.item_id).children
        )
        with graph_errors(not_found=NotFound("graph.error.folder_not_found")):
            page = await builder.get()
            items = list(page.value or []) if page else []
            while page is not None and page.odata_next_link:
                page = await builder.with_url(page.odata_next_link).get()
                items.extend(page.value or [] if page else [])
        return items

    async def search(self, folder: Folder, words: str) -> list[FileInfo]:
        query = " ".join(words.split())
        if not query:
            return await self.list_files(folder)
        item = self._client.drives.by_drive_id(folder.drive_id).items.by_drive_item_id(folder.item_id)
        builder = item.search_with_q(query.replace("'", "''"))
        found: list[DriveItem] = []
        with graph_errors(not_found=NotFound("graph.error.folder_not_found")):
            page = await builder.get()
            found.extend(page.value or [] if page else [])
            while page is not None and page.odata_next_link:
                page = await builder.with_url(page.odata_next_link).get()
                found.extend(page.value or [] if page else [])
        return [file_info(i, folder) for i in found if i.folder is None]

    async def list_files_of_channels(
        self, team_id: str, channel_ids: Sequence[str]
    ) -> dict[str, list[FileInfo]]:
        """One `$batch` round for the channels' folders, then one per folder level (20 folders a batch)."""
        team = self._client.teams.by_team_id(team_id).channels
        urls = [request_url(team.by_channel_id(c).files_folder, self.config.base_url) for c in channel_ids]
        folders = await batch_get(self._adapter, self.config, urls)
        result: dict[str, list[FileInfo]] = {c: [] for c in channel_ids}
        level: list[tuple[str, Folder, Folder, str]] = []  # channel, channel folder, folder, url
        for channel_id, reply in zip(channel_ids, folders, strict=True):
            if reply.status == 200:
                root = folder_from_json(reply.body)
                level.append((channel_id, root, root, self._children_url(root)))
            elif reply.status not in (400, 404):
                raise to_domain_transport(reply.status)
        while level:
            replies = await batch_get(self._adapter, self.config, [entry[3] for entry in level])
            next_level: list[tuple[str, Folder, Folder, str]] = []
            for (channel_id, root, current, _), reply in zip(level, replies, strict=True):
                if reply.status != 200:
                    raise to_domain_transport(reply.status)
                for raw in reply.body.get("value") or []:
                    if "folder" in raw:
                        sub = folder_from_json(raw, current)
                        next_level.append((channel_id, root, sub, self._children_url(sub)))
                    else:
                        result[channel_id].append(file_info_from_json(raw, root))
                if reply.body.get("@odata.nextLink"):
                    next_level.append((channel_id, root, current, str(reply.body["@odata.nextLink"])))
            level = next_level
        return result

    def _children_url(self, folder: Folder) -> str:
        item = self._client.drives.by_drive_id(folder.drive_id).items.by_drive_item_id(folder.item_id)
        return request_url(item.children, self.config.base_url)

    async def add_member(self, team_id: str, user_id: str) -> None:
        member = AadUserConversationMember(
            odata_type="#microsoft.graph.aadUserConversationMember",
            roles=[],
            additional_data={"user@odata.bind": f"{self.config.base_url.rstrip('/')}/users('{user_id}')"},
        )
        try:
            await self._client.teams.by_team_id(team_id).members.post(member)
        except APIError as exc:
            if exc.response_status_code == 409:
                return  # already a member
            raise to_domain(exc, not_found=NotFound("graph.error.user_not_found")) from exc
        except httpx.HTTPError as exc:
            raise to_domain_transport() from exc


def _is_channel_limit(exc: APIError) -> bool:
    """Graph answers 403 "Forbidden" / "This team has exceeded the Max allowed channels" (formerly the code
    "ResourceLimitExceeded"); a plain 403 is a missing permission."""
    return error_code(exc) == "ResourceLimitExceeded" or "max allowed channels" in error_message(exc).lower()


def to_domain_transport(status: int | None = None) -> Unavailable:
    return (
        Unavailable("graph.error.unavailable", status=status)
        if status
        else Unavailable("graph.error.unavailable")
    )


async def _collect(source: AsyncIterable[bytes], size: int) -> bytes:
    data = bytearray()
    async for chunk in source:
        data += chunk
        if len(data) > size:
            break
    if len(data) != size:
        raise Invalid("graph.error.size_mismatch")
    return bytes(data)


async def _single(data: bytes) -> AsyncIterable[bytes]:
    yield data
