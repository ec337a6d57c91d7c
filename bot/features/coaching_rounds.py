"""Coaching rounds for coordinators and coaching leads: the new-round form, the proposal shown before anything
is sent, confirming (everyone's introduction through the outbox, once), cancelling; and the coordinator's
coaching leads."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.coaching_messages import CoachingMessages
from bot.router import Router
from bot.turn import Turn
from cards import coaching_rounds as cards
from core import coaching, coaching_rounds, coaching_views
from core.coaching import Actor
from core.coaching_rounds import Round
from core.errors import Conflict, Invalid, NotAllowed
from core.meetings import Reach
from core.timezone import HELSINKI


async def _who(turn: Turn) -> Actor:
    return await coaching.actor(turn.services.store, turn.user_aad_id, coordinator=turn.is_coordinator)


def _personal_only(turn: Turn) -> None:
    if turn.conversation_type != "personal":
        raise NotAllowed("coaching.error.personal_only")


async def proposal_card(turn: Turn, shown: Round, notice: str | None = None) -> AdaptiveCard:
    store = turn.services.store
    visible = [m for g in shown.groups[: cards.GROUPS_SHOWN] for m in g.members]
    visible += [p for p, _ in shown.unmatched[: cards.UNMATCHED_SHOWN]]
    people = await coaching_views.members_of(store, visible)
    stats = await coaching_rounds.stats_of(store, shown)
    return cards.proposal_card(turn.t, shown, people, turn.services.coaching.themes, stats, notice=notice)


async def new_round(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    (await _who(turn)).require_rounds()
    return cards.round_form_card(turn.t, turn.services.coaching.themes)


async def propose(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    spec = cards.parse_round_form(data)
    now = datetime.now(UTC)
    proposal = await coaching_rounds.propose_round(
        turn.services.store,
        await _who(turn),
        spec,
        turn.services.coaching.themes,
        round_id=uuid.uuid4().hex,
        now=now,
        today=now.astimezone(HELSINKI).date(),
        reach=Reach(turn.activity.service_url or "", turn.tenant_id, turn.bot_id),
    )
    return await proposal_card(turn, proposal)


async def show(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    found = await coaching_rounds.round_for(
        turn.services.store, await _who(turn), cards.parse_round_ref(data)
    )
    return await proposal_card(turn, found)


async def confirm(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    """One click, one round: a second confirmation shows the confirmed round and sends nothing."""
    _personal_only(turn)
    services = turn.services
    round_id = cards.parse_round_ref(data)
    who = await _who(turn)
    try:
        confirmed = await coaching_rounds.confirm_round(
            services.store,
            who,
            CoachingMessages(services),
            round_id,
            now=datetime.now(UTC),
            chats=services.coaching.group_chats,
        )
    except Conflict as error:
        current = await coaching_rounds.round_for(services.store, who, round_id)
        return await proposal_card(turn, current, turn.t(error.key, **error.params))
    services.outbox.wake()
    return await proposal_card(turn, confirmed, turn.t.plural("coaching.round.confirmed", confirmed.matched))


async def cancel(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    cancelled = await coaching_rounds.cancel_round(
        turn.services.store, await _who(turn), cards.parse_round_ref(data)
    )
    return await proposal_card(turn, cancelled, turn.t("coaching.round.cancelled"))


# ---- coaching leads ----------------------------------------------------------------------------------


async def _leads_card(turn: Turn, who: Actor, **notes: str | None) -> AdaptiveCard:
    leads = await coaching.leads(turn.services.store, who)
    people = await coaching_views.members_of(turn.services.store, leads)
    return cards.leads_card(turn.t, [people[p] for p in leads], **notes)


async def leads(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    return await _leads_card(turn, await _who(turn))


async def save_lead(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    email, add = cards.parse_lead(data)
    who = await _who(turn)
    try:
        await coaching_views.name_lead(turn.services.store, who, email, add)
    except Invalid as error:
        return await _leads_card(turn, who, error=turn.t(error.key, **error.params))
    notice = "coaching.leads.added" if add else "coaching.leads.removed"
    return await _leads_card(turn, who, notice=turn.t(notice, email=email))


def register(router: Router) -> None:
    router.action(cards.NEW_ROUND, new_round)
    router.action(cards.PROPOSE, propose)
    router.action(cards.SHOW_ROUND, show)
    router.action(cards.CONFIRM, confirm)
    router.action(cards.CANCEL, cancel)
    router.action(cards.LEADS, leads)
    router.action(cards.LEAD_SAVE, save_lead)
