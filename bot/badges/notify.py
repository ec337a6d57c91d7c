"""Telling a recipient about their badge (or its revocation) through the outbox, in their own language and
in their own chat: shared by the `merkit` feature and the automatic-award scheduler."""

from __future__ import annotations

from collections.abc import Sequence

from bot.outbox import send_later
from bot.proactive import card_message
from bot.services import Services
from cards.badges import award_card
from core.badges import Award
from core.outbox import OutgoingMessage, Target


async def reach(services: Services, person: str, fallback: Target | None = None) -> Target | None:
    """Where a message to the person goes: their chat if the bot has one, else `fallback` with their id,
    else a new chat through the project team's service."""
    store = services.store
    ref = await store.personal_conversation(person)
    if ref is not None:
        return Target(
            "conversation",
            ref.service_url,
            conversation_id=ref.conversation_id,
            tenant_id=ref.tenant_id,
            bot_id=ref.bot_id,
        )
    if fallback is not None:
        return Target(
            "person",
            fallback.service_url,
            user_id=person,
            tenant_id=fallback.tenant_id,
            bot_id=fallback.bot_id,
        )
    teams = await store.list_teams()
    if not teams:
        return None
    team = teams[0]
    bot_id = f"28:{services.settings.app_id}" if services.settings.app_id else None
    return Target("person", team.service_url, user_id=person, tenant_id=team.tenant_id, bot_id=bot_id)


async def tell_awarded(services: Services, awards: Sequence[Award], fallback: Target | None = None) -> int:
    """Queue each recipient's award card; returns how many were queued."""
    badges = services.badges
    messages = []
    for award in awards:
        if award.person is None:
            continue
        badge = await services.store.get_badge_class(award.class_key)
        target = await reach(services, award.person, fallback)
        if badge is None or target is None:
            continue
        t = services.catalogs.for_locale(award.locale)
        activity = card_message(award_card(t, badges.issuer, badge, award))
        activity["summary"] = t("badges.award.summary", name=badge.name(t.locale))
        messages.append(
            OutgoingMessage(
                key=f"badge:{award.id}:awarded",
                broadcast=f"badge:{award.class_key}",
                recipient=award.person,
                target=target,
                activity=activity,
            )
        )
    if messages:
        await send_later(services, messages)
    return len(messages)


async def tell_revoked(services: Services, award: Award, fallback: Target | None = None) -> None:
    if award.person is None:
        return
    badge = await services.store.get_badge_class(award.class_key)
    target = await reach(services, award.person, fallback)
    if target is None:
        return
    t = services.catalogs.for_locale(award.locale)
    name = badge.name(t.locale) if badge else award.class_key
    text = t("badges.revoked.message", name=name)
    message = OutgoingMessage(
        key=f"badge:{award.id}:revoked",
        broadcast=f"badge:{award.class_key}",
        recipient=award.person,
        target=target,
        activity={"type": "message", "text": text, "summary": text},
    )
    await send_later(services, [message])
