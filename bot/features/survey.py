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

from bot import survey_views as views
from bot.router import Router
from bot.turn import Turn
from cards.delivery import delivery_report_card
from core import delivery_reports, survey_flow
from core.errors import NotFound
from core.survey import SurveyStatus, require_coordinator

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


async def survey_command(turn: Turn, argument: str) -> None:
    store = turn.services.store
    word = WORDS.get(argument.strip().split(" ", 1)[0].casefold()) if argument.strip() else None
    if argument.strip() and word is None:
        await turn.send_text("survey.error.unknown_argument", argument=argument.strip()[:40])
        return
    current = await survey_flow.current(store)
    if word == "start":
        started, sent = await views.start(turn)
        await turn.send_text("survey.started", count=sent)
        await views.show(turn, await views.results(turn, started))
        return
    if word is None and not turn.is_coordinator:
        if current is None:
            raise NotFound("survey.error.none_open")
        await views.show(turn, await views.form_for(turn, current), notice="survey.private.form")
        return
    if word is None and current is None:
        # Never starts here: the latest results (if any) and the button that starts a new survey.
        require_coordinator(turn.is_coordinator)
        await views.show(turn, await views.results(turn, await survey_flow.latest(store), offer_start=True))
        return
    survey = current or await survey_flow.latest(store)
    if survey is None:
        raise NotFound("survey.error.none")
    if word == "export":
        await views.show(turn, await views.export(turn, survey), notice="survey.private.export")
    elif word == "status":  # where the announcement and forms stand (the card the coordinator gets later)
        done = await delivery_reports.status(store, survey.broadcast, is_coordinator=turn.is_coordinator)
        card = delivery_report_card(turn.t, done, "survey", survey.started_at)
        await views.show(turn, card, notice="survey.private.status")
    elif word == "close":
        closed = await views.close(turn, survey)
        await views.show(turn, await views.results(turn, closed, offer_start=True))
    else:
        await views.show(
            turn, await views.results(turn, survey, offer_start=survey.status is SurveyStatus.CLOSED)
        )


def register(router: Router) -> None:
    router.command("survey", survey_command)
