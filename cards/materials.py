"""Meeting materials cards: the `materiaalit` answer, "which meeting is this for?", filing outcomes, and the
channel post that tells the network what was added."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from microsoft_teams.cards import (
    Action,
    ActionSet,
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    Container,
    ExecuteAction,
    OpenUrlAction,
    TextBlock,
)

from cards.base import card, heading, to_json
from core.errors import Invalid
from core.i18n import Translator
from core.materials import MAX_FILE_BYTES, Entry, MeetingFiles
from core.meetings import Meeting
from core.timezone import HELSINKI

FILE = "materials.file"
CANCEL = "materials.cancel"
EXPANDED_MAX = 5
SEND = "materials.send"  # "Send to me": the bot offers the file in personal chat (FileConsentCard)
BUDGET_BYTES = 60 * 1024  # the whole activity must stay under 80 KB; leave room for the envelope
MAX_MEETINGS = 12
MAX_FILES_PER_MEETING = 10


def parse_file(data: Mapping[str, object]) -> tuple[str, str]:
    """`materials.file` and `materials.cancel`: (draft id, meeting id), "" for one not given."""
    return str(data.get("draft") or ""), str(data.get("meeting") or "")


@dataclass(frozen=True)
class SendRequest:
    """`materials.send` ("Send to me"): a file of a channel library, as the listing's button named it."""

    item: str
    drive: str
    name: str
    size: int


