"""Valid names for Teams channels and SharePoint files, and the rules that decide validity.

Channel display names: at most 50 characters; none of ``~ # % & * { } + / \\ : < > ? | ' " ,``, no "..",
no control characters (0x00-0x1F, 0x7F-0x9F); not a reserved name (forms, CON, CONIN$, CONOUT$, PRN, AUX,
NUL, COM1-9, LPT1-9, desktop.ini) and no "_vti_"; no leading "_" or ".", no trailing ".".
SharePoint file and folder names: none of ``" * : < > ? / \\ |``, no control characters, no leading or
trailing spaces; not ".lock", CON, PRN, AUX, NUL, COM0-9, LPT0-9, desktop.ini; no "_vti_", no leading "~$";
"forms" is reserved at the library root. Letters such as ä, ö and å are valid everywhere.
"""

from __future__ import annotations

import re
import unicodedata

from core.errors import Invalid

CHANNEL_NAME_MAX = 50
FILE_NAME_MAX = 200

_CONTROL = "".join(chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)])
_CHANNEL_FORBIDDEN = set("~#%&*{}+/\\:<>?|'\",") | set(_CONTROL)
_FILE_FORBIDDEN = set('"*:<>?/\\|') | set(_CONTROL)
_DEVICE = {"con", "prn", "aux", "nul"}
_CHANNEL_RESERVED = (
    _DEVICE
    | {"forms", "conin$", "conout$", "desktop.ini"}
    | {f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)}
)
_FILE_DEVICES = _DEVICE | {f"{p}{n}" for p in ("com", "lpt") for n in range(10)}
_FILE_RESERVED = _FILE_DEVICES | {".lock", "desktop.ini"}


def channel_name_violation(name: str) -> str | None:
    """Why `name` is not a valid channel display name, or None when it is."""
    if not name.strip():
        return "empty"
    if len(name) > CHANNEL_NAME_MAX:
        return "too long"
    if any(c in _CHANNEL_FORBIDDEN for c in name):
        return "forbidden character"
    if ".." in name:
        return "consecutive periods"
    if name.lower() in _CHANNEL_RESERVED or "_vti_" in name.lower():
        return "reserved name"
    if name[0] in "_." or name.endswith("."):
        return "leading underscore or period, or trailing period"
    return None


def file_name_violation(name: str, *, at_root: bool = False) -> str | None:
    """Why `name` is not a valid SharePoint file or folder name, or None when it is."""
    if not name.strip():
        return "empty"
    if len(name) > FILE_NAME_MAX:
        return "too long"
    if any(c in _FILE_FORBIDDEN for c in name):
        return "forbidden character"
    if name != name.strip(" "):
        return "leading or trailing space"
    lowered = name.lower()
    stem = lowered.split(".", 1)[0] if not lowered.startswith(".") else lowered
    if not name.strip("."):
        return "reserved name"
    if lowered in _FILE_RESERVED or stem in _FILE_DEVICES or "_vti_" in lowered or lowered.startswith("~$"):
        return "reserved name"
    if at_root and lowered == "forms":
        return "reserved name"
    return None


def clean_channel_name(name: str) -> str:
    """A valid channel display name as close to `name` as possible. Raises `Invalid` when nothing is left."""
    text = unicodedata.normalize("NFC", name)
    text = "".join("-" if c in "/\\|" else " " if c in _CHANNEL_FORBIDDEN else c for c in text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"_vti_", "vti", text, flags=re.IGNORECASE)
    text = _squeeze(text)
    text = _truncate(text.lstrip("_. -"), CHANNEL_NAME_MAX).rstrip(". -")
    if text.lower() in _CHANNEL_RESERVED:
        text = f"{text}-kanava"
    if channel_name_violation(text):
        raise Invalid("graph.error.invalid_name", name=name)
    return text


def clean_file_name(name: str, *, at_root: bool = False) -> str:
    """A valid SharePoint file or folder name as close to `name` as possible, keeping the extension."""
    text = unicodedata.normalize("NFC", name)
    text = "".join("-" if c in "/\\|" else " " if c in _FILE_FORBIDDEN else c for c in text)
    text = re.sub(r"_vti_", "vti", text, flags=re.IGNORECASE)
    text = re.sub(r" +\.", ".", _squeeze(text))
    while text.startswith("~$"):
        text = text[2:].lstrip()
    text = text.rstrip(". ")
    if len(text) > FILE_NAME_MAX:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            text = f"{_truncate(stem, FILE_NAME_MAX - len(ext) - 1)}.{ext}"
        else:
            text = _truncate(text, FILE_NAME_MAX)
    lowered = text.lower()
    stem = lowered.split(".", 1)[0] if not lowered.startswith(".") else lowered
    if lowered in _FILE_RESERVED or stem in _FILE_DEVICES or (at_root and lowered == "forms"):
        text = f"_{text}"
    if file_name_violation(text, at_root=at_root):
        raise Invalid("graph.error.invalid_name", name=name)
    return text


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _truncate(text: str, limit: int) -> str:
    """Cut at a word boundary when one is near the limit."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space >= limit * 2 // 3 else cut).rstrip()


def clean_folder_name(name: str) -> str:
    """`clean_file_name`, or the name as it is when nothing valid would be left (matching a folder that
    someone named by hand is then still possible)."""
    try:
        return clean_file_name(name)
    except Invalid:
        return name
