"""Peer networks (vertaisverkostot): the catalogue, membership, facilitators and the launch state machine.

A network is born `requested` or `planned`, becomes `active` when the coordinator launches it (its channel
exists, the welcome card is posted and the people who asked for it were told) and may be `archived`.
A launch runs in steps recorded in the store (`LaunchStep`), so a launch that fails half-way (Graph down,
the connector refusing) resumes from the last finished step when the coordinator tries again; nothing is
left half-done without the coordinator being told.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from core.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound
from core.people import same_person
from core.workspace import Channel, Workspace

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
NAME_MAX = 50
PURPOSE_MAX = 1000


class NetworkStatus(StrEnum):
    REQUESTED = "requested"
    PLANNED = "planned"
    ACTIVE = "active"
    ARCHIVED = "archived"


class LaunchStep(StrEnum):
    """How far a launch got: NONE -> CHANNEL (created) -> WELCOMED (card posted) -> DONE (requesters told)."""

    NONE = "none"
    CHANNEL = "channel"
    WELCOMED = "welcomed"
    DONE = "done"


@dataclass(frozen=True)
class Network:
    """One peer network of the catalogue. `candidate` marks networks proposed for launch in the survey."""

    key: str
    name_fi: str
    name_en: str
    purpose_fi: str
    purpose_en: str
    status: NetworkStatus = NetworkStatus.REQUESTED
    candidate: bool = False
    facilitator: str | None = None
    channel_id: str | None = None
    launch_step: LaunchStep = LaunchStep.NONE
    launch_error: str | None = None
    members: int = field(default=0, compare=False)
    updated_at: datetime | None = field(default=None, compare=False)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_fi

    def purpose(self, locale: str) -> str:
        return self.purpose_en if locale == "en" else self.purpose_fi


def is_facilitator(network: Network | None, user: str | None) -> bool:
    """Whether `user` (an Entra object id) facilitates the network."""
    return network is not None and same_person(network.facilitator, user)


def may_lead(network: Network | None, user: str | None, is_coordinator: bool) -> bool:
    """Who runs a network's work in its channel (posts polls, plans meetings): its facilitator or a
    coordinator. Outside a network channel (`network` None) only a coordinator."""
    return is_coordinator or is_facilitator(network, user)


def validate_network(network: Network) -> Network:
    """The network with trimmed texts; raises `Invalid` naming the broken rule."""
    cleaned = replace(
        network,
        key=network.key.strip().lower(),
        name_fi=" ".join(network.name_fi.split()),
        name_en=" ".join(network.name_en.split()),
        purpose_fi=network.purpose_fi.strip(),
        purpose_en=network.purpose_en.strip(),
    )
    if not KEY_PATTERN.match(cleaned.key):
        raise Invalid("networks.error.bad_key", key=network.key)
    for name in (cleaned.name_fi, cleaned.name_en):
        if not name or len(name) > NAME_MAX:
            raise Invalid("networks.error.bad_name", max=NAME_MAX)
    if len(cleaned.purpose_fi) > PURPOSE_MAX or len(cleaned.purpose_en) > PURPOSE_MAX:
        raise Invalid("networks.error.bad_purpose", max=PURPOSE_MAX)
    return cleaned


def find_network(networks: Sequence[Network], text: str) -> Network:
    """The network a user means by `text`: its key, its Finnish or English name, or a unique part of one.

    Raises `NotFound` when nothing matches and `Invalid` when several networks match.
    """
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        raise Invalid("networks.error.name_missing")
    for network in networks:
        if wanted in (network.key, network.name_fi.casefold(), network.name_en.casefold()):
            return network
    matches = [
        n
        for n in networks
        if wanted in n.name_fi.casefold() or wanted in n.name_en.casefold() or wanted in n.key
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound("networks.error.unknown", name=text.strip())
    raise Invalid("networks.error.ambiguous", name=text.strip(), count=len(matches))


class NetworkStore(Protocol):
    """Where the catalogue, launch progress and memberships are kept."""

    async def seed_networks(self, networks: Sequence[Network]) -> int:
        """Insert networks whose key is new; edited ones are left alone. Returns how many were added."""
        ...

    async def list_networks(self) -> Sequence[Network]:
        """Every network with its member count, in catalogue order (candidates first, then by name)."""
        ...

    async def get_network(self, key: str) -> Network | None: ...

    async def save_network(self, network: Network) -> Network:
        """Insert or update the catalogue texts, status and candidate flag by key (launch state is kept)."""
        ...

    async def record_launch(
        self,
        key: str,
        step: LaunchStep,
        *,
        channel_id: str | None = None,
        status: NetworkStatus | None = None,
        error: str | None = None,
    ) -> Network:
        """Record launch progress; `error` None clears a previous failure. Raises `NotFound`."""
        ...

    async def set_facilitator(self, key: str, aad_object_id: str | None) -> Network:
        """Name the facilitator (who also becomes a member), or clear it. Raises `NotFound`."""
        ...

    async def join_network(self, key: str, aad_object_id: str) -> bool:
        """Add a member; False when they already were one. Concurrent joins end as one membership."""
        ...

    async def network_members(self, key: str) -> Sequence[str]:
        """The members' Entra object ids."""
        ...

    async def find_person_id(self, address: str) -> str | None:
        """The Entra object id of the known person whose email or UPN is `address` (case-insensitive)."""
        ...


