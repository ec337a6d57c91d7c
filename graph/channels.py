"""Team channels and members: create-or-reuse a channel, its Files folder, adding a person."""

from __future__ import annotations

import re
import time

import httpx
from kiota_abstractions.api_error import APIError
from msgraph.generated.models.aad_user_conversation_member import AadUserConversationMember
from msgraph.generated.models.channel import Channel as GraphChannel

from core.errors import Invalid, NotFound, Unavailable
from core.retry import Backoff, Retry, with_retries
from core.workspace import (
    Channel,
    ChannelGone,
    ChannelLimitReached,
    ChannelNameReserved,
    Folder,
    FolderNotReady,
)
from graph.client import GraphConnection
from graph.errors import backoff, error_code, error_message, graph_errors, server_error_retry, to_domain
from graph.items import folder_from_item
from graph.names import CHANNEL_NAME_MAX, channel_name_violation, clean_channel_name

TEAM_NOT_FOUND = "graph.error.team_not_found"
FOLDER_BACKOFF = Backoff(retries=1000, base=0.25, cap=5.0)  # bounded by `folder_wait_seconds` instead
_NUMBERED = re.compile(r"^(.*\S) (\d{1,3})$")


async def ensure_channel(graph: GraphConnection, team_id: str, name: str, description: str | None) -> Channel:
    """Create the channel, or reuse a live one of that name. Graph answers a taken name with 400 "Channel
    name already existed" whether a live channel or a deleted one holds it (a deleted channel's name stays
    reserved, microsoft-graph-docs#6649): the live channels tell which, and for a deleted one
    `ChannelNameReserved` offers a free variant. 500/502 are tried again (bursts of creation answer 502);
    a retry after a creation whose answer was lost meets the 400 and reuses the channel."""
    display = clean_channel_name(name)
    channels = graph.client.teams.by_team_id(team_id).channels
    try:
        created = await with_retries(
            lambda: channels.post(GraphChannel(display_name=display, description=description)),
            policy=backoff(graph.config.max_retries),
            retry_on=server_error_retry,
            what=f"Graph channel creation of {display!r}",
        )
    except APIError as exc:
        if exc.response_status_code == 400:
            live = await list_channels(graph, team_id)
            existing = next((c for c in live if c.name.casefold() == display.casefold()), None)
            if existing is not None:
                return existing
            if _is_name_taken(exc):
                raise ChannelNameReserved(display, name_variant(display, {c.name for c in live})) from exc
            raise Invalid("graph.error.invalid_name", name=name) from exc
        if exc.response_status_code == 403 and _is_channel_limit(exc):
            raise ChannelLimitReached() from exc
        raise to_domain(exc, not_found=NotFound(TEAM_NOT_FOUND)) from exc
    except httpx.HTTPError as exc:
        raise Unavailable("graph.error.unavailable") from exc
    if created is None or not created.id:
        raise Unavailable("graph.error.unavailable")
    return Channel(team_id, created.id, created.display_name or display, created.web_url)


async def list_channels(graph: GraphConnection, team_id: str) -> list[Channel]:
    """The team's live channels (`GET /teams/{id}/channels` is not paged)."""
    with graph_errors(not_found=NotFound(TEAM_NOT_FOUND)):
        page = await graph.client.teams.by_team_id(team_id).channels.get()
    return [
        Channel(team_id, c.id, c.display_name or "", c.web_url)
        for c in ((page.value if page else None) or [])
        if c.id
    ]


async def find_channel(graph: GraphConnection, team_id: str, display: str) -> Channel | None:
    """The live channel whose name equals `display` (case-insensitively), if any."""
    return next(
        (c for c in await list_channels(graph, team_id) if c.name.casefold() == display.casefold()), None
    )


def name_variant(display: str, taken: set[str]) -> str:
    """A valid channel name like `display` that no live channel has: "Verkosto 2", "Verkosto 3", ... (a
    name already numbered counts on: "Verkosto 2" -> "Verkosto 3")."""
    numbered = _NUMBERED.match(display)
    stem, number = (numbered.group(1), int(numbered.group(2)) + 1) if numbered else (display, 2)
    folded = {t.casefold() for t in taken}
    while True:
        suffix = f" {number}"
        candidate = stem[: CHANNEL_NAME_MAX - len(suffix)].rstrip(" .-") + suffix
        if candidate.casefold() not in folded and channel_name_violation(candidate) is None:
            return candidate
        number += 1


async def channel_folder(graph: GraphConnection, team_id: str, channel_id: str) -> Folder:
    """`filesFolder`, tried again with backoff (0.25 s doubling, at most 5 s apart) while it answers 404/400
    and the channel itself exists, until `config.folder_wait_seconds` have passed."""
    channel = graph.client.teams.by_team_id(team_id).channels.by_channel_id(channel_id)
    deadline = time.monotonic() + graph.config.folder_wait_seconds

    async def attempt() -> Folder:
        try:
            with graph_errors():
                item = await channel.files_folder.get()
        except (NotFound, Invalid) as exc:  # 404 or 400: deleted, or not provisioned yet
            if not await _channel_exists(graph, team_id, channel_id):
                raise ChannelGone() from exc
            raise FolderNotReady() from exc
        if item is None:
            raise Unavailable("graph.error.unavailable")
        return folder_from_item(item)

    def still_waiting(error: BaseException) -> Retry | None:
        return Retry() if isinstance(error, FolderNotReady) and time.monotonic() < deadline else None

    return await with_retries(
        attempt, policy=FOLDER_BACKOFF, retry_on=still_waiting, what=f"Graph filesFolder of {channel_id}"
    )


async def _channel_exists(graph: GraphConnection, team_id: str, channel_id: str) -> bool:
    try:
        with graph_errors():
            await graph.client.teams.by_team_id(team_id).channels.by_channel_id(channel_id).get()
    except NotFound:
        return False
    return True


async def add_member(graph: GraphConnection, team_id: str, user_id: str) -> None:
    member = AadUserConversationMember(
        odata_type="#microsoft.graph.aadUserConversationMember",
        roles=[],
        additional_data={"user@odata.bind": f"{graph.config.base_url.rstrip('/')}/users('{user_id}')"},
    )
    with graph_errors(not_found=NotFound("graph.error.user_not_found")):
        try:
            await graph.client.teams.by_team_id(team_id).members.post(member)
        except APIError as exc:
            if exc.response_status_code != 409:  # 409: already a member
                raise


def _is_name_taken(exc: APIError) -> bool:
    """400 "Channel name already existed, please use other name" (older answers: code NameAlreadyExists,
    docs-contrib#6387)."""
    return error_code(exc).casefold() == "namealreadyexists" or "already exist" in error_message(exc).lower()


def _is_channel_limit(exc: APIError) -> bool:
    """Graph answers 403 "Forbidden" / "This team has exceeded the Max allowed channels" (formerly the code
    "ResourceLimitExceeded"); a plain 403 is a missing permission."""
    return error_code(exc) == "ResourceLimitExceeded" or "max allowed channels" in error_message(exc).lower()
