"""`merkit` / `badges`: a person's own badges (their automatic ones awarded on the spot) and the baked
PNG through FileConsent. The coordinator's side (classes, awards by hand, revocation) is
`bot.features.badge_admin`. Rules live in `core.badges`; recipients hear through the outbox."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot import file_offers
from bot.badges import turns
from bot.badges.images import badge_png, bake
from bot.badges.notify import tell_awarded
from bot.router import Router
from bot.turn import Turn
from cards import badges as cards
from core import badges as core
from core.assessment import Assessment
from core.errors import DomainError, NotAllowed

PNG_KIND = "badge.png"


async def _evaluate(turn: Turn, person: str) -> list[core.Award]:
    service = turn.services.badges
    store = turn.services.store
    awards = await core.evaluate(store, store, await service.signer(), service.issuer, person, turns.now())
    if awards:
        await tell_awarded(turn.services, awards, turns.fallback(turn))
    return awards


async def _mine_card(turn: Turn, person: str) -> AdaptiveCard:
    pairs = await core.my_badges(turn.services.store, person)
    issuer = turn.services.badges.issuer
    return cards.my_badges_card(turn.t, issuer, pairs, turns.now(), coordinator=turn.is_coordinator)


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


async def mine(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    return await _mine_card(turn, turns.person(turn))


def _png_name(badge: core.BadgeClass, award: core.Award) -> str:
    return f"{badge.key}-{award.issued_at.date().isoformat()}.png"


async def download(turn: Turn, data: dict[str, Any]) -> str:
    """Offer the baked PNG of the person's own badge in their chat."""
    person = turns.person(turn)
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


def register(router: Router) -> None:
    router.command("badges", show)
    router.action(cards.MINE, mine)
    router.action(cards.DOWNLOAD, download)
    router.on_file_consent(on_png_consent, kind=PNG_KIND)