async def network_of_channel(store: NetworkStore, channel_id: str | None) -> Network | None:
    """The network whose channel `channel_id` (`19:...`) is; None outside network channels."""
    if not channel_id:
        return None
    return next((n for n in await store.list_networks() if n.channel_id == channel_id), None)


class Announcer(Protocol):
    """How a launch tells Teams about the network; the bot implements it with cards."""

    async def welcome(self, network: Network, channel_id: str) -> None:
        """Post the welcome card with the network's purpose into its channel; raises a `DomainError`."""
        ...

    async def invite(self, network: Network, people: Sequence[str]) -> int:
        """Tell each person (Entra id) that the network started, with a join button; returns how many were
        reached. People the bot cannot reach are skipped, not an error."""
        ...


class LaunchFailed(DomainError):
    """A launch stopped at a step; what was done is kept and trying again continues from there."""

    default_key = "networks.launch.failed"


@dataclass(frozen=True)
class LaunchResult:
    network: Network
    channel: Channel | None
    invited: int


async def launch_network(
    store: NetworkStore,
    workspace: Workspace | None,
    announcer: Announcer,
    *,
    key: str,
    team_id: str | None,
    is_coordinator: bool,
    requesters: Sequence[str],
    channel_name: str | None = None,
) -> LaunchResult:
    """Launch (or resume launching) a network: channel, welcome card, active, requesters invited.
    `channel_name` replaces the network's name as the channel's (when a deleted channel holds that name).

    Raises `NotAllowed` for anyone but a coordinator, `NotFound` for an unknown key, `Conflict` for an
    archived or already launched network or a missing team, and `LaunchFailed` (carrying the cause's
    message key) when a step failed: the steps done so far are stored and the failure is recorded.
    """
    if not is_coordinator:
        raise NotAllowed("networks.error.coordinator_only")
    network = await store.get_network(key)
    if network is None:
        raise NotFound("networks.error.unknown", name=key)
    if network.status is NetworkStatus.ARCHIVED:
        raise Conflict("networks.error.archived", name=network.name_fi)
    if network.launch_step is LaunchStep.DONE:
        raise Conflict("networks.error.already_active", name=network.name_fi)
    if workspace is None or not team_id:
        raise Conflict("networks.error.no_team")
    channel: Channel | None = None
    step = network.launch_step
    try:
        if step is LaunchStep.NONE or network.channel_id is None:
            step = LaunchStep.NONE
            channel = await workspace.ensure_channel(
                team_id, channel_name or network.name_fi, network.purpose_fi[:1024] or None
            )
            network = await store.record_launch(key, LaunchStep.CHANNEL, channel_id=channel.id)
            step = LaunchStep.CHANNEL
        if step is LaunchStep.CHANNEL:
            await announcer.welcome(network, network.channel_id or "")
            network = await store.record_launch(key, LaunchStep.WELCOMED)
            step = LaunchStep.WELCOMED
        network = await store.record_launch(key, LaunchStep.WELCOMED, status=NetworkStatus.ACTIVE)
        invited = await announcer.invite(network, requesters)
        network = await store.record_launch(key, LaunchStep.DONE, status=NetworkStatus.ACTIVE)
    except DomainError as error:
        await store.record_launch(key, step, error=error.key)
        raise LaunchFailed(
            "networks.launch.failed",
            name=network.name_fi,
            step=step.value,
            cause=error.key,
            cause_params=dict(error.params),
        ) from error
    return LaunchResult(network, channel, invited)


async def join(
    store: NetworkStore, networks: Sequence[Network], text: str, aad_object_id: str | None
) -> tuple[Network, bool]:
    """Join the network `text` names; only active networks take members. Returns (network, newly joined)."""
    if not aad_object_id:
        raise NotAllowed("networks.error.no_identity")
    network = find_network(networks, text)
    if network.status is not NetworkStatus.ACTIVE:
        raise Conflict("networks.error.not_active", name=network.name_fi)
    return network, await store.join_network(network.key, aad_object_id)