def parse_send(data: Mapping[str, object]) -> SendRequest:
    """The button's file; `Invalid` for one without an item, library, name or size, or above the limit."""
    item, drive = str(data.get("item") or ""), str(data.get("drive") or "")
    name = " ".join(str(data.get("name") or "").split())
    raw = data.get("size") or 0
    try:
        size = int(raw) if isinstance(raw, (int, float, str)) else -1
    except (TypeError, ValueError):
        size = -1
    if not item or not drive or not name or size < 0:
        raise Invalid("materials.error.send_bad")
    if size > MAX_FILE_BYTES:
        raise Invalid("materials.error.too_large", max_mb=MAX_FILE_BYTES // (1024 * 1024))
    return SendRequest(item, drive, name, size)


@dataclass(frozen=True)
class NetworkMeetings:
    """One network's part of the answer: its display name and its meetings with files, newest first."""

    name: str
    meetings: Sequence[MeetingFiles]


def _day(t: Translator, day: date) -> str:
    return t.date(datetime(day.year, day.month, day.day, 12, tzinfo=HELSINKI))


def _who(entry: Entry, names: Mapping[str, str]) -> str:
    if entry.added_by is None:
        return ""
    return names.get(entry.added_by, "") if entry.known_person else entry.added_by


def send_data(entry: Entry) -> dict[str, str | int]:
    """What the "Send to me" button carries: where Graph keeps the file, its name and size."""
    return {"item": entry.item_id, "drive": entry.drive_id, "name": entry.name, "size": entry.size}


def _file_row(t: Translator, entry: Entry, names: Mapping[str, str], *, send: bool = False) -> CardElement:
    details = " · ".join(
        part
        for part in (t(f"materials.kind.{entry.kind.value}"), _who(entry, names), t.date(entry.added_at))
        if part
    )
    items: list[CardElement] = [
        TextBlock(text=entry.name, weight="Bolder", wrap=True, spacing="Small"),
        TextBlock(text=details, is_subtle=True, size="Small", wrap=True, spacing="None"),
    ]
    # One action per control: the file opens from its own button, beside "Send to me". (The name in accent
    # colour was the only sign of a link, in a clickable row that also held a button: mis-taps on phones.)
    buttons: list[Action] = []
    if entry.web_url:
        buttons.append(OpenUrlAction(title=t("materials.action.open"), url=entry.web_url))
    if send and entry.item_id and entry.drive_id:
        buttons.append(ExecuteAction(title=t("materials.action.send"), verb=SEND, data=send_data(entry)))
    if buttons:
        items.append(ActionSet(actions=buttons, spacing="Small"))
    return Container(items=items, spacing="Small")


def _meeting_block(
    t: Translator, network: str, group: MeetingFiles, names: Mapping[str, str], files: int
) -> Container:
    title = t("materials.list.meeting", theme=group.title, date=_day(t, group.day))
    items: list[CardElement] = [
        TextBlock(text=title, weight="Bolder", wrap=True),
        TextBlock(text=network, is_subtle=True, size="Small", wrap=True, spacing="None"),
    ]
    if not group.files:
        items.append(TextBlock(text=t("materials.list.no_files"), wrap=True, is_subtle=True))
    items += [_file_row(t, entry, names, send=True) for entry in group.files[:files]]
    if len(group.files) > files:
        items.append(
            TextBlock(text=t.plural("materials.list.more_in_meeting", len(group.files) - files), wrap=True)
        )
    return Container(items=items, separator=True, spacing="Medium")


def materials_card(
    t: Translator,
    networks: Sequence[NetworkMeetings],
    names: Mapping[str, str],
    *,
    query: str = "",
    stale: bool = False,
    missing_channels: Sequence[str] = (),
) -> AdaptiveCard:
    """Meetings newest first across `networks`, each with its files (name, type, who, date, a link that
    opens in Teams/SharePoint, and a "Send to me" button for a file Graph listed). Capped to stay well
    under Teams' message size; says how much was left out.
    `names` maps Entra ids to display names; `stale` says Graph could not be reached (records shown);
    `missing_channels` names networks that have no channel (and so no materials) yet."""
    title = t("materials.list.search_title", words=query) if query else t("materials.list.title")
    body: list[CardElement] = [heading(title)]
    if stale:
        body.append(TextBlock(text=t("materials.list.stale"), color="Warning", wrap=True))
    ordered = sorted(
        ((n.name, g) for n in networks for g in n.meetings),
        key=lambda pair: (-pair[1].day.toordinal(), pair[0]),
    )
    size = len(json.dumps(to_json(card(body)), ensure_ascii=False).encode())
    for index, (network, group) in enumerate(ordered):
        block = _meeting_block(t, network, group, names, MAX_FILES_PER_MEETING)
        block_size = len(json.dumps(block.model_dump(mode="json", exclude_none=True, by_alias=True)).encode())
        if index >= MAX_MEETINGS or size + block_size > BUDGET_BYTES:
            rest = len(ordered) - index
            body.append(TextBlock(text=t.plural("materials.list.more_meetings", rest), wrap=True))
            break
        body.append(block)
        size += block_size
    if not ordered and not (missing_channels and not networks):
        key = "materials.list.empty_search" if query else "materials.list.empty"
        body.append(TextBlock(text=t(key), wrap=True))
    for name in missing_channels:
        body.append(TextBlock(text=t("materials.list.no_channel", name=name), wrap=True, is_subtle=True))
    return card(body)


def choose_meeting_card(
    t: Translator, draft_id: str, name: str, meetings: Sequence[tuple[Meeting, str]]
) -> AdaptiveCard:
    """ "Which meeting is this for?": the meetings the sender may file into, as (meeting, network name)."""
    choices = [
        Choice(
            title=t(
                "materials.choose.option",
                theme=meeting.theme,
                date=t.date(meeting.starts_at),
                network=network,
            ),
            value=meeting.id,
        )
        for meeting, network in meetings
    ]
    body: list[CardElement] = [
        heading(t("materials.choose.title", name=name), size="Medium"),
        ChoiceSetInput(
            id="meeting",
            label=t("materials.choose.label"),
            # A few meetings as radio buttons: "theme (date, network)" wraps there, a drop-down cuts it off.
            style="expanded" if len(choices) <= EXPANDED_MAX else "compact",
            choices=choices,
            value=choices[0].value if choices else None,
            is_required=True,
            error_message=t("materials.choose.required"),
        ),
    ]
    actions = [
        ExecuteAction(title=t("materials.action.file"), verb=FILE, data={"draft": draft_id}),
        ExecuteAction(title=t("materials.action.cancel"), verb=CANCEL, data={"draft": draft_id}),
    ]
    return card(body, actions)


def filing_card(t: Translator, name: str, theme: str, network: str) -> AdaptiveCard:
    """The answer to the click: the file is on its way."""
    return card([heading(t("materials.filing", name=name, theme=theme, network=network), size="Medium")])


def cancelled_card(t: Translator, name: str) -> AdaptiveCard:
    return card([heading(t("materials.cancelled", name=name), size="Medium")])


def filed_card(t: Translator, name: str, stored_as: str, theme: str, network: str, url: str) -> AdaptiveCard:
    """Filed: where it went, under which name (SharePoint may have needed another), and a link."""
    body: list[CardElement] = [
        heading(t("materials.filed", name=name, theme=theme, network=network), size="Medium", color="Good")
    ]
    if stored_as != name:
        body.append(TextBlock(text=t("materials.filed.renamed", name=stored_as), wrap=True, is_subtle=True))
    actions = [OpenUrlAction(title=t("materials.action.open"), url=url)] if url else None
    return card(body, actions)


def filing_failed_card(
    t: Translator, name: str, reason: str, draft_id: str | None, meeting_id: str
) -> AdaptiveCard:
    """The file could not be filed; `reason` is already translated. A retry button when the draft is kept."""
    body: list[CardElement] = [
        heading(t("materials.failed", name=name), size="Medium", color="Attention"),
        TextBlock(text=reason, wrap=True),
    ]
    actions = None
    if draft_id:
        actions = [
            ExecuteAction(
                title=t("materials.action.retry"), verb=FILE, data={"draft": draft_id, "meeting": meeting_id}
            )
        ]
    return card(body, actions)


def added_card(
    t: Translator, meeting: Meeting, person: str, entries: Sequence[Entry], names: Mapping[str, str]
) -> AdaptiveCard:
    """Posted in the network channel: who added what to which meeting."""
    body: list[CardElement] = [
        heading(
            t("materials.added.title", theme=meeting.theme, date=t.date(meeting.starts_at)), size="Medium"
        ),
        TextBlock(text=t("materials.added.by", name=person), wrap=True, is_subtle=True),
    ]
    body += [_file_row(t, entry, names) for entry in entries]
    body.append(TextBlock(text=t("materials.added.hint"), wrap=True, size="Small", is_subtle=True))
    return card(body)
