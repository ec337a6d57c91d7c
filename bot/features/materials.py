"""`materiaalit` / `materials [network] [words]`: meetings newest first with their files (words without a
network search every network); and filing: a presenter or facilitator sends a file (or `materiaalit <link>`)
in personal chat, picks the meeting on a card, and the bot files it into `Tapaamiset/<date> <theme>/` of the
network channel's folder through Graph, then tells the sender and the channel (through the outbox).

The use cases are `core.materials_flow`. The transfer runs after the click is answered (`bot.filing`), so
its outcome arrives as a message in the sender's chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.files import IncomingFile
from bot.filing import Job, start_filing
from bot.router import Router
from bot.turn import Turn
from cards import materials as cards
from core import materials_flow
from core.materials import link_name, parse_link
from core.materials_flow import Sent
from graph.names import clean_folder_name

MAX_FILES_AT_ONCE = 5


async def answer(turn: Turn, argument: str) -> AdaptiveCard:
    """The `materiaalit` card for `argument` (see `core.materials_flow.find`)."""
    services = turn.services
    found = await materials_flow.find(
        services.store, services.workspace, await turn.project_team(), argument, clean=clean_folder_name
    )
    locale = turn.t.locale
    parts = [cards.NetworkMeetings(n.name(locale), found.groups.get(n.key, [])) for n in found.networks]
    missing = [n.name(locale) for n in found.missing]
    return cards.materials_card(
        turn.t, parts, found.names, query=found.words, stale=found.stale, missing_channels=missing
    )


async def materials_command(turn: Turn, argument: str) -> None:
    if argument.casefold().startswith(("https://", "http://")):
        await offer_link(turn, argument)
        return
    await turn.send_card(await answer(turn, argument.strip()))


async def _offer(turn: Turn, sent: Sequence[Sent]) -> None:
    """Keep a draft per thing sent and ask which meeting each is for."""
    conversation = turn.activity.conversation
    offered = await materials_flow.offer(
        turn.services.store,
        sent,
        user=turn.user_aad_id,
        is_coordinator=turn.is_coordinator,
        personal=turn.conversation_type == "personal",
        conversation_id=conversation.id if conversation else "",
        service_url=turn.activity.service_url or "",
        now=datetime.now(UTC),
    )
    options = [(m, n.name(turn.t.locale) if n else m.network_key) for m, n in offered.choices]
    for draft in offered.drafts:
        await turn.send_card(cards.choose_meeting_card(turn.t, draft.id, draft.name, options))


async def on_files(turn: Turn, files: Sequence[IncomingFile]) -> None:
    """Files sent in personal chat (at most five are taken from one message)."""
    await _offer(turn, [Sent(f.name, download_url=f.download_url) for f in files[:MAX_FILES_AT_ONCE]])


async def offer_link(turn: Turn, text: str) -> None:
    link = parse_link(text)
    await _offer(turn, [Sent(link_name(link), link=link)])


async def file_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    """The "File it" click: check the person may file into that meeting, then transfer in the background."""
    draft_id, meeting_id = cards.parse_file(data)
    # Kept with the draft until its file lands: a transfer cut off by a restart is resumed with it.
    resume = {"tenant_id": turn.tenant_id, "bot_id": turn.bot_id, "locale": turn.activity.locale}
    filing = await materials_flow.take(
        turn.services.store,
        draft_id,
        meeting_id,
        user=turn.user_aad_id,
        is_coordinator=turn.is_coordinator,
        team=await turn.project_team(),
        workspace=turn.services.workspace,
        job={**resume, "person": turn.user_name},
        now=datetime.now(UTC),
    )
    job = Job(
        filing,
        filing.team.service_url or filing.draft.service_url,
        turn.tenant_id,
        turn.bot_id,
        turn.activity.locale,
        turn.user_name,
        turn.connector_client,
    )
    start_filing(turn.services, job)
    network = filing.network.name(turn.t.locale)
    return cards.filing_card(turn.t, filing.draft.name, filing.meeting.theme, network)


async def cancel_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    draft_id, _meeting = cards.parse_file(data)
    draft = await materials_flow.cancel(turn.services.store, draft_id, turn.user_aad_id)
    return cards.cancelled_card(turn.t, draft.name)


def register(router: Router) -> None:
    router.command("materials", materials_command)
    router.action(cards.FILE, file_action)
    router.action(cards.CANCEL, cancel_action)
    router.on_files(on_files)
