"""The messages a started survey sends (`core.survey_flow.SurveyPost`): the announcement card in the
team's General channel, in Finnish, and each known member's form in their personal chat, in their own
language; outbox rows in the Teams the coordinator's turn came from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.proactive import card_message, target, to_channel, to_person
from bot.turn import Turn
from cards import survey as cards
from core.delivery_reports import ReportRequest
from core.networks import Network
from core.outbox import OutgoingMessage, Priority
from core.people import Person
from core.survey import Survey
from core.survey_flow import Organizations
from core.teams import Team


class SurveyMessages:
    """`core.survey_flow.SurveyPost`: the announcement card in General (in Finnish) and each person's form
    in their own language, as outbox messages in the Teams this turn came from."""

    def __init__(self, turn: Turn, service_url: str | None) -> None:
        self._turn = turn
        self._service_url = service_url
        # A form is the same for everyone of one language and organisation (it names no one; the answer
        # action says only the survey): its card and the card's JSON are made once per start for each
        # (at 1,000 members, making every form's card models and their JSON held the start turn for
        # seconds). The messages share the activity, which nothing changes once it is built.
        self._forms: dict[tuple[str, str, str | None], dict[str, Any]] = {}

    def announcement(self, survey: Survey, team: Team) -> OutgoingMessage:
        value = cards.announcement_card(self._turn.services.catalogs.for_locale("fi"), survey)
        key, general = survey.broadcast, team.thread_id or ""
        return to_channel(
            self._turn,
            general,
            value,
            key=f"{key}:general",
            broadcast=key,
            recipient="General",
            service_url=self._service_url,
        )

    def form(
        self, survey: Survey, person: Person, networks: Sequence[Network], organizations: Organizations
    ) -> OutgoingMessage:
        activity = self._form_activity(survey, person, networks, organizations)
        key, who = survey.broadcast, person.aad_object_id
        return to_person(
            self._turn,
            who,
            activity,
            key=f"{key}:person:{who}",
            broadcast=key,
            service_url=self._service_url,
            priority=Priority.BULK,
        )

    def _form_activity(
        self, survey: Survey, person: Person, networks: Sequence[Network], organizations: Organizations
    ) -> dict[str, Any]:
        """The activity carrying `person`'s form: made for the first person of each language and
        organisation, the same object for the others."""
        t = self._turn.services.catalogs.for_locale(person.locale)
        variant = (survey.id, t.locale, person.organization)
        activity = self._forms.get(variant)
        if activity is None:
            value = cards.answer_card(t, survey, networks, organizations, organization=person.organization)
            activity = self._forms[variant] = card_message(value)
        return activity

    def delivery_report(self, survey: Survey) -> ReportRequest | None:
        """The report card goes to the coordinator who started the survey, in their language."""
        turn = self._turn
        aad = turn.user_aad_id
        if not aad:
            return None
        where = target(turn, "person", self._service_url, user_id=aad)
        return ReportRequest(survey.broadcast, aad, where, "survey", survey.started_at, turn.t.locale)
