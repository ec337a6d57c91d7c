"""The organisation catalogue from Teams (coordinator): the 76 providers of the coaching network are added
here, many at once (one per line), and domains added to organisations added earlier. Coaching leads see the
catalogue; only the coordinator changes it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.router import Router
from bot.turn import Turn
from cards import coaching_orgs as cards
from core import coaching, coaching_orgs
from core.coaching import PoolStatus
from core.errors import Conflict, Invalid, NotAllowed


async def catalogue_card(turn: Turn, *, notice: str | None = None, error: str | None = None) -> AdaptiveCard:
    store = turn.services.store
    who = await coaching.actor(store, turn.user_aad_id, coordinator=turn.is_coordinator)
    who.require_rounds()
    organizations = await coaching_orgs.catalogue(store, who)
    members = Counter(
        p.organization
        for p in await coaching.pool(store, who)
        if p.organization and p.status is PoolStatus.ACTIVE
    )
    return cards.organizations_card(
        turn.t,
        organizations,
        members,
        turn.services.coaching.file_organizations,
        editable=who.coordinator,
        notice=notice,
        error=error,
    )


def _personal_only(turn: Turn) -> None:
    if turn.conversation_type != "personal":
        raise NotAllowed("coaching.error.personal_only")


async def show(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    return await catalogue_card(turn)


async def add(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    """Bad lines or a taken domain answer on the card itself, with what was typed kept out of the store."""
    _personal_only(turn)
    store = turn.services.store
    who = await coaching.actor(store, turn.user_aad_id, coordinator=turn.is_coordinator)
    text = cards.parse_new_organizations(data)
    try:
        saved = await coaching_orgs.add_organizations(
            store, who, text, turn.services.coaching.file_organizations
        )
    except (Invalid, Conflict) as error:
        return await catalogue_card(turn, error=turn.t(error.key, **error.params))
    return await catalogue_card(turn, notice=turn.t.plural("coaching.orgs.added", len(saved)))


async def add_domains(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    store = turn.services.store
    who = await coaching.actor(store, turn.user_aad_id, coordinator=turn.is_coordinator)
    key, domains = cards.parse_domains_form(data)
    try:
        saved = await coaching_orgs.add_domains(
            store, who, key, domains, turn.services.coaching.file_organizations
        )
    except (Invalid, Conflict) as error:
        return await catalogue_card(turn, error=turn.t(error.key, **error.params))
    return await catalogue_card(turn, notice=turn.t("coaching.orgs.domains_added", name=saved.short_name))


def register(router: Router) -> None:
    router.action(cards.SHOW, show)
    router.action(cards.ADD, add)
    router.action(cards.DOMAINS, add_domains)
