"""What people do with the network catalogue: list it, join a network, and the coordinator's editing (the
status rules of an edit) and launching (with the people the survey named as wanting the network).

The launch state machine itself is `core.networks.launch_network`; this module adds who asked for the
network and the audit trail around it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from core.audit import AuditLog
from core.errors import Invalid, NotAllowed, NotFound
from core.joins import JoinStore
from core.networks import (
    Announcer,
    LaunchResult,
    Network,
    NetworkStatus,
    NetworkStore,
    find_network,
    join,
    launch_network,
)
from core.people import PeopleStore, display_names
from core.survey import SurveyStore, requesters
from core.workspace import Workspace


class CatalogueStore(NetworkStore, PeopleStore, AuditLog, Protocol):
    """What the catalogue's use cases read and write."""


class LaunchStore(CatalogueStore, SurveyStore, JoinStore, Protocol):
    """A launch also reads who asked for the network: the latest survey's answers, and the people let in by
    a join request that named it."""


def require_coordinator(is_coordinator: bool) -> None:
    if not is_coordinator:
        raise NotAllowed("networks.error.coordinator_only")


@dataclass(frozen=True)
class Catalogue:
    """The networks as one person sees them: facilitators' names, and the keys of networks they belong to."""

    networks: Sequence[Network]
    names: dict[str, str]
    mine: frozenset[str]


async def catalogue(store: CatalogueStore, user: str | None) -> Catalogue:
    networks = await store.list_networks()
    names = await display_names(store, [n.facilitator for n in networks if n.facilitator])
    mine = set()
    if user:
        for network in networks:
            if network.members and user in await store.network_members(network.key):
                mine.add(network.key)
    return Catalogue(networks, names, frozenset(mine))


async def facilitator_name(store: PeopleStore, network: Network) -> str:
    """How the facilitator shows on the network's cards ("" with no facilitator)."""
    if not network.facilitator:
        return ""
    return (await display_names(store, [network.facilitator]))[network.facilitator]


async def find(store: NetworkStore, text: str) -> Network:
    """The network `text` names (see `core.networks.find_network`)."""
    return find_network(await store.list_networks(), text)


async def join_by_name(store: NetworkStore, text: str, user: str | None) -> tuple[Network, bool]:
    """Join the network `text` names (key, name or a unique part); (network, newly joined)."""
    return await join(store, await store.list_networks(), text, user)


async def join_by_key(store: NetworkStore, key: str, user: str | None) -> tuple[Network, bool]:
    """Join the network a button names by its exact key; `NotFound` for any other key."""
    networks = await store.list_networks()
    if key not in {n.key for n in networks}:
        raise NotFound("networks.error.unknown", name=key)
    return await join(store, networks, key, user)


async def launch(
    store: LaunchStore,
    workspace: Workspace | None,
    announcer: Announcer,
    *,
    key: str,
    team_id: str | None,
    actor: str | None,
    is_coordinator: bool,
    channel_name: str | None = None,
) -> LaunchResult:
    """Launch (or resume launching) a network, inviting the people whose latest survey answer asked for it
    (and those a join request let in for it);
    the launch is recorded in the audit log. Raises what `core.networks.launch_network` raises."""
    require_coordinator(is_coordinator)
    survey = await store.latest_survey()
    wanted = requesters(await store.list_answers(survey.id), key) if survey else []
    wanted = list(dict.fromkeys([*wanted, *await store.join_interests(key)]))
    result = await launch_network(
        store,
        workspace,
        announcer,
        key=key,
        team_id=team_id,
        is_coordinator=True,
        requesters=wanted,
        channel_name=channel_name,
    )
    await store.record(
        actor or "", "network.launch", f"network:{key}", {"channel": result.network.channel_id}
    )
    return result


async def editable(store: CatalogueStore, key: str, *, is_coordinator: bool) -> tuple[Network, str]:
    """The network to edit and its facilitator's address ("" with none); `NotFound` for an unknown key."""
    require_coordinator(is_coordinator)
    network = await store.get_network(key)
    if network is None:
        raise NotFound("networks.error.unknown", name=key)
    email = ""
    if network.facilitator:
        person = await store.get_person(network.facilitator)
        email = (person.email or person.upn or "") if person else ""
    return network, email


@dataclass(frozen=True)
class NetworkEdit:
    """What the catalogue edit form sends back. `status` None keeps the current one (a new entry is
    `requested`); `facilitator` is an address, "" to clear, None when the form did not carry the field."""

    key: str
    name_fi: str
    name_en: str
    purpose_fi: str
    purpose_en: str
    status: NetworkStatus | None
    candidate: bool
    facilitator: str | None


def _status_after(current: Network | None, wanted: NetworkStatus | None) -> NetworkStatus:
    """The status an edit may set: a network becomes active only by its launch, and a launched one has its
    channel and members, so it can only be archived (an edit form opened before the launch would otherwise
    disable it for good)."""
    status = wanted or (current.status if current else NetworkStatus.REQUESTED)
    was = current.status if current else None
    if status is NetworkStatus.ACTIVE and was is not NetworkStatus.ACTIVE:
        raise Invalid("networks.error.activate_by_launch")
    if was is NetworkStatus.ACTIVE and status not in (NetworkStatus.ACTIVE, NetworkStatus.ARCHIVED):
        raise Invalid("networks.error.active_stays_active")
    return status


async def save(
    store: CatalogueStore, edit: NetworkEdit, *, actor: str | None, is_coordinator: bool
) -> Network:
    """Save the catalogue texts, status, candidate flag and facilitator (found by address) of a network,
    new or existing. Raises `Invalid` for a status the rules refuse or an address nobody known has."""
    require_coordinator(is_coordinator)
    key = edit.key.strip().lower()
    current = await store.get_network(key) if key else None
    status = _status_after(current, edit.status)
    network = replace(
        current or Network(key=key, name_fi="", name_en="", purpose_fi="", purpose_en=""),
        name_fi=edit.name_fi,
        name_en=edit.name_en,
        purpose_fi=edit.purpose_fi,
        purpose_en=edit.purpose_en,
        status=status,
        candidate=edit.candidate,
    )
    address = (edit.facilitator or "").strip()
    facilitator: str | None = None
    if address:
        facilitator = await store.find_person_id(address)
        if facilitator is None:
            raise Invalid("networks.error.unknown_person", email=address)
    saved = await store.save_network(network)
    if facilitator != saved.facilitator and (facilitator or edit.facilitator is not None):
        saved = await store.set_facilitator(saved.key, facilitator)
    await store.record(actor or "", "network.save", f"network:{saved.key}", {"status": saved.status.value})
    return saved
