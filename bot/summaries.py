"""The one line Teams shows in a notification of a proactive message (`Activity.summary`).

Without it, the banner and the activity feed say only that the bot sent a card. Teams desktop, web and iOS
show the summary; Android shows it while the app holds its live connection, and falls back to its own
"sent you a card" when the notification comes by push (MicrosoftDocs/msteams-docs#4390,
OfficeDev/microsoft-teams-library-js#3054). The line is the card's title, which the card builder wrote in
the recipient's language, so every proactive message gets one without a catalog key of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

SUMMARY_MAX = 150


def _texts(node: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _texts(item)
    elif isinstance(node, Mapping):
        if node.get("type") == "TextBlock" and isinstance(node.get("text"), str):
            yield node
        for key in ("items", "columns", "body"):
            yield from _texts(node.get(key))


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= SUMMARY_MAX else line[: SUMMARY_MAX - 1].rstrip() + "…"


def summary_of(activity: Mapping[str, Any]) -> str:
    """The activity's summary: its own, else the first card's heading-styled title (else its first text),
    else the message text's first line, else an attached file's name; "" when it has none of these."""
    own = activity.get("summary")
    if isinstance(own, str) and own.strip():
        return _one_line(own)
    for attachment in activity.get("attachments") or []:
        content = attachment.get("content") if isinstance(attachment, Mapping) else None
        if isinstance(content, Mapping) and content.get("type") == "AdaptiveCard":
            texts = list(_texts(content.get("body")))
            titled = [t for t in texts if t.get("style") == "heading"] or texts
            if titled:
                return _one_line(str(titled[0]["text"]))
    text = activity.get("text")
    if isinstance(text, str) and text.strip():
        return _one_line(text.strip().splitlines()[0])
    for attachment in activity.get("attachments") or []:
        if isinstance(attachment, Mapping) and isinstance(attachment.get("name"), str):
            return _one_line(attachment["name"])
    return ""


def with_summary(activity: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a message activity that carries its summary (other activities unchanged)."""
    found = dict(activity)
    if found.get("type", "message") == "message":
        summary = summary_of(activity)
        if summary:
            found["summary"] = summary
    return found
