"""`verkostot` / `networks`, `liity` / `join <network>`, and the coordinator's launch, facilitator and
catalogue editing, all on peer network cards. Proactive messages (welcome card, invitations) go through
the outbox."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.outbox import send_later
from bot.proactive import card_message, cards_to_people, target
from bot.router import Router
from bot.turn import Turn
from cards import networks as cards
from core import network_admin
from core.networks import LaunchFailed, Network
from core.outbox import OutgoingMessage, Priority
from core.teams import Team

log = logging.getLogger(__name__)

LAUNCH_WORDS = ("käynnistä", "launch")


class OutboxAnnouncer:
    """`core.networks.Announcer` on the outbox: the welcome card in the channel, invitations in chats."""

    def __init__(self, turn: Turn, team: Team | None) -> None:
        self._turn = turn
        self._team = team

    async def welcome(self, network: Network, channel_id: str) -> None:
        turn = self._turn
        t = turn.services.catalogs.for_locale("fi")
        name = await network_admin.facilitator_name(turn.services.store, network)
        message = OutgoingMessage(
            key=f"network:{network.key}:welcome:{channel_id}",
            broadcast=f"network:{network.key}:welcome",
            recipient=network.name_fi,
            target=target(
                turn, "channel", self._team.service_url if self._team else None, conversation_id=channel_id
            ),
            activity=card_message(cards.welcome_card(t, network, name)),
        )
        await send_later(turn.services, [message])

    async def invite(self, network: Network, people: Sequence[str]) -> int:
        return await cards_to_people(
            self._turn,
            people,
            key=f"network:{network.key}:invite",
            broadcast=f"network:{network.key}:invite",
            build=lambda t: cards.invite_card(t, network),
            service_url=self._team.service_url if self._team else None,
            priority=Priority.BULK,
        )


async def list_card(turn: Turn) -> AdaptiveCard:
    seen = await network_admin.catalogue(turn.services.store, turn.user_aad_id)
    return cards.networks_card(
        turn.t, seen.networks, seen.names, coordinator=turn.is_coordinator, mine=set(seen.mine)
    )


async def show_networks(turn: Turn, argument: str) -> None:
    word, _, rest = argument.partition(" ")
    if word.casefold() in LAUNCH_WORDS:
        network = await network_admin.find(turn.services.store, rest)
        await turn.send_card(await launch(turn, {"network": network.key}))
        return
    await turn.send_card(await list_card(turn))


async def join_command(turn: Turn, argument: str) -> None:
    if not argument.strip():
        await turn.send_card(await list_card(turn))
        return
    network, new = await network_admin.join_by_name(turn.services.store, argument, turn.user_aad_id)
    await turn.send_card(cards.joined_card(turn.t, network, new))


async def join_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    key, on_welcome = cards.parse_join(data)
    store = turn.services.store
    network, new = await network_admin.join_by_key(store, key, turn.user_aad_id)
    if on_welcome:
        name = await network_admin.facilitator_name(store, network)
        return cards.welcome_card(turn.t, network, name, joined=new)
    return cards.joined_card(turn.t, network, new)


async def launch(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    """Launch or resume; a failed step comes back as a card that says what happened and offers a retry.
    Launches of one network run one at a time in this process (a double click waits, then is refused)."""
    network_admin.require_coordinator(turn.is_coordinator)
    key, channel_name = cards.parse_launch(data)
    async with turn.services.launch_locks(key):
        team = await turn.project_team()
        try:
            result = await network_admin.launch(
                turn.services.store,
                turn.services.workspace,
                OutboxAnnouncer(turn, team),
                key=key,
                team_id=team.team_id if team else None,
                actor=turn.user_aad_id,
                is_coordinator=turn.is_coordinator,
                channel_name=channel_name,
            )
        except LaunchFailed as failure:
            return _failed_card(turn, key, failure)
    return cards.launched_card(turn.t, result.network, result.invited)


def _failed_card(turn: Turn, key: str, failure: LaunchFailed) -> AdaptiveCard:
    log.warning(
        "launch of %s stopped at %s: %s", key, failure.params.get("step"), failure.params.get("cause")
    )
    cause = str(failure.params.get("cause") or "")
    known = cause in turn.services.catalogs.keys(turn.t.locale)
    params = failure.params.get("cause_params") or {}
    return cards.launch_failed_card(
        turn.t,
        str(failure.params.get("name") or key),
        key,
        str(failure.params.get("step")),
        cause if known else "networks.launch.cause_unknown",
        params if known else {},
        variant=str(params["variant"]) if known and params.get("variant") else None,
    )


async def edit(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    network_admin.require_coordinator(turn.is_coordinator)
    key = cards.parse_network_ref(data)
    if not key:
        return cards.edit_card(turn.t, None)
    network, email = await network_admin.editable(
        turn.services.store, key, is_coordinator=turn.is_coordinator
    )
    return cards.edit_card(turn.t, network, email)


async def save(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    """The edit form: catalogue texts, status, candidate flag and the facilitator (by email)."""
    network_admin.require_coordinator(turn.is_coordinator)
    saved = await network_admin.save(
        turn.services.store,
        cards.parse_edit(data),
        actor=turn.user_aad_id,
        is_coordinator=turn.is_coordinator,
    )
    return cards.saved_card(turn.t, saved)


async def list_action(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    return await list_card(turn)


def register(router: Router) -> None:
    router.command("networks", show_networks)
    router.command("join", join_command)
    router.action(cards.JOIN, join_action)
    router.action(cards.LAUNCH, launch)
    router.action(cards.EDIT, edit)
    router.action(cards.SAVE, save)
    router.action(cards.LIST, list_action)
