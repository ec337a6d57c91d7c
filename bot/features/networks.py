"""`verkostot` / `networks`, `liity` / `join <network>`, and the coordinator's launch, facilitator and
catalogue editing, all on peer network cards. Proactive messages (welcome card, invitations) go through
the outbox."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.outbox import send_later
from bot.proactive import card_message, cards_to_people, target
from bot.router import Router
from bot.turn import Turn
from cards import networks as cards
from core.errors import Invalid, NotAllowed, NotFound
from core.networks import LaunchFailed, Network, NetworkStatus, find_network, join, launch_network
from core.outbox import OutgoingMessage
from core.survey import requesters
from core.teams import Team

log = logging.getLogger(__name__)

LAUNCH_WORDS = ("käynnistä", "launch")


async def catalogue(turn: Turn) -> Sequence[Network]:
    """The networks (the store adds the catalogue file's new ones at start)."""
    return await turn.services.store.list_networks()


async def project_team(turn: Turn) -> Team | None:
    """The project's team: the one this activity comes from, TEAM_ID, or the only team the bot is in."""
    store = turn.services.store
    data = turn.channel_data.get("team") or {}
    graph_id = data.get("aadGroupId")
    for team_id in (graph_id, turn.services.settings.team_id):
        if team_id:
            team = await store.get_team(team_id)
            if team is not None:
                return team
    if graph_id and turn.activity.service_url:
        return Team(graph_id, data.get("name"), turn.tenant_id, turn.activity.service_url, data.get("id"))
    teams = await store.list_teams()
    return teams[0] if len(teams) == 1 else None


class OutboxAnnouncer:
    """`core.networks.Announcer` on the outbox: the welcome card in the channel, invitations in chats."""

    def __init__(self, turn: Turn, team: Team | None) -> None:
        self._turn = turn
        self._team = team

    async def welcome(self, network: Network, channel_id: str) -> None:
        turn = self._turn
        t = turn.services.catalogs.for_locale("fi")
        name = await _person_name(turn, network.facilitator)
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
        )


async def _person_name(turn: Turn, aad_id: str | None) -> str:
    if not aad_id:
        return ""
    person = await turn.services.store.get_person(aad_id)
    return (person.name or person.email or aad_id) if person else aad_id


async def list_card(turn: Turn) -> AdaptiveCard:
    networks = await catalogue(turn)
    store = turn.services.store
    names = {n.facilitator: await _person_name(turn, n.facilitator) for n in networks if n.facilitator}
    mine = set()
    if turn.user_aad_id:
        for network in networks:
            if network.members and turn.user_aad_id in await store.network_members(network.key):
                mine.add(network.key)
    return cards.networks_card(turn.t, networks, names, coordinator=turn.is_coordinator, mine=mine)


async def show_networks(turn: Turn, argument: str) -> None:
    word, _, rest = argument.partition(" ")
    if word.casefold() in LAUNCH_WORDS:
        network = find_network(await catalogue(turn), rest)
        await turn.send_card(await launch(turn, {"network": network.key}))
        return
    await turn.send_card(await list_card(turn))


async def join_command(turn: Turn, argument: str) -> None:
    if not argument.strip():
        await turn.send_card(await list_card(turn))
        return
    network, new = await join(turn.services.store, await catalogue(turn), argument, turn.user_aad_id)
    await turn.send_card(cards.joined_card(turn.t, network, new))


def network_key(data: dict[str, Any]) -> str:
    """The network a button names (`network`; cards sent before the rename said `key`, which the Agents
    Playground's renderer cannot pass through from buttons in a card's body)."""
    return str(data.get("network") or data.get("key") or "")


async def join_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    key = network_key(data)
    networks = await catalogue(turn)
    if key not in {n.key for n in networks}:
        raise NotFound("networks.error.unknown", name=key)
    network, new = await join(turn.services.store, networks, key, turn.user_aad_id)
    if data.get("card") == cards.WELCOME:
        name = await _person_name(turn, network.facilitator)
        return cards.welcome_card(turn.t, network, name, joined=new)
    return cards.joined_card(turn.t, network, new)


