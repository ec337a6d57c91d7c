"""`arviointi` / `assessment`: the leadership self-assessment in the person's own chat (parse the card,
call `core.assessment`, render `cards.assessment`). Export and delete are here too; the coordinator gets
the anonymous overview."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot import file_offers
from bot.router import Router
from bot.turn import Turn
from cards import assessment as cards
from core import assessment as core
from core.errors import Conflict, DomainError, NotAllowed

EXPORT_KIND = "assessment.export"


def _now() -> datetime:
    return datetime.now(UTC)


def _person(turn: Turn) -> str:
    if turn.conversation_type != "personal":
        raise Conflict("assessment.error.personal_only")
    if not turn.user_aad_id:
        raise NotAllowed("assessment.error.no_identity")
    return turn.user_aad_id


def _versions(turn: Turn) -> core.Versions:
    """Every version of the questionnaire a stored assessment may have been answered in."""
    return core.Versions(turn.services.store, turn.services.questionnaire)


async def _start_card(turn: Turn, person: str) -> AdaptiveCard:
    where = await core.standing(turn.services.store, person)
    return cards.start_card(
        turn.t, turn.services.questionnaire, where.draft, where.completed, coordinator=turn.is_coordinator
    )


async def show(turn: Turn, _argument: str = "") -> None:
    """The command: in personal chat the start card; elsewhere, a pointer to the personal chat."""
    if turn.conversation_type != "personal":
        await turn.send_text("assessment.error.personal_only")
        return
    await turn.send_card(await _start_card(turn, _person(turn)))


async def start(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    """Begin, or resume where the person left off."""
    person, questionnaire = _person(turn), turn.services.questionnaire
    assessment = await core.begin(turn.services.store, questionnaire, person, _now())
    return await _step_card(turn, assessment)


async def _step_card(turn: Turn, assessment: core.Assessment) -> AdaptiveCard:
    questionnaire = await _versions(turn)(assessment.questionnaire, assessment.version)
    if assessment.position >= len(questionnaire.dimensions):
        return cards.finish_card(turn.t, questionnaire, assessment)
    return cards.dimension_card(turn.t, questionnaire, assessment)


async def answer(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    person = _person(turn)
    form = cards.parse_answer(data)
    store = turn.services.store
    draft = await core.own_assessment(store, person, form.assessment)
    questionnaire = await _versions(turn)(draft.questionnaire, draft.version)
    try:
        saved = await core.answer(
            store,
            questionnaire,
            person,
            form.assessment,
            form.dimension,
            form.values,
            move=form.move,
            now=_now(),
        )
    except DomainError as error:
        if error.key != "assessment.error.missing":
            raise
        return cards.dimension_card(
            turn.t, questionnaire, draft, error=turn.t(error.key, **error.params), given=form.values
        )
    if form.move == 0 and not data.get("review"):
        return cards.paused_card(turn.t, questionnaire, saved)
    return await _step_card(turn, saved)


async def finish(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    person = _person(turn)
    store = turn.services.store
    assessment_id = cards.parse_assessment_ref(data) or ""
    draft = await core.own_assessment(store, person, assessment_id)
    questionnaire = await _versions(turn)(draft.questionnaire, draft.version)
    try:
        done = await core.finish(store, questionnaire, person, assessment_id, cards.parse_goal(data), _now())
    except DomainError as error:
        if error.key not in ("assessment.error.unfinished", "assessment.error.goal_long"):
            raise
        return cards.finish_card(turn.t, questionnaire, draft, error=turn.t(error.key, **error.params))
    for hook in turn.services.on_assessment_done:
        await hook(turn, done)
    return await _results_card(turn, person, done.id)


async def _results_card(turn: Turn, person: str, assessment_id: str | None) -> AdaptiveCard:
    store = turn.services.store
    results = await core.results(store, store, _versions(turn), person, assessment_id)
    return cards.own_results_card(turn.t, results)


async def show_results(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    return await _results_card(turn, _person(turn), cards.parse_assessment_ref(data))


async def save_goal(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    person = _person(turn)
    assessment_id = cards.parse_assessment_ref(data) or ""
    await core.set_goal(turn.services.store, person, assessment_id, cards.parse_goal(data), _now())
    return await _results_card(turn, person, assessment_id)


def _export_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _export_name(turn: Turn) -> str:
    return f"{turn.t('assessment.export.file')}-{_now().date().isoformat()}.json"


async def export(turn: Turn, _data: dict[str, Any]) -> str:
    """Offer the person's assessments as a JSON file in their chat (FileConsent)."""
    person = _person(turn)
    store = turn.services.store
    document = await core.export(store, _versions(turn), person, turn.t.locale)
    if not document["assessments"]:
        raise Conflict("assessment.error.nothing")
    name = _export_name(turn)
    data = _export_bytes(document)
    await file_offers.offer(turn, EXPORT_KIND, {}, name, len(data), turn.t("assessment.export.description"))
    return turn.t("assessment.export.offered")


async def on_export_consent(turn: Turn, action: str, context: Any, upload: dict[str, Any]) -> None:
    await file_offers.accepted(turn, EXPORT_KIND, context)
    if action != "accept":
        await turn.send_text("assessment.export.declined")
        return
    person = _person(turn)
    store = turn.services.store
    document = await core.export(store, _versions(turn), person, turn.t.locale)
    await file_offers.deliver(turn, upload, _export_name(turn), _export_bytes(document))


async def delete(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    person = _person(turn)
    count = (await core.standing(turn.services.store, person)).total
    if not count:
        raise Conflict("assessment.error.nothing")
    return cards.delete_confirm_card(turn.t, count)


async def delete_confirmed(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    person = _person(turn)
    count = await core.erase(turn.services.store, person, confirmed=data.get("confirm") is True)
    return cards.deleted_card(turn.t, count)


async def show_overview(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    _person(turn)
    store = turn.services.store
    questionnaire = turn.services.questionnaire
    overview = await core.overview(store, store, questionnaire, is_coordinator=turn.is_coordinator)
    return cards.overview_card(turn.t, questionnaire, overview)


def register(router: Router) -> None:
    router.command("assessment", show)
    router.action(cards.START, start)
    router.action(cards.ANSWER, answer)
    router.action(cards.FINISH, finish)
    router.action(cards.RESULTS, show_results)
    router.action(cards.GOAL, save_goal)
    router.action(cards.EXPORT, export)
    router.action(cards.DELETE, delete)
    router.action(cards.DELETE_CONFIRM, delete_confirmed)
    router.action(cards.OVERVIEW, show_overview)
    router.on_file_consent(on_export_consent, kind=EXPORT_KIND)
