"""The `Workspace` port: the team's channels and the files in their folders, as the domain needs them.

`graph/` implements it on Microsoft Graph (and its local sandbox). Every method raises only
`core.errors.DomainError` subclasses, so the bot can explain a failure in the user's language.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from core.errors import Conflict, Invalid, NotFound, Unavailable


@dataclass(frozen=True)
class Channel:
    """A channel of the project team (one per peer network)."""

    team_id: str
    id: str
    name: str
    web_url: str | None = None


@dataclass(frozen=True)
class Folder:
    """A folder in a document library: the channel's Files tab or a folder below it; `path` is its place
    in the library ("General/Tapaamiset")."""

    drive_id: str
    item_id: str
    name: str
    path: str = ""
    web_url: str | None = None


@dataclass(frozen=True)
class FileInfo:
    """One stored file; `path` is relative to the folder it was listed from ("Tapaamiset/x.pptx")."""

    id: str
    name: str
    path: str
    size: int
    modified: datetime
    author: str | None
    web_url: str
    drive_id: str = ""  # the library it is in (with `id`, what `Workspace.download` takes)


@dataclass(frozen=True)
class Chat:
    """A Teams chat (a peer-coaching group's); `id` is also its Bot Framework conversation id."""

    id: str
    web_url: str | None = None


class ConflictBehavior(StrEnum):
    """What an upload does when the name is already taken."""

    FAIL = "fail"
    REPLACE = "replace"
    RENAME = "rename"


class ChannelLimitReached(Conflict):
    """The team has as many channels as Teams allows (deleted channels count for 30 days)."""

    default_key = "graph.error.channel_limit"


class ChannelNameReserved(Conflict):
    """A deleted channel still holds the name (Teams keeps it reserved); `variant` is a free one to offer.
    A team owner can also restore the deleted channel, after which it is reused."""

    default_key = "graph.error.channel_name_reserved"

    def __init__(self, name: str, variant: str) -> None:
        super().__init__("graph.error.channel_name_reserved", name=name, variant=variant)
        self.name = name
        self.variant = variant


class ChannelGone(NotFound):
    """The channel (or its team) was deleted or the bot no longer sees it."""

    default_key = "graph.error.channel_gone"


class FolderNotReady(Unavailable):
    """Teams has not finished creating the channel's SharePoint folder yet."""

    default_key = "graph.error.folder_not_ready"


class NameTaken(Conflict):
    """A file of that name exists and the upload was told not to replace it."""

    default_key = "graph.error.name_taken"


class FileTooLarge(Invalid):
    """The file is larger than the service accepts."""

    default_key = "graph.error.file_too_large"


class Throttled(Unavailable):
    """Graph kept answering "too many requests" or "unavailable" after the retries."""

    default_key = "graph.error.throttled"


class WorkspaceForbidden(Unavailable):
    """The bot's app registration lacks a permission Graph asks for."""

    default_key = "graph.error.forbidden"


class Workspace(Protocol):
    """Channels and files of the project team. Implementations retry throttling themselves."""

    async def ensure_channel(self, team_id: str, name: str, description: str | None = None) -> Channel:
        """The channel for a network, created if needed; the name is cleaned to a valid channel name and an
        existing channel of that name is reused. Raises `ChannelLimitReached` when the team is full and
        `ChannelNameReserved` (with a free variant) when a deleted channel still holds the name."""
        ...

    async def channel_folder(self, team_id: str, channel_id: str) -> Folder:
        """The channel's Files folder, waiting (with backoff) while Teams provisions it. Raises
        `ChannelGone` for a deleted channel and `FolderNotReady` when waiting did not help."""
        ...

    async def ensure_folder(self, parent: Folder, path: str) -> Folder:
        """The folder `path` ("Tapaamiset/2021-05-12 Teema") below `parent`, creating missing parts; each
        part is cleaned to a valid SharePoint name."""
        ...

    async def upload(
        self,
        folder: Folder,
        name: str,
        content: bytes | AsyncIterable[bytes],
        *,
        size: int | None = None,
        conflict: ConflictBehavior = ConflictBehavior.RENAME,
    ) -> FileInfo:
        """Store a file in `folder` under a cleaned `name`. `content` is bytes or an async source of chunks
        (then `size` is required). Raises `NameTaken` (conflict=FAIL), `FileTooLarge`, `Throttled`."""
        ...

    def download(self, drive_id: str, item_id: str) -> AsyncIterator[bytes]:
        """The bytes of a file, streamed in chunks (never whole in memory). Raises `NotFound` for a file
        that is gone, `WorkspaceForbidden`, `Throttled` or `Unavailable` (before or while streaming)."""
        ...

    async def list_files(self, folder: Folder, *, recursive: bool = True) -> list[FileInfo]:
        """The files in `folder` (and its subfolders when `recursive`), every page."""
        ...

    async def search(self, folder: Folder, words: str) -> list[FileInfo]:
        """Files below `folder` whose name or content matches all `words`."""
        ...

    async def search_channels(
        self, team_id: str, channel_ids: Sequence[str], words: str
    ) -> dict[str, list[FileInfo]]:
        """`search` in many channels' Files folders at once (paths relative to each channel's folder); a
        deleted or unprovisioned channel maps to an empty list."""
        ...

    async def list_files_of_channels(
        self, team_id: str, channel_ids: Sequence[str]
    ) -> dict[str, list[FileInfo]]:
        """The files of many channels' folders at once (batched); a deleted channel maps to an empty list."""
        ...

    async def add_member(self, team_id: str, user_id: str) -> None:
        """Make the Entra user a member of the team (no error when already a member)."""
        ...

    async def add_member_by_address(self, team_id: str, address: str) -> str | None:
        """Add the tenant's user with this principal name to the team as a member: their user id ("" when
        Graph did not say, e.g. already a member), None when the tenant has no such user."""
        ...

    async def invite_guest(self, email: str, name: str, redirect_url: str, language: str) -> str:
        """A B2B guest invitation (Graph sends its email); the guest's user id. Raises
        `core.join_flow.InvitationRefused` when the tenant's policy refuses it, `WorkspaceForbidden`."""
        ...

    async def add_group_member(self, group_id: str, user_id: str) -> None:
        """Add the user to the team's Microsoft 365 group (a guest joins the team this way); no error when
        already a member; `Unavailable` while a new guest is not yet in the directory."""
        ...

    async def send_mail(self, sender: str, to: str, subject: str, text: str) -> None:
        """A plain-text email from the bot's mailbox `sender`."""
        ...

    async def create_chat(self, members: Sequence[str], topic: str) -> Chat:
        """A new group chat named `topic` with the Entra users `members` (every member listed, two or more).
        Raises `WorkspaceForbidden` (no Chat.Create), `NotFound` (an unknown user), `Throttled`."""
        ...

    async def install_app_in_chat(self, chat_id: str, teams_app_id: str) -> None:
        """Add the app (its id in the tenant's app catalogue) to the chat, so the bot can post there; no
        error when it is there already. Raises `WorkspaceForbidden`, `NotFound` (no such chat or app)."""
        ...

    async def close(self) -> None:
        """Release HTTP clients."""
        ...
