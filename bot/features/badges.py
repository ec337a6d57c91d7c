"""`merkit` / `badges`: a person's own badges (their automatic ones awarded on the spot), the baked PNG
through FileConsent, and for the coordinator the counts per class and organisation, class definitions,
awards by hand and revocation. Rules live in `core.badges`; recipients hear through the outbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot import file_offers
from bot.badges.images import badge_png, bake
from bot.badges.notify import tell_awarded, tell_revoked
from bot.badges.web import BadgeService
from bot.proactive import target
from bot.router import Router
from bot.turn import Turn
from cards import badges as cards
from core import badges as core
from core.assessment import Assessment
from core.errors import Conflict, DomainError, NotAllowed

PNG_KIND = "badge.png"


def _now() -> datetime:
    return datetime.now(UTC)


def _service(turn: Turn) -> BadgeService:
    return turn.services.badges


def _fallback(turn: Turn) -> Any:
    return target(turn, "person", None, user_id=turn.user_aad_id or "-")


async def _evaluate(turn: Turn, person: str) -> list[core.Award]:
    service = _service(turn)
    store = turn.services.store
    awards = await core.evaluate(store, store, service.signer, service.issuer, person, _now())
    if awards:
        await tell_awarded(turn.services, awards, _fallback(turn))
    return awards


async def _mine_card(turn: Turn, person: str) -> AdaptiveCard:
    pairs = await core.my_badges(turn.services.store, person)
    return cards.my_badges_card(turn.t, _service(turn).issuer, pairs, _now(), coordinator=turn.is_coordinator)


async def show(turn: Turn, _argument: str = "") -> None:
    if turn.conversation_type != "personal":
        await turn.send_text("badges.error.personal_only")
        return
    person = turn.user_aad_id
    if not person:
        raise NotAllowed("badges.error.no_identity")
    await _evaluate(turn, person)
    await turn.send_card(await _mine_card(turn, person))


async def after_assessment(turn: Turn, assessment: Assessment) -> None:
    """A completed self-assessment may earn a badge at once (the scheduler would find it later)."""
    try:
        await _evaluate(turn, assessment.person)
    except DomainError:  # the results still show; the scheduler tries again
        return


def _person(turn: Turn) -> str:
    if turn.conversation_type != "personal":
        raise Conflict("badges.error.personal_only")
    if not turn.user_aad_id:
        raise NotAllowed("badges.error.no_identity")
    return turn.user_aad_id


async def mine(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    return await _mine_card(turn, _person(turn))


def _png_name(badge: core.BadgeClass, award: core.Award) -> str:
    return f"{badge.key}-{award.issued_at.date().isoformat()}.png"


async def download(turn: Turn, data: dict[str, Any]) -> str:
    """Offer the baked PNG of the person's own badge in their chat."""
    person = _person(turn)
    award, badge = await core.own_award(turn.services.store, person, cards.parse_award_ref(data))
    png = bake(badge_png(badge, award.locale), award.jws)
    description = turn.t("badges.download.description", name=badge.name(turn.t.locale))
    await file_offers.offer(
        turn, PNG_KIND, {"award": award.id}, _png_name(badge, award), len(png), description
    )
    return turn.t("badges.download.offered")


async def on_png_consent(turn: Turn, action: str, context: Any, upload: dict[str, Any]) -> None:
    ref = await file_offers.accepted(turn, PNG_KIND, context)
    if action != "accept":
        await turn.send_text("badges.download.declined")
        return
    award, badge = await core.own_award(turn.services.store, turn.user_aad_id, ref.get("award", ""))
    await file_offers.deliver(
        turn, upload, _png_name(badge, award), bake(badge_png(badge, award.locale), award.jws)
    )


# ---- the coordinator --------------------------------------------------------------------------------


async def _manage_card(turn: Turn, notice: str | None = None) -> AdaptiveCard:
    store = turn.services.store
    view = await core.management(store, store, is_coordinator=turn.is_coordinator)
    return cards.manage_card(turn.t, view.classes, view.counts, view.organizations, notice=notice)


async def manage(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    _person(turn)
    return await _manage_card(turn)


async def new_class(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    _person(turn)
    key = cards.optional_class_ref(data)
    core.require_coordinator(turn.is_coordinator)
    badge = await core.badge_class(turn.services.store, key, is_coordinator=True) if key else None
    return cards.class_form_card(turn.t, badge)


async def save_class(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    _person(turn)
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
    _person(turn)
    badge = await core.badge_class(
        turn.services.store, cards.parse_class_ref(data), is_coordinator=turn.is_coordinator
    )
    return cards.award_form_card(turn.t, badge)


async def award(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    """The coordinator awards a class by hand to people named by email; each hears in their own chat."""
    service = _service(turn)
    store = turn.services.store
    done = await core.award_by_hand(
        store,
        store,
        service.signer,
        service.issuer,
        cards.parse_class_ref(data),
        cards.parse_people(data),
        is_coordinator=turn.is_coordinator,
        by=turn.user_aad_id,
        now=_now(),
    )
    await tell_awarded(turn.services, done.awards, _fallback(turn))
    return cards.awarded_card(turn.t, done.badge, done.outcomes)


async def _class_awards_card(turn: Turn, key: str, notice: str | None = None) -> AdaptiveCard:
    store = turn.services.store
    view = await core.class_awards(
        store, store, key, is_coordinator=turn.is_coordinator, limit=cards.AWARDS_SHOWN
    )
    return cards.class_awards_card(turn.t, view.badge, view.awards, view.names, _now(), notice=notice)


async def class_awards(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    _person(turn)
    return await _class_awards_card(turn, cards.parse_class_ref(data))


async def revoke(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    award_id = cards.parse_award_ref(data)
    revoked = await core.revoke(
        turn.services.store,
        award_id,
        cards.parse_reason(data, award_id),
        is_coordinator=turn.is_coordinator,
        now=_now(),
    )
    await tell_revoked(turn.services, revoked, _fallback(turn))
    return await _class_awards_card(turn, revoked.class_key, turn.t("badges.revoke.done"))


def register(router: Router) -> None:
    router.command("badges", show)
    router.action(cards.MINE, mine)
    router.action(cards.DOWNLOAD, download)
    router.action(cards.MANAGE, manage)
    router.action(cards.NEW_CLASS, new_class)
    router.action(cards.SAVE_CLASS, save_class)
    router.action(cards.AWARD_FORM, award_form)
    router.action(cards.AWARD, award)
    router.action(cards.CLASS_AWARDS, class_awards)
    router.action(cards.REVOKE, revoke)
    router.on_file_consent(on_png_consent, kind=PNG_KIND)