async def launch(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    """Launch or resume; a failed step comes back as a card that says what happened and offers a retry.
    Launches of one network run one at a time in this process (a double click waits, then is refused)."""
    if not turn.is_coordinator:
        raise NotAllowed("networks.error.coordinator_only")
    key = network_key(data)
    channel = data.get("channel")  # a free name offered when a deleted channel holds the network's
    channel_name = channel.strip()[:100] if isinstance(channel, str) and channel.strip() else None
    async with turn.services.launch_locks(key):
        return await _launch(turn, key, channel_name)


async def _launch(turn: Turn, key: str, channel_name: str | None = None) -> AdaptiveCard:
    store = turn.services.store
    team = await project_team(turn)
    survey = await store.latest_survey()
    wanted = requesters(await store.list_answers(survey.id), key) if survey else []
    try:
        result = await launch_network(
            store,
            turn.services.workspace,
            OutboxAnnouncer(turn, team),
            key=key,
            team_id=team.team_id if team else None,
            is_coordinator=True,
            requesters=wanted,
            channel_name=channel_name,
        )
    except LaunchFailed as failure:
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
    await store.record(
        turn.user_aad_id or "", "network.launch", f"network:{key}", {"channel": result.network.channel_id}
    )
    return cards.launched_card(turn.t, result.network, result.invited)


async def edit(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    if not turn.is_coordinator:
        raise NotAllowed("networks.error.coordinator_only")
    key = network_key(data)
    if not key:
        return cards.edit_card(turn.t, None)
    network = await turn.services.store.get_network(str(key))
    if network is None:
        raise NotFound("networks.error.unknown", name=str(key))
    email = ""
    if network.facilitator:
        person = await turn.services.store.get_person(network.facilitator)
        email = (person.email or person.upn or "") if person else ""
    return cards.edit_card(turn.t, network, email)


async def save(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    """The edit form: catalogue texts, status, candidate flag and the facilitator (by email)."""
    if not turn.is_coordinator:
        raise NotAllowed("networks.error.coordinator_only")
    store = turn.services.store
    key = network_key(data).strip().lower()
    current = await store.get_network(key) if key else None
    try:
        status = NetworkStatus(str(data.get("status") or (current.status if current else "requested")))
    except ValueError as error:
        raise Invalid("networks.error.bad_status") from error
    if current is not None and status is NetworkStatus.ACTIVE and current.status is not NetworkStatus.ACTIVE:
        raise Invalid("networks.error.activate_by_launch")
    if (
        current is not None
        and current.status is NetworkStatus.ACTIVE
        and status
        not in (
            NetworkStatus.ACTIVE,
            NetworkStatus.ARCHIVED,
        )
    ):
        # A launched network has its channel and members: it can only be archived, not un-launched
        # (an edit form opened before the launch would otherwise disable it for good).
        raise Invalid("networks.error.active_stays_active")
    fields = {name: str(data.get(name) or "") for name in ("name_fi", "name_en", "purpose_fi", "purpose_en")}
    candidate = str(data.get("candidate", "")).lower() == "true"
    if current is not None:
        network = replace(current, **fields, status=status, candidate=candidate)
    else:
        if status is NetworkStatus.ACTIVE:
            raise Invalid("networks.error.activate_by_launch")
        network = Network(key=key, **fields, status=status, candidate=candidate)
    facilitator_email = str(data.get("facilitator") or "").strip()
    facilitator: str | None = None
    if facilitator_email:
        facilitator = await store.find_person_id(facilitator_email)
        if facilitator is None:
            raise Invalid("networks.error.unknown_person", email=facilitator_email)
    saved = await store.save_network(network)
    if facilitator != saved.facilitator and (facilitator or "facilitator" in data):
        saved = await store.set_facilitator(saved.key, facilitator)
    await store.record(
        turn.user_aad_id or "", "network.save", f"network:{saved.key}", {"status": saved.status.value}
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
