"""Graph driveItems (SDK models or `$batch` JSON) as the domain's `Folder` and `FileInfo`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from msgraph.generated.models.drive_item import DriveItem
from msgraph.generated.models.identity_set import IdentitySet

from core.workspace import FileInfo, Folder


def _place(parent_path: str | None, name: str, parent: Folder | None) -> str:
    """The item's path in its library, from `parentReference.path` ("/drives/x/root:/General") or `parent`."""
    if parent_path is not None and "root:" in parent_path:
        folder = parent_path.split("root:", 1)[1].strip("/")
        return f"{folder}/{name}" if folder else name
    if parent is not None:
        return f"{parent.path}/{name}" if parent.path else name
    return name


def relative_path(path: str, base: Folder) -> str:
    prefix = f"{base.path}/" if base.path else ""
    return (
        path[len(prefix) :]
        if prefix and path.startswith(prefix)
        else path
        if not prefix
        else path.rpartition("/")[2]
    )


def folder_from_item(item: DriveItem, parent: Folder | None = None) -> Folder:
    reference = item.parent_reference
    name = item.name or ""
    drive_id = (reference.drive_id if reference else None) or (parent.drive_id if parent else "")
    place = _place(reference.path if reference else None, name, parent) if reference or parent else ""
    return Folder(drive_id, item.id or "", name, place, item.web_url)


def folder_from_json(raw: dict[str, Any], parent: Folder | None = None) -> Folder:
    reference = raw.get("parentReference") or {}
    name = str(raw.get("name", ""))
    drive_id = reference.get("driveId") or (parent.drive_id if parent else "")
    place = _place(reference.get("path"), name, parent) if reference or parent else ""
    return Folder(drive_id, str(raw.get("id", "")), name, place, raw.get("webUrl"))


def _author(identity: IdentitySet | None) -> str | None:
    if identity is None:
        return None
    for who in (identity.user, identity.application, identity.device):
        if who is not None and who.display_name:
            return who.display_name
    return None


def _author_json(identity: dict[str, Any] | None) -> str | None:
    for key in ("user", "application", "device"):
        who = (identity or {}).get(key) or {}
        if who.get("displayName"):
            return str(who["displayName"])
    return None


def file_info(item: DriveItem, base: Folder) -> FileInfo:
    """`base` is the folder the listing started from; the file's `path` is relative to it."""
    name = item.name or ""
    reference = item.parent_reference
    place = _place(
        reference.path if reference else None, name, None if reference and reference.path else base
    )
    modified = item.last_modified_date_time or item.created_date_time or datetime.now(UTC)
    return FileInfo(
        id=item.id or "",
        name=name,
        path=relative_path(place, base),
        size=int(item.size or 0),
        modified=modified.astimezone(UTC),
        author=_author(item.last_modified_by) or _author(item.created_by),
        web_url=item.web_url or "",
    )


def file_info_from_json(raw: dict[str, Any], base: Folder) -> FileInfo:
    name = str(raw.get("name", ""))
    reference = raw.get("parentReference") or {}
    place = _place(reference.get("path"), name, None if reference.get("path") else base)
    stamp = raw.get("lastModifiedDateTime") or raw.get("createdDateTime")
    modified = datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else datetime.now(UTC)
    return FileInfo(
        id=str(raw.get("id", "")),
        name=name,
        path=relative_path(place, base),
        size=int(raw.get("size") or 0),
        modified=modified.astimezone(UTC),
        author=_author_json(raw.get("lastModifiedBy")) or _author_json(raw.get("createdBy")),
        web_url=str(raw.get("webUrl", "")),
    )
