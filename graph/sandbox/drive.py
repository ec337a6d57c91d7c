"""Document libraries of the sandbox, kept as plain folders on disk.

A drive item's id encodes its path inside the drive, so the disk is the only state and files survive a
restart. Authors of uploads and when they were written are remembered in memory (after a restart items show
the app as author, and everything counts as indexed for search).

Items are shaped as Graph's driveItem: `parentReference.path` is percent-encoded ("/drives/b!x/root:/
HR-kehitt%C3%A4j%C3%A4verkosto", `resources/itemreference.md`), and search matches words and word prefixes
of the name and content, not substrings (`api/driveitem-search.md`).
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
import shutil
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

ROOT_ID = "01ROOT"
CONTENT_LIMIT = 4 * 1024 * 1024  # larger files are searched by name only
_TAG = re.compile(r"<[^>]+>")
_OFFICE_TEXT = re.compile(r"(word/document|ppt/slides/slide\d+|xl/sharedStrings|content)\.xml$")


def fold(text: str) -> str:
    """Text as search compares it: NFC (a decomposed "ä" equals a composed one) and case-folded."""
    return unicodedata.normalize("NFC", text).casefold()


_WORD = re.compile(r"[^\W_]+")


def words_of(text: str) -> list[str]:
    """The words search indexes in `text`: runs of letters and digits, folded ("Tasa-arvosuunnitelma_2021"
    is "tasa", "arvosuunnitelma", "2021")."""
    return _WORD.findall(fold(text))


def encoded_path(parent: str) -> str:
    """`parentReference.path` of an item in folder `parent` ("" = the root), percent-encoded as Graph sends
    it (space %20, "ä" %C3%A4, "%" %25; "/" kept)."""
    return "/root:" + (quote(f"/{parent}", safe="/") if parent else "")


def item_id(path: str) -> str:
    """The id of the item at `path` ("" is the root)."""
    if not path:
        return ROOT_ID
    return "01" + base64.b32encode(path.encode()).decode().rstrip("=")


def item_path(id_: str) -> str | None:
    """The path an id names, or None for something that is not an id of this sandbox."""
    if id_ in (ROOT_ID, "root"):
        return ""
    if not id_.startswith("01") or len(id_) < 3:
        return None
    body = id_[2:]
    try:
        return base64.b32decode(body + "=" * (-len(body) % 8)).decode()
    except (ValueError, UnicodeDecodeError):
        return None


@dataclass
class Drive:
    """One team's document library rooted at `directory`."""

    id: str
    directory: Path
    web_root: str
    authors: dict[str, dict[str, Any]] = field(default_factory=dict)
    written: dict[str, float] = field(default_factory=dict)  # path -> when an upload wrote it (monotonic)

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)

    def disk(self, path: str) -> Path:
        parts = PurePosixPath(path).parts
        if any(part in ("..", ".", "") for part in parts):
            raise ValueError(f"bad path {path!r}")
        return self.directory.joinpath(*parts)

    def exists(self, path: str) -> bool:
        return self.disk(path).exists()

    def is_folder(self, path: str) -> bool:
        return self.disk(path).is_dir()

    def make_folder(self, path: str) -> None:
        self.disk(path).mkdir(parents=True, exist_ok=True)

    def children(self, path: str) -> list[str]:
        folder = self.disk(path)
        return sorted(
            (f"{path}/{entry.name}" if path else entry.name for entry in folder.iterdir()), key=str.lower
        )

    def walk(self, path: str) -> list[str]:
        """Every item below `path`, depth first, sorted by name."""
        found: list[str] = []
        for child in self.children(path):
            found.append(child)
            if self.is_folder(child):
                found.extend(self.walk(child))
        return found

    def store(self, path: str, source: Path, author: dict[str, Any]) -> None:
        """Move a finished upload into place, replacing what was there."""
        target = self.disk(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            shutil.rmtree(target)
        source.replace(target)
        self.authors[path] = author
        self.written[path] = time.monotonic()

    def indexed(self, path: str, lag: float) -> bool:
        """Whether search sees `path` yet: `lag` seconds after an upload wrote it (seeded files and files
        from before a restart count as indexed long ago)."""
        written = self.written.get(path)
        return written is None or time.monotonic() - written >= lag

    def remove(self, path: str) -> None:
        """Delete a file or a folder with everything in it."""
        target = self.disk(path)
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
        for known in [k for k in self.authors if k == path or k.startswith(f"{path}/")]:
            self.authors.pop(known, None)
            self.written.pop(known, None)

    def free_name(self, path: str) -> str:
        """`path` itself or, when taken, "name 1.ext", "name 2.ext", ... (conflictBehavior=rename)."""
        if not self.exists(path):
            return path
        parent, _, name = path.rpartition("/")
        stem, dot, ext = name.rpartition(".")
        if not dot or not stem:
            stem, ext = name, ""
        number = 1
        while True:
            candidate = f"{stem} {number}.{ext}" if ext else f"{stem} {number}"
            full = f"{parent}/{candidate}" if parent else candidate
            if not self.exists(full):
                return full
            number += 1

    def web_url(self, path: str) -> str:
        return f"{self.web_root}/{quote(path)}" if path else self.web_root

    def text(self, path: str) -> str:
        """What search reads inside a file: UTF-8 text, or the text of an Office/OpenDocument file's main
        XML parts; "" for folders, binary files and files over `CONTENT_LIMIT`."""
        disk = self.disk(path)
        if not disk.is_file() or disk.stat().st_size > CONTENT_LIMIT:
            return ""
        if zipfile.is_zipfile(disk):
            try:
                with zipfile.ZipFile(disk) as archive:
                    parts = [n for n in archive.namelist() if _OFFICE_TEXT.search(n)]
                    xml = " ".join(archive.read(n).decode("utf-8", "replace") for n in parts)
            except (zipfile.BadZipFile, OSError):
                return ""
            return _TAG.sub(" ", xml)
        try:
            return disk.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            return ""

    def matches(self, path: str, words: list[str]) -> bool:
        """Every query word is the start of a word of the item's name or, for a file, of its text (Graph
        matches words and prefixes across name, metadata and content; "suunnitelma" does not find
        "Tasa-arvosuunnitelma")."""
        if not words:
            return False
        name = words_of(path.rpartition("/")[2])
        if all(any(n.startswith(w) for n in name) for w in words):
            return True
        known = name + words_of(self.text(path))
        return all(any(k.startswith(w) for k in known) for w in words)

    def item(self, path: str, default_author: dict[str, Any], *, reference: str = "full") -> dict[str, Any]:
        """The driveItem resource for `path`, as Graph returns it. `reference` shapes its
        `parentReference`: "full" (driveId, driveType, id, percent-encoded path), "id" (no path),
        "search" (no path, as in search results, plus the `searchResult` facet) or "drive" (only driveId
        and driveType, as `filesFolder` answers)."""
        disk = self.disk(path)
        stat = disk.stat()
        modified = datetime.fromtimestamp(stat.st_mtime, UTC).isoformat().replace("+00:00", "Z")
        parent = path.rpartition("/")[0]
        name = path.rpartition("/")[2] if path else "root"
        author = self.authors.get(path, default_author)
        guid = uuid_of(path)
        version = stat.st_mtime_ns % 1_000_000
        body: dict[str, Any] = {
            "id": item_id(path),
            "name": name,
            "webUrl": self.web_url(path),
            "eTag": f'"{{{guid}}},{version}"',
            "cTag": f'"c:{{{guid}}},{version}"',
            "createdDateTime": modified,
            "lastModifiedDateTime": modified,
            "createdBy": author,
            "lastModifiedBy": author,
            "fileSystemInfo": {"createdDateTime": modified, "lastModifiedDateTime": modified},
            "parentReference": {"driveId": self.id, "driveType": "documentLibrary"},
        }
        if reference != "drive":
            body["parentReference"]["id"] = item_id(parent)
        if reference == "full":
            body["parentReference"]["path"] = f"/drives/{self.id}{encoded_path(parent)}"
        if reference == "search":
            body["searchResult"] = {"onClickTelemetryUrl": self.web_url(path)}
        if disk.is_dir():
            body["folder"] = {"childCount": sum(1 for _ in disk.iterdir())}
            body["size"] = sum(p.stat().st_size for p in disk.rglob("*") if p.is_file())
        else:
            mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            body["file"] = {"mimeType": mime}
            body["size"] = stat.st_size
        if not path:
            body.pop("parentReference")
            body["root"] = {}
        return body


def uuid_of(path: str) -> str:
    """A stable GUID per item path (for eTag and cTag)."""
    digest = hashlib.sha1(path.encode()).hexdigest().upper()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
