"""Graph driveItems (SDK models or `$batch` JSON) as the domain's `Folder` and `FileInfo`.

An item's place comes from `parentReference.path` where Graph gives one (single items, `children`), or from
the folder the caller knows it is in: Graph's `search(q=...)` results carry only `parentReference.id`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from msgraph.generated.models.drive_item import DriveItem
from msgraph.generated.models.identity_set import IdentitySet

from core.workspace import FileInfo, Folder


def has_path(raw: dict[str, Any]) -> bool:
    """Whether a JSON driveItem tells its place (`parentReference.path`); search results do not."""
    return "root:" in str((raw.get("parentReference") or {}).get("path") or "")


def parent_key(raw: dict[str, Any], drive_id: str) -> tuple[str, str]:
    """(drive id, item id) of a JSON driveItem's parent folder; the id is "" for a library's root."""
    reference = raw.get("parentReference") or {}
    return (str(reference.get("driveId") or drive_id), str(reference.get("id") or ""))


def library_path(parent_path: str) -> str:
    """The folder a `parentReference.path` names, relative to the library root and decoded: Graph sends it
    percent-encoded ("/drives/x/root:/General/Tapaamiset/2021-05-12%20Teema" is
    "General/Tapaamiset/2021-05-12 Teema"; `resources/itemreference.md`)."""
    return unquote(parent_path.split("root:", 1)[1]).strip("/")


def _place(parent_path: str | None, name: str, parent: Folder | None) -> str:
    """The item's path in its library, from `parentReference.path` ("/drives/x/root:/General") or `parent`."""
    if parent_path is not None and "root:" in parent_path:
        folder = library_path(parent_path)
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


def _file_place(
    name: str, path: str | None, parent_id: str | None, base: Folder, parent: Folder | None
) -> str:
    """Where a file is: in `parent` when the caller knows it, else at its `parentReference.path`, else in
    `base` when its parent is `base` (or unnamed); else only its name is known (see `file_info`)."""
    if parent is not None:
        return f"{parent.path}/{name}" if parent.path else name
    if path and "root:" in path:
        return _place(path, name, None)
    if not parent_id or parent_id == base.item_id:
        return _place(None, name, base)
    return name


def file_info(item: DriveItem, base: Folder, parent: Folder | None = None) -> FileInfo:
    """`base` is the folder the listing or search started from; the file's `path` is relative to it.
    `parent` is the folder the file is in, when the caller knows it (a search hit has no
    `parentReference.path`); a file whose place is unknown gets its bare name as `path`."""
    name = item.name or ""
    reference = item.parent_reference
    place = _file_place(
        name, reference.path if reference else None, reference.id if reference else None, base, parent
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
        drive_id=(reference.drive_id if reference else None) or base.drive_id,
    )


def file_info_from_json(raw: dict[str, Any], base: Folder, parent: Folder | None = None) -> FileInfo:
    """As `file_info`, for JSON driveItems."""
    name = str(raw.get("name", ""))
    reference = raw.get("parentReference") or {}
    place = _file_place(name, reference.get("path"), reference.get("id"), base, parent)
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
        drive_id=str(reference.get("driveId") or base.drive_id),
    )
