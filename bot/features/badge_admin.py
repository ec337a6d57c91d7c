"""The coordinator's side of `merkit` / `badges`: the counts per class and organisation, class
definitions, awards by hand and revocation (a person's own badges are `bot.features.badges`). Rules live
in `core.badges`; recipients hear through the outbox."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.badges import turns
from bot.badges.notify import tell_awarded, tell_revoked
from bot.router import Router
from bot.turn import Turn
from cards import badges as cards
from core import badges as core
from core.errors import DomainError


async def _manage_card(turn: Turn, notice: str | None = None) -> AdaptiveCard:
    store = turn.services.store
    view = await core.management(store, store, is_coordinator=turn.is_coordinator)
    return cards.manage_card(turn.t, view.classes, view.counts, view.organizations, notice=notice)


async def manage(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    turns.person(turn)
    return await _manage_card(turn)


async def new_class(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    turns.person(turn)
    key = cards.optional_class_ref(data)
    core.require_coordinator(turn.is_coordinator)
    badge = await core.badge_class(turn.services.store, key, is_coordinator=True) if key else None
    return cards.class_form_card(turn.t, badge)


async def save_class(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    turns.person(turn)
    key = cards.optional_class_ref(data)
    form = cards.parse_class_form(data)
    draft = core.BadgeClass(
        key=key or "",
        name_fi=form.name_fi,
        name_en=form.name_en,
        description_fi=form.description_fi,
        description_en=form.description_en,
        criteria_fi=form.criteria_fi,
        criteria_en=form.criteria_en,
        color=form.color,
        emblem=form.emblem,
        valid_months=form.valid_months,
    )
    try:
        saved = await core.define_class(
            turn.services.store, draft, is_coordinator=turn.is_coordinator, editing=key is not None
        )
    except DomainError as error:
        if error.key in ("badges.error.coordinator_only", "badges.error.unknown_class"):
            raise
        return cards.class_form_card(turn.t, draft if key else None, error=turn.t(error.key, **error.params))
    return await _manage_card(turn, turn.t("badges.manage.saved", name=saved.name(turn.t.locale)))


async def award_form(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    turns.person(turn)
    badge = await core.badge_class(
        turn.services.store, cards.parse_class_ref(data), is_coordinator=turn.is_coordinator
    )
    return cards.award_form_card(turn.t, badge)


async def award(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    """The coordinator awards a class by hand to people named by email; each hears in their own chat."""
    service = turn.services.badges
    store = turn.services.store
    done = await core.award_by_hand(
        store,
        store,
        await service.signer(),
        service.issuer,
        cards.parse_class_ref(data),
        cards.parse_people(data),
        is_coordinator=turn.is_coordinator,
        by=turn.user_aad_id,
        now=turns.now(),
    )
    await tell_awarded(turn.services, done.awards, turns.fallback(turn))
    return cards.awarded_card(turn.t, done.badge, done.outcomes)


async def _class_awards_card(turn: Turn, key: str, notice: str | None = None) -> AdaptiveCard:
    store = turn.services.store
    view = await core.class_awards(
        store, store, key, is_coordinator=turn.is_coordinator, limit=cards.AWARDS_SHOWN
    )
    return cards.class_awards_card(turn.t, view.badge, view.awards, view.names, turns.now(), notice=notice)


async def class_awards(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    turns.person(turn)
    return await _class_awards_card(turn, cards.parse_class_ref(data))


async def revoke(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    award_id = cards.parse_award_ref(data)
    revoked = await core.revoke(
        turn.services.store,
        award_id,
        cards.parse_reason(data, award_id),
        is_coordinator=turn.is_coordinator,
        now=turns.now(),
    )
    await tell_revoked(turn.services, revoked, turns.fallback(turn))
    return await _class_awards_card(turn, revoked.class_key, turn.t("badges.revoke.done"))


def register(router: Router) -> None:
    router.action(cards.MANAGE, manage)
    router.action(cards.NEW_CLASS, new_class)
    router.action(cards.SAVE_CLASS, save_class)
    router.action(cards.AWARD_FORM, award_form)
    router.action(cards.AWARD, award)
    router.action(cards.CLASS_AWARDS, class_awards)
    router.action(cards.REVOKE, revoke)
