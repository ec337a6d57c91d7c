"""`kartoitus` / `survey`: the coordinator starts the needs-mapping survey (the General channel gets an
announcement, every current member of the project team the form in personal chat, both through the
outbox), members answer on the card, the coordinator follows live results, exports a CSV into the General
channel's files and closes.

`kartoitus` alone never starts a survey: the coordinator sees the open survey's results, or with none open
the latest results and a button that starts a new one on an explicit click; others get the form.
Arguments: `aloita|start` (starts at once), `tulokset|results`, `tila|status` (delivery report), `vie|export`,
`sulje|close`.

Privacy: the answers are promised to be seen by the coordinator only, so results, the export's answer and
a member's own answer never go into a channel or group chat. There the bot says so briefly and sends them
into the person's personal chat through the outbox; a card action clicked there replies with nothing.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot import private
from bot.outbox import wake
from bot.roster import refresh_roster
from bot.router import Router
from bot.survey_messages import SurveyMessages
from bot.turn import Turn
from cards import survey as cards
from cards.delivery import delivery_report_card
from core import delivery_reports, survey_flow
from core.errors import NotFound, Unavailable
from core.survey import Survey, SurveyStatus, require_coordinator

WORDS = {
    "aloita": "start",
    "start": "start",
    "tulokset": "results",
    "results": "results",
    "vie": "export",
    "export": "export",
    "sulje": "close",
    "close": "close",
    "tila": "status",
    "status": "status",
}


def _form(turn: Turn, form: survey_flow.Form, *, saved: bool = False) -> AdaptiveCard:
    return cards.answer_card(
        turn.t,
        form.survey,
        form.networks,
        form.organizations,
        answer=form.answer,
        organization=form.organization,
        saved=saved,
    )


async def form_for(turn: Turn, survey: Survey) -> AdaptiveCard:
    """The form with the user's own answer, or their organisation from the email domain."""
    return _form(turn, await survey_flow.form(turn.services.store, survey, turn.user_aad_id))


async def start(turn: Turn) -> tuple[Survey, int]:
    """Open the survey with the announcement and the form of each current member of the project team
    (its roster read again first) queued; (survey, forms)."""
    team = await turn.project_team()
    require_coordinator(turn.is_coordinator)
    if team is not None:
        await refresh_roster(turn.context, turn.services.store, team)
    started = await survey_flow.start(
        turn.services.store,
        SurveyMessages(turn, team.service_url if team else None),
        team=team,
        actor=turn.user_aad_id,
        is_coordinator=turn.is_coordinator,
        now=datetime.now(UTC),
    )
    wake(turn.services)
    return started


async def results(turn: Turn, survey: Survey | None, *, offer_start: bool = False) -> AdaptiveCard:
    """The coordinator's results card (`survey` None: none run yet); `offer_start` adds the button that
    starts a new survey, with the number of people it would be sent to."""
    team = await turn.project_team() if offer_start and turn.is_coordinator else None
    # The button counts the members the roster and its events left (the start reads the roster again);
    # with none known yet (a bot upgraded into an existing team) the roster is read now.
    store = turn.services.store
    if team is not None and not await store.team_member_count(team.team_id):
        with contextlib.suppress(Unavailable):  # Teams not answering either: the button says 0
            await refresh_roster(turn.context, store, team)
    view = await survey_flow.results(
        turn.services.store,
        survey,
        is_coordinator=turn.is_coordinator,
        offer_start=offer_start,
        team_id=team.team_id if team else None,
    )
    return cards.results_card(turn.t, view.summary, view.names, start_recipients=view.start_recipients)


async def _show(turn: Turn, value: AdaptiveCard, *, notice: str = "survey.private.results") -> None:
    await private.show(turn, value, topic="survey", notice=notice)


async def _reply(turn: Turn, value: AdaptiveCard) -> AdaptiveCard | None:
    return await private.reply(turn, value, topic="survey")


