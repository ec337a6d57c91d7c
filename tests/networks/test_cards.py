"""Every card of the survey and the networks, built from the worst input the rules allow, stays under the
80 KB budget, at schema version 1.5, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.i18n import Catalogs
from cards import networks as network_cards
from cards import survey as survey_cards
from cards.base import to_json
from core.networks import NAME_MAX, PURPOSE_MAX, Network, NetworkStatus
from core.survey import TEXT_MAX, Answer, Survey, SurveyStatus, summarize
from tests.cards.checks import MAX_ACTIVITY_BYTES as BUDGET_BYTES
from tests.cards.checks import assert_teams_card as check_card

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def big_networks(count: int = 30) -> list[Network]:
    return [
        Network(
            key=f"n{i:02d}",
            name_fi=("Ä" * NAME_MAX)[: NAME_MAX - 2] + f"{i:02d}",
            name_en=("W" * NAME_MAX)[: NAME_MAX - 2] + f"{i:02d}",
            purpose_fi="ö" * PURPOSE_MAX,
            purpose_en="w" * PURPOSE_MAX,
            status=list(NetworkStatus)[i % 4],
            candidate=i % 2 == 0,
            facilitator=f"aad-{i}",
            members=250,
        )
        for i in range(count)
    ]


@pytest.fixture(params=["fi", "en"])
def t(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return Catalogs().for_locale(request.param)


def test_results_of_250_maximal_answers_stay_under_budget(t) -> None:  # type: ignore[no-untyped-def]
    networks = big_networks()
    survey = Survey("s" * 32, "team", SurveyStatus.OPEN, "aad-maija", NOW)
    answers = [
        Answer(
            survey.id,
            f"aad-{i}",
            f"org-{i % 76}",
            "e" * TEXT_MAX,
            tuple(n.key for n in networks),
            "p" * TEXT_MAX,
            True,
            True,
            NOW,
        )
        for i in range(250)
    ]
    results = summarize(survey, answers, networks, {f"org-{i}": 10 for i in range(76)})
    names = {f"org-{i}": "Organisaatio " + "x" * 60 for i in range(76)}
    card = to_json(survey_cards.results_card(t, results, names))
    check_card(card)
    assert "Chart.HorizontalBar" in str(card)


def test_forms_and_network_cards_stay_under_budget(t) -> None:  # type: ignore[no-untyped-def]
    networks = big_networks()
    survey = Survey("s" * 32, "team", SurveyStatus.OPEN, "aad-maija", NOW)
    orgs = [(f"org-{i}", "Organisaatio " + "x" * 60) for i in range(76)]
    answer = Answer(
        survey.id,
        "aad-1",
        "org-1",
        "e" * TEXT_MAX,
        tuple(n.key for n in networks),
        "p" * TEXT_MAX,
        True,
        True,
        NOW,
    )
    names = {n.facilitator or "": "Nimi " + "y" * 60 for n in networks}
    built = [
        survey_cards.answer_card(t, survey, networks, orgs, answer=answer, saved=True),
        survey_cards.answer_card(t, survey, networks, orgs, organization="org-3"),
        survey_cards.announcement_card(t, survey),
        survey_cards.exported_card(t, "kartoitus.csv", "https://example.invalid/f", 250, "s" * 32),
        network_cards.networks_card(t, networks, names, coordinator=True, mine={"n01"}),
        network_cards.edit_card(t, networks[0], "liisa@vamia.fi"),
        network_cards.edit_card(t, None),
        network_cards.welcome_card(t, networks[0], "Liisa Korhonen"),
        network_cards.invite_card(t, networks[0]),
        network_cards.joined_card(t, networks[0], True),
        network_cards.launched_card(t, networks[0], 250),
        network_cards.launch_failed_card(
            t, networks[0].name_fi, "n00", "channel", "networks.launch.cause_unknown"
        ),
        network_cards.saved_card(t, networks[0]),
    ]
    for card in built:
        check_card(to_json(card))


def test_budget_check_catches_an_oversized_or_newer_card() -> None:
    t = Catalogs().for_locale("fi")
    card = to_json(network_cards.joined_card(t, big_networks(1)[0], True))
    with pytest.raises(AssertionError):
        check_card({**card, "version": "1.6"})
    with pytest.raises(AssertionError):
        check_card({**card, "body": card["body"] + [{"type": "TextBlock", "text": "x" * BUDGET_BYTES}]})
    with pytest.raises(AssertionError):
        check_card({**card, "body": card["body"] + [{"type": "Carousel"}]})


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_keys_built_at_run_time_exist(lang: str) -> None:
    from core.networks import LaunchStep

    keys = Catalogs().keys(lang)
    assert {f"networks.status.{s.value}" for s in NetworkStatus} <= keys
    assert {f"networks.launch.step.{s.value}" for s in LaunchStep} <= keys
