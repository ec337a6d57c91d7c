"""The survey's card actions: start, open the form, answer, results, export and close (the `kartoitus`
command is `bot.features.survey`; what both show is `bot.survey_views`)."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot import survey_views as views
from bot.router import Router
from bot.turn import Turn
from cards import survey as cards
from core import survey_flow
from core.survey import Survey, require_coordinator


async def _survey_of(turn: Turn, data: dict[str, Any]) -> Survey:
    return await survey_flow.survey_of(turn.services.store, cards.parse_survey_ref(data))


async def start_action(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard | None:
    """The explicit "start a new survey" button (coordinator only, refused while one is open)."""
    survey, _sent = await views.start(turn)
    return await views.reply(turn, await views.results(turn, survey))


async def open_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    return await views.form_for(turn, await _survey_of(turn, data))


async def answer_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    reply = cards.parse_answer(data)
    store = turn.services.store
    form = await survey_flow.answer(store, cards.parse_survey_ref(data), turn.user_aad_id, reply)
    return views.form_card(turn, form, saved=True)


async def results_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard | None:
    require_coordinator(turn.is_coordinator)
    survey = await _survey_of(turn, data)
    offer = await survey_flow.may_start_after(turn.services.store, survey)
    return await views.reply(turn, await views.results(turn, survey, offer_start=offer))


async def export_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard | None:
    require_coordinator(turn.is_coordinator)
    return await views.reply(turn, await views.export(turn, await _survey_of(turn, data)))


async def close_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard | None:
    require_coordinator(turn.is_coordinator)
    closed = await views.close(turn, await _survey_of(turn, data))
    offer = await survey_flow.may_start_after(turn.services.store, closed)
    return await views.reply(turn, await views.results(turn, closed, offer_start=offer))


def register(router: Router) -> None:
    router.action(cards.START, start_action)
    router.action(cards.OPEN, open_action)
    router.action(cards.ANSWER, answer_action)
    router.action(cards.RESULTS, results_action)
    router.action(cards.EXPORT, export_action)
    router.action(cards.CLOSE, close_action)