async def export(turn: Turn, survey: Survey) -> AdaptiveCard:
    """The answers as CSV in the General channel's Files folder (replacing the previous export); the card
    offers the same table as a workbook (`bot.features.survey_export`)."""
    require_coordinator(turn.is_coordinator)
    done = await survey_flow.export(
        turn.services.store,
        turn.services.workspace,
        await turn.project_team(),
        survey,
        turn.t,
        actor=turn.user_aad_id,
        is_coordinator=turn.is_coordinator,
    )
    return cards.exported_card(turn.t, done.name, done.web_url, done.answers, survey.id)


async def _close(turn: Turn, survey: Survey) -> Survey:
    store = turn.services.store
    return await survey_flow.close(store, survey, actor=turn.user_aad_id, is_coordinator=turn.is_coordinator)


async def survey_command(turn: Turn, argument: str) -> None:
    store = turn.services.store
    word = WORDS.get(argument.strip().split(" ", 1)[0].casefold()) if argument.strip() else None
    if argument.strip() and word is None:
        await turn.send_text("survey.error.unknown_argument", argument=argument.strip()[:40])
        return
    current = await survey_flow.current(store)
    if word == "start":
        started, sent = await start(turn)
        await turn.send_text("survey.started", count=sent)
        await _show(turn, await results(turn, started))
        return
    if word is None and not turn.is_coordinator:
        if current is None:
            raise NotFound("survey.error.none_open")
        await _show(turn, await form_for(turn, current), notice="survey.private.form")
        return
    if word is None and current is None:
        # Never starts here: the latest results (if any) and the button that starts a new survey.
        require_coordinator(turn.is_coordinator)
        await _show(turn, await results(turn, await survey_flow.latest(store), offer_start=True))
        return
    survey = current or await survey_flow.latest(store)
    if survey is None:
        raise NotFound("survey.error.none")
    if word == "export":
        await _show(turn, await export(turn, survey), notice="survey.private.export")
    elif word == "status":  # where the announcement and forms stand (the card the coordinator gets later)
        done = await delivery_reports.status(store, survey.broadcast, is_coordinator=turn.is_coordinator)
        card = delivery_report_card(turn.t, done, "survey", survey.started_at)
        await _show(turn, card, notice="survey.private.status")
    elif word == "close":
        await _show(turn, await results(turn, await _close(turn, survey), offer_start=True))
    else:
        await _show(turn, await results(turn, survey, offer_start=survey.status is SurveyStatus.CLOSED))


async def _survey_of(turn: Turn, data: dict[str, Any]) -> Survey:
    return await survey_flow.survey_of(turn.services.store, cards.parse_survey_ref(data))


async def start_action(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard | None:
    """The explicit "start a new survey" button (coordinator only, refused while one is open)."""
    survey, _sent = await start(turn)
    return await _reply(turn, await results(turn, survey))


async def open_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    return await form_for(turn, await _survey_of(turn, data))


async def answer_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    reply = cards.parse_answer(data)
    store = turn.services.store
    form = await survey_flow.answer(store, cards.parse_survey_ref(data), turn.user_aad_id, reply)
    return _form(turn, form, saved=True)


async def results_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard | None:
    require_coordinator(turn.is_coordinator)
    survey = await _survey_of(turn, data)
    offer = await survey_flow.may_start_after(turn.services.store, survey)
    return await _reply(turn, await results(turn, survey, offer_start=offer))


async def export_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard | None:
    require_coordinator(turn.is_coordinator)
    return await _reply(turn, await export(turn, await _survey_of(turn, data)))


async def close_action(turn: Turn, data: dict[str, Any]) -> AdaptiveCard | None:
    require_coordinator(turn.is_coordinator)
    closed = await _close(turn, await _survey_of(turn, data))
    offer = await survey_flow.may_start_after(turn.services.store, closed)
    return await _reply(turn, await results(turn, closed, offer_start=offer))


def register(router: Router) -> None:
    router.command("survey", survey_command)
    router.action(cards.START, start_action)
    router.action(cards.OPEN, open_action)
    router.action(cards.ANSWER, answer_action)
    router.action(cards.RESULTS, results_action)
    router.action(cards.EXPORT, export_action)
    router.action(cards.CLOSE, close_action)
