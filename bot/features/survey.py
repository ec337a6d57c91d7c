"""`kartoitus` / `survey`: the coordinator starts the needs-mapping survey (the General channel gets an
announcement, every known member the form in personal chat, both through the outbox), members answer on
the card, the coordinator follows live results, exports a CSV into the General channel's files and closes.

`kartoitus` alone never starts a survey: the coordinator sees the open survey's results, or with none open
the latest results and a button that starts a new one on an explicit click; others get the form.
Arguments: `aloita|start` (starts at once), `tulokset|results`, `vie|export`, `sulje|close`.

Privacy: the answers are promised to be seen by the coordinator only, so results, the export's answer and
a member's own answer never go into a channel or group chat. There the bot says so briefly and sends them
into the person's personal chat through the outbox; a card action clicked there replies with nothing.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.features.networks import catalogue, project_team
from bot.outbox import send_later, wake
from bot.proactive import card_message, target
from bot.router import Router
from bot.turn import Turn
from cards import survey as cards
from core.errors import Conflict, NotAllowed, NotFound
from core.outbox import OutgoingMessage
from core.survey import (
    Survey,
    SurveyStatus,
    answers_csv,
    find_survey,
    parse_answer,
    require_coordinator,
    require_team,
    summarize,
)
from core.workspace import ConflictBehavior

WORDS = {
    "aloita": "start",
    "start": "start",
    "tulokset": "results",
    "results": "results",
    "vie": "export",
    "export": "export",
    "sulje": "close",
    "close": "close",
}


async def _organizations(turn: Turn) -> list[tuple[str, str]]:
    return [(o.key, o.short_name) for o in await turn.services.store.list_organizations()]


async def form_for(turn: Turn, survey: Survey, *, saved: bool = False) -> AdaptiveCard:
    """The form with the user's own answer, or their organisation from the email domain."""
    store = turn.services.store
    answer = await store.get_answer(survey.id, turn.user_aad_id) if turn.user_aad_id else None
    person = await store.get_person(turn.user_aad_id) if turn.user_aad_id else None
    return cards.answer_card(
        turn.t,
        survey,
        await catalogue(turn),
        await _organizations(turn),
        answer=answer,
        organization=person.organization if person else None,
        saved=saved,
    )


async def start(turn: Turn) -> tuple[Survey, int]:
    """Open the survey and, in the same transaction, queue the General channel announcement and every known
    member's personal form in the outbox; returns (survey, forms queued)."""
    require_coordinator(turn.is_coordinator)
    store = turn.services.store
    networks = await catalogue(turn)
    team = await project_team(turn)
    require_team(team.team_id if team else None, team.thread_id if team else None)
    draft = Survey(
        uuid.uuid4().hex,
        team.team_id if team else None,
        SurveyStatus.OPEN,
        turn.user_aad_id or "",
        datetime.now(UTC),
    )
    service_url = team.service_url if team else None
    organizations = await _organizations(turn)
    messages = []
    if team is not None and team.thread_id:
        fi = turn.services.catalogs.for_locale("fi")
        messages.append(
            OutgoingMessage(
                key=f"survey:{draft.id}:general",
                broadcast=f"survey:{draft.id}",
                recipient="General",
                target=target(turn, "channel", service_url, conversation_id=team.thread_id),
                activity=card_message(cards.announcement_card(fi, draft)),
            )
        )
    people = await store.survey_recipients()
    for person in people:
        t = turn.services.catalogs.for_locale(person.locale)
        form = cards.answer_card(t, draft, networks, organizations, organization=person.organization)
        messages.append(
            OutgoingMessage(
                key=f"survey:{draft.id}:person:{person.aad_object_id}",
                broadcast=f"survey:{draft.id}",
                recipient=person.aad_object_id,
                target=target(turn, "person", service_url, user_id=person.aad_object_id),
                activity=card_message(form),
            )
        )
    survey = await store.start_survey(draft.id, draft.team_id, draft.started_by, messages)
    wake(turn.services)
    await store.record(turn.user_aad_id or "", "survey.start", f"survey:{survey.id}", {"forms": len(people)})
    return survey, len(people)


async def results(turn: Turn, survey: Survey | None, *, offer_start: bool = False) -> AdaptiveCard:
    """The coordinator's results card (`survey` None: none run yet); `offer_start` adds the button that
    starts a new survey, with the number of people it would be sent to."""
    require_coordinator(turn.is_coordinator)
    store = turn.services.store
    recipients = len(await store.survey_recipients()) if offer_start else None
    if survey is None:
        return cards.results_card(turn.t, None, {}, start_recipients=recipients)
    answers = await store.list_answers(survey.id)
    summary = summarize(survey, answers, await catalogue(turn), await store.headcounts())
    names = {key: name for key, name in await _organizations(turn)}
    return cards.results_card(turn.t, summary, names, start_recipients=recipients)


def _personal(turn: Turn) -> bool:
    return turn.conversation_type == "personal"


async def _to_personal_chat(turn: Turn, value: AdaptiveCard) -> None:
    """Queue the card for the user's personal chat with the bot (the outbox opens it when needed)."""
    aad = turn.user_aad_id
    if not aad:
        raise NotAllowed("survey.error.no_identity")
    team = await project_team(turn)
    message = OutgoingMessage(
        key=f"survey:private:{uuid.uuid4().hex}",
        broadcast=f"survey:private:{aad}",
        recipient=aad,
        target=target(turn, "person", team.service_url if team else None, user_id=aad),
        activity=card_message(value),
    )
    await send_later(turn.services, [message])


