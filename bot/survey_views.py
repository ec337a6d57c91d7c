"""What the survey's command (`bot.features.survey`) and its card actions (`bot.features.survey_actions`)
both show and do: the form, the results card, starting, exporting and closing, and the private reply
(results and answers go only to the person's own chat, see `bot.features.survey`)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from microsoft_teams.cards import AdaptiveCard

from bot import private
from bot.outbox import wake
from bot.roster import refresh_roster
from bot.survey_messages import SurveyMessages
from bot.turn import Turn
from cards import survey as cards
from core import survey_flow
from core.errors import Unavailable
from core.survey import Survey, require_coordinator


def form_card(turn: Turn, form: survey_flow.Form, *, saved: bool = False) -> AdaptiveCard:
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
    return form_card(turn, await survey_flow.form(turn.services.store, survey, turn.user_aad_id))


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


async def show(turn: Turn, value: AdaptiveCard, *, notice: str = "survey.private.results") -> None:
    await private.show(turn, value, topic="survey", notice=notice)


async def reply(turn: Turn, value: AdaptiveCard) -> AdaptiveCard | None:
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


async def close(turn: Turn, survey: Survey) -> Survey:
    store = turn.services.store
    return await survey_flow.close(store, survey, actor=turn.user_aad_id, is_coordinator=turn.is_coordinator)
