"""Team channels and members: create-or-reuse a channel, its Files folder, adding a person."""

from __future__ import annotations

import asyncio
import time

import httpx
from kiota_abstractions.api_error import APIError
from msgraph.generated.models.aad_user_conversation_member import AadUserConversationMember
from msgraph.generated.models.channel import Channel as GraphChannel

from core.errors import Invalid, NotFound, Unavailable
from core.workspace import Channel, ChannelGone, ChannelLimitReached, Folder, FolderNotReady
from graph.client import GraphConnection
from graph.errors import error_code, error_message, graph_errors, to_domain
from graph.items import folder_from_item
from graph.names import clean_channel_name

TEAM_NOT_FOUND = "graph.error.team_not_found"


async def ensure_channel(graph: GraphConnection, team_id: str, name: str, description: str | None) -> Channel:
    display = clean_channel_name(name)
    channels = graph.client.teams.by_team_id(team_id).channels
    try:
        created = await channels.post(GraphChannel(display_name=display, description=description))
    except APIError as exc:
        if exc.response_status_code == 400:
            # Graph says "Channel name already existed" with a 400 and no dedicated code: look it up.
            existing = await find_channel(graph, team_id, display)
            if existing is not None:
                return existing
            raise Invalid("graph.error.invalid_name", name=name) from exc
        if exc.response_status_code == 403 and _is_channel_limit(exc):
            raise ChannelLimitReached() from exc
        raise to_domain(exc, not_found=NotFound(TEAM_NOT_FOUND)) from exc
    except httpx.HTTPError as exc:
        raise Unavailable("graph.error.unavailable") from exc
    if created is None or not created.id:
        raise Unavailable("graph.error.unavailable")
    return Channel(team_id, created.id, created.display_name or display, created.web_url)


async def find_channel(graph: GraphConnection, team_id: str, display: str) -> Channel | None:
    """The live channel whose name equals `display` (case-insensitively), if any."""
    with graph_errors(not_found=NotFound(TEAM_NOT_FOUND)):
        page = await graph.client.teams.by_team_id(team_id).channels.get()
    for channel in (page.value if page else None) or []:
        if channel.id and (channel.display_name or "").casefold() == display.casefold():
            return Channel(team_id, channel.id, channel.display_name or display, channel.web_url)
    return None


async def channel_folder(graph: GraphConnection, team_id: str, channel_id: str) -> Folder:
    """`filesFolder`, retried with backoff (0.25 s doubling, at most 5 s apart) while it answers 404/400 and
    the channel itself exists, until `config.folder_wait_seconds` have passed."""
    channel = graph.client.teams.by_team_id(team_id).channels.by_channel_id(channel_id)
    deadline = time.monotonic() + graph.config.folder_wait_seconds
    attempt = 0
    while True:
        try:
            with graph_errors():
                item = await channel.files_folder.get()
        except (NotFound, Invalid) as exc:  # 404 or 400: deleted, or not provisioned yet
            if not await _channel_exists(graph, team_id, channel_id):
                raise ChannelGone() from exc
            wait = min(0.25 * 2**attempt, 5.0)
            if time.monotonic() + wait > deadline:
                raise FolderNotReady() from exc
            attempt += 1
            await asyncio.sleep(wait)
            continue
        if item is None:
            raise Unavailable("graph.error.unavailable")
        return folder_from_item(item)


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


def _is_channel_limit(exc: APIError) -> bool:
    """Graph answers 403 "Forbidden" / "This team has exceeded the Max allowed channels" (formerly the code
    "ResourceLimitExceeded"); a plain 403 is a missing permission."""
    return error_code(exc) == "ResourceLimitExceeded" or "max allowed channels" in error_message(exc).lower()
