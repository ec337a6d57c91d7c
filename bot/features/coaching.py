"""`valmennus` / `coaching`: peer coaching. Everyone keeps a coaching profile (join, edit, pause, leave,
rejoin) and answers the follow-up check-in; coordinators and coaching leads land on the programme overview
(`valmennus profiili` shows their own profile). Only in the personal chat: typed elsewhere, the bot says so
and sends the card there."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.coaching_messages import message
from bot.outbox import send_later
from bot.proactive import target
from bot.router import Router
from bot.turn import Turn
from cards import coaching as cards
from cards import coaching_rounds as round_cards
from core import coaching, coaching_report, coaching_rounds, coaching_views
from core.coaching import Actor, Profile
from core.coaching_views import ProfileChoices
from core.errors import NotAllowed
from core.outbox import OutgoingMessage
from core.timezone import HELSINKI

PROFILE_WORDS = ("profiili", "profile")


def _today() -> date:
    return datetime.now(HELSINKI).date()


async def _who(turn: Turn) -> Actor:
    return await coaching.actor(turn.services.store, turn.user_aad_id, coordinator=turn.is_coordinator)


async def profile_card(turn: Turn, notice: str | None = None) -> AdaptiveCard:
    view = await coaching_views.profile_view(
        turn.services.store, turn.user_aad_id, coordinator=turn.is_coordinator, locale=turn.activity.locale
    )
    return cards.profile_card(
        turn.t,
        view.profile,
        joined=view.joined,
        themes=turn.services.coaching.themes,
        organizations=view.organizations,
        today=_today(),
        notice=notice,
        partners=view.partners,
        runs_rounds=view.who.runs_rounds,
    )


async def coaching_overview_card(turn: Turn, notice: str | None = None) -> AdaptiveCard:
    who = await _who(turn)
    view = await coaching_report.overview(turn.services.store, who, _today())
    return round_cards.coaching_overview_card(
        turn.t, view, view.organization_names, coordinator=who.coordinator, notice=notice
    )


async def coaching_command(turn: Turn, argument: str) -> None:
    who = await _who(turn)
    wants_profile = argument.strip().casefold() in PROFILE_WORDS
    value = await (
        coaching_overview_card(turn) if who.runs_rounds and not wants_profile else profile_card(turn)
    )
    if turn.conversation_type == "personal":
        await turn.send_card(value)
        return
    person = who.require_person()
    outgoing = OutgoingMessage(
        key=f"coaching:private:{uuid.uuid4().hex}",
        broadcast=f"coaching:private:{person}",
        recipient=person,
        target=target(turn, "person", None, user_id=person),
        activity=message(value, turn.t("coaching.profile.summary")),
    )
    await send_later(turn.services, [outgoing])
    await turn.send_text("coaching.private")


def _personal_only(turn: Turn) -> None:
    if turn.conversation_type != "personal":
        raise NotAllowed("coaching.error.personal_only")


async def profile_action(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    return await profile_card(turn)


async def overview_action(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    return await coaching_overview_card(turn)


async def save_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    form = cards.parse_profile(data)
    who = await _who(turn)
    person = who.require_person()
    profile = Profile(
        person,
        form.organization,
        form.role,
        form.themes,
        form.methods,
        form.languages,
        form.sizes,
        form.allow_same_organization,
    )
    existing = await coaching_views.profile_view(
        turn.services.store, person, coordinator=turn.is_coordinator, locale=turn.activity.locale
    )
    choices = ProfileChoices(form.organization, form.organization_name, profile)
    await coaching_views.save_choices(turn.services.store, who, choices, turn.services.coaching.themes)
    notice = "coaching.profile.saved" if existing.joined else "coaching.profile.joined"
    return await profile_card(turn, turn.t(notice))


async def pause_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    until = cards.parse_pause(data)
    await coaching.pause(turn.services.store, await _who(turn), until, _today())
    return await profile_card(turn, turn.t("coaching.profile.pause_saved"))


async def resume_action(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    await coaching.pause(turn.services.store, await _who(turn), None, _today())
    return await profile_card(turn, turn.t("coaching.profile.resumed"))


async def leave_action(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    await coaching.leave(turn.services.store, await _who(turn))
    return await profile_card(turn, turn.t("coaching.profile.left_saved"))


async def rejoin_action(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    await coaching.rejoin(turn.services.store, await _who(turn))
    return await profile_card(turn, turn.t("coaching.profile.rejoined"))


async def checkin_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    answer = cards.parse_checkin(data)
    store = turn.services.store
    done = await coaching_rounds.check_in(store, await _who(turn), answer, datetime.now(UTC))
    group, me = done.group, done.answer.person
    people = await coaching_views.members_of(store, group.members)
    partners = [people[m] for m in group.members if m != me]
    return cards.checkin_card(turn.t, done.round, group, partners, answer=done.answer, saved=True)


def register(router: Router) -> None:
    router.command("coaching", coaching_command)
    router.action(cards.PROFILE, profile_action)
    router.action(cards.OVERVIEW, overview_action)
    router.action(cards.SAVE, save_action)
    router.action(cards.PAUSE, pause_action)
    router.action(cards.RESUME, resume_action)
    router.action(cards.LEAVE, leave_action)
    router.action(cards.REJOIN, rejoin_action)
    router.action(cards.CHECKIN, checkin_action)
