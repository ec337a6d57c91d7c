"""The messages a survey start queues (`bot.survey_messages.SurveyMessages`): each form's activity is made
once per language and organisation and shared, and is the one made afresh for the person; what names the
person (key, recipient, target) stays their own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.i18n import Catalogs
from bot.proactive import card_message
from bot.survey_messages import SurveyMessages
from cards import survey as survey_cards
from core.networks import Network, NetworkStatus
from core.people import Person
from core.survey import Survey, SurveyStatus

SERVICE_URL = "https://smba.invalid/emea/"
SURVEY = Survey("s-1", "team-1", SurveyStatus.OPEN, "aad-maija", datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
NETWORKS = [
    Network(
        "hr", "HR-kehittäjät", "HR developers", "Osaamisen kehittäminen", "Skills", NetworkStatus.PLANNED
    ),
    Network("it", "IT-tuki", "IT support", "Laitteet", "Devices", NetworkStatus.REQUESTED),
]
ORGANIZATIONS = [("omnia", "Omnia"), ("tredu", "Tredu")]


@dataclass
class _Activity:
    service_url: str = SERVICE_URL


@dataclass
class _Services:
    catalogs: Catalogs = field(default_factory=Catalogs)


@dataclass
class _Turn:
    """What `SurveyMessages` reads of a turn: the catalogues and where the turn came from."""

    services: _Services = field(default_factory=_Services)
    activity: _Activity = field(default_factory=_Activity)
    tenant_id: str = "tenant-1"
    bot_id: str = "28:bot"
    user_aad_id: str = "aad-maija"


def person(index: int, locale: str = "fi-FI", organization: str | None = "omnia") -> Person:
    return Person(
        f"aad-{index}",
        name=f"Jäsen {index}",
        email=f"m{index}@omnia.fi",
        locale=locale,
        organization=organization,
    )


def fresh(member: Person, catalogs: Catalogs) -> dict[str, Any]:
    """The form's activity built for this one person, as a start without the cache would."""
    t = catalogs.for_locale(member.locale)
    card = survey_cards.answer_card(t, SURVEY, NETWORKS, ORGANIZATIONS, organization=member.organization)
    return card_message(card)


def test_a_shared_form_is_the_one_built_for_each_member() -> None:
    turn = _Turn()
    post = SurveyMessages(turn, None)  # type: ignore[arg-type]
    members = [person(1), person(2), person(3, "en-US"), person(4, "en-GB"), person(5, organization="tredu")]
    forms = [post.form(SURVEY, member, NETWORKS, ORGANIZATIONS) for member in members]
    for member, form in zip(members, forms, strict=True):
        assert form.activity == fresh(member, turn.services.catalogs)
        # the person's own: the key that sends it once, the recipient, the chat it goes to
        assert form.key == f"{SURVEY.broadcast}:person:{member.aad_object_id}"
        assert form.recipient == member.aad_object_id == form.target.user_id
    same_language_and_organisation = forms[0].activity is forms[1].activity
    assert same_language_and_organisation and forms[2].activity is forms[3].activity  # both English


def test_a_language_or_an_organisation_gets_its_own_form() -> None:
    post = SurveyMessages(_Turn(), None)  # type: ignore[arg-type]
    finnish, english, tredu, none = (
        post.form(SURVEY, member, NETWORKS, ORGANIZATIONS).activity
        for member in (
            person(1),
            person(2, "en-US"),
            person(3, organization="tredu"),
            person(4, organization=None),
        )
    )
    assert len({id(finnish), id(english), id(tredu), id(none)}) == 4
    assert finnish != english and finnish != tredu and tredu != none
    content = english["attachments"][0]["content"]
    assert "Your organisation" in str(content) and "Organisaatiosi" in str(
        finnish["attachments"][0]["content"]
    )


def test_each_survey_gets_its_own_forms() -> None:
    """Forms made for one survey are never reused for another (its id is in the answer action), even by
    the same messages object."""
    post = SurveyMessages(_Turn(), None)  # type: ignore[arg-type]
    first = post.form(SURVEY, person(1), NETWORKS, ORGANIZATIONS)
    later = Survey("s-2", "team-1", SurveyStatus.OPEN, "aad-maija", SURVEY.started_at)
    second = post.form(later, person(1), NETWORKS, ORGANIZATIONS)
    assert "s-2" in str(second.activity) and "s-1" not in str(second.activity)
    assert first.activity != second.activity