async def _show(turn: Turn, value: AdaptiveCard, *, notice: str = "survey.private.results") -> None:
    """Send a private card: here in a personal chat, elsewhere into the personal chat with a short notice."""
    if _personal(turn):
        await turn.send_card(value)
        return
    await _to_personal_chat(turn, value)
    await turn.send_text(notice)


async def _reply(turn: Turn, value: AdaptiveCard) -> AdaptiveCard | None:
    """A card action's private answer: the clicker's card in a personal chat; clicked on a card in a
    channel or group chat, the answer goes to the personal chat and the shared card stays as it was."""
    if _personal(turn):
        return value
    await _to_personal_chat(turn, value)
    return None


async def export(turn: Turn, survey: Survey) -> AdaptiveCard:
    """The answers as CSV in the General channel's Files folder (replacing the previous export)."""
    require_coordinator(turn.is_coordinator)
    team = await project_team(turn)
    workspace = turn.services.workspace
    if team is None or not team.thread_id or workspace is None:
        raise Conflict("networks.error.no_team")
    answers = await turn.services.store.list_answers(survey.id)
    folder = await workspace.channel_folder(team.team_id, team.thread_id)
    name = f"kartoitus-{survey.started_at:%Y-%m-%d}-{survey.id[:8]}.csv"
    stored = await workspace.upload(folder, name, answers_csv(answers), conflict=ConflictBehavior.REPLACE)
    await turn.services.store.record(
        turn.user_aad_id or "", "survey.export", f"survey:{survey.id}", {"file": stored.name}
    )
    return cards.exported_card(turn.t, stored.name, stored.web_url, len(answers))


async def survey_command(turn: Turn, argument: str) -> None:
    store = turn.services.store
    word = WORDS.get(argument.strip().split(" ", 1)[0].casefold()) if argument.strip() else None
    if argument.strip() and word is None:
        await turn.send_text("survey.error.unknown_argument", argument=argument.strip()[:40])
        return
    current = await store.open_survey()
    if word == "start":
        survey, sent = await start(turn)
        await turn.send_text("survey.started", count=sent)
        await _show(turn, await results(turn, survey))
        return
    if word is None and not turn.is_coordinator:
        if current is None:
            raise NotFound("survey.error.none_open")
        await _show(turn, await form_for(turn, current), notice="survey.private.form")
        return
    if word is None and current is None:
        # Never starts here: the latest results (if any) and the button that starts a new survey.
        require_coordinator(turn.is_coordinator)
        await _show(turn, await results(turn, await store.latest_survey(), offer_start=True))
        return
    survey = current or await store.latest_survey()
    if survey is None:
        raise NotFound("survey.error.none")
    if word == "export":
        await _show(turn, await export(turn, survey), notice="survey.private.export")
    elif word == "close":
        require_coordinator(turn.is_coordinator)
        closed = await store.close_survey(survey.id)
        await store.record(turn.user_aad_id or "", "survey.close", f"survey:{survey.id}", {})
        await _show(turn, await results(turn, closed, offer_start=True))
    else:
        await _show(turn, await results(turn, survey, offer_start=survey.status is SurveyStatus.CLOSED))


async def _survey_of(turn: Turn, data: dict[str, Any]) -> Survey:
    survey_id = data.get("survey")
    return await find_survey(turn.services.store, str(survey_id) if survey_id else None)


async def start_action(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard | None:
    """The explicit "start a new survey" button (coordinator only, refused while one is open)."""
    survey, _sent = await start(turn)
    return await _reply(turn, await results(turn, survey))


async def open_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    return await form_for(turn, await _survey_of(turn, data))


async def answer_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    survey = await _survey_of(turn, data)
    organizations = [key for key, _name in await _organizations(turn)]
    answer = parse_answer(survey, turn.user_aad_id, data, await catalogue(turn), organizations)
    await turn.services.store.save_answer(answer)
    return await form_for(turn, survey, saved=True)


async def results_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard | None:
    require_coordinator(turn.is_coordinator)
    survey = await _survey_of(turn, data)
    return await _reply(turn, await results(turn, survey, offer_start=await _may_start(turn, survey)))


async def export_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard | None:
    require_coordinator(turn.is_coordinator)
    return await _reply(turn, await export(turn, await _survey_of(turn, data)))


async def close_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard | None:
    require_coordinator(turn.is_coordinator)
    survey = await _survey_of(turn, data)
    closed = await turn.services.store.close_survey(survey.id)
    await turn.services.store.record(turn.user_aad_id or "", "survey.close", f"survey:{survey.id}", {})
    return await _reply(turn, await results(turn, closed, offer_start=await _may_start(turn, closed)))


async def _may_start(turn: Turn, survey: Survey) -> bool:
    """Offer the start button under a closed survey's results when no other survey is open."""
    return survey.status is SurveyStatus.CLOSED and await turn.services.store.open_survey() is None


def register(router: Router) -> None:
    router.command("survey", survey_command)
    router.action(cards.START, start_action)
    router.action(cards.OPEN, open_action)
    router.action(cards.ANSWER, answer_action)
    router.action(cards.RESULTS, results_action)
    router.action(cards.EXPORT, export_action)
    router.action(cards.CLOSE, close_action)
