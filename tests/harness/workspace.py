"""A `Workspace` that keeps what it was asked in memory, for use-case tests that need channels and files
but no Graph (the Graph layer itself is tested against the sandbox)."""

from __future__ import annotations

from collections.abc import AsyncIterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from core.workspace import Channel, ConflictBehavior, FileInfo, Folder


@dataclass
class RecordingWorkspace:
    """Channels by name, folders by path, files by (folder path, name) with their bytes."""

    channels: dict[str, Channel] = field(default_factory=dict)
    files: dict[tuple[str, str], bytes] = field(default_factory=dict)

    async def ensure_channel(self, team_id: str, name: str, description: str | None = None) -> Channel:
        if name not in self.channels:
            self.channels[name] = Channel(team_id, f"19:{len(self.channels) + 1}@thread.tacv2", name)
        return self.channels[name]

    async def channel_folder(self, team_id: str, channel_id: str) -> Folder:
        return Folder("drive-1", f"folder:{channel_id}", channel_id, path=channel_id)

    async def ensure_folder(self, parent: Folder, path: str) -> Folder:
        full = f"{parent.path}/{path}"
        return Folder(parent.drive_id, f"folder:{full}", path.rpartition("/")[2], path=full)

    async def upload(
        self,
        folder: Folder,
        name: str,
        content: bytes | AsyncIterable[bytes],
        *,
        size: int | None = None,
        conflict: ConflictBehavior = ConflictBehavior.RENAME,
    ) -> FileInfo:
        data = content if isinstance(content, bytes) else b"".join([chunk async for chunk in content])
        self.files[(folder.path, name)] = data
        url = f"https://contoso.sharepoint.com/{folder.path}/{name}"
        return FileInfo(
            f"item:{folder.path}/{name}", name, name, len(data), datetime.now(UTC), None, url, "drive-1"
        )

    async def close(self) -> None:
        return None
