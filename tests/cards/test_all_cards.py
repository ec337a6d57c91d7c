"""Every card builder in `cards/`, with representative (and worst-case) data in Finnish and English, passes
`assert_teams_card`: schema 1.5 elements only (plus Teams charts) and the activity under 80 KB."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from microsoft_teams.cards import AdaptiveCard

import cards
from bot.i18n import Catalogs, Translator
from cards.base import to_json
from tests.cards.checks import assert_teams_card

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
Samples = Callable[[Translator], list[AdaptiveCard]]


def _help(t: Translator) -> list[AdaptiveCard]:
    from bot.commands import COMMANDS
    from cards.help import CommandHelp, help_card

    commands = [
        CommandHelp(word=c.fi if t.locale == "fi" else c.en, description=t(c.description_key))
        for c in COMMANDS
    ]
    return [help_card(t, commands), help_card(t, commands, unknown_text="x" * 500)]


def _welcome(t: Translator) -> list[AdaptiveCard]:
    from cards.welcome import welcome_card

    return [welcome_card(t, "Vertaansa vailla")]


def _polls(t: Translator) -> dict[str, list[AdaptiveCard]]:
    from cards.poll_voters import voters_card
    from cards.polls import PollView, new_poll_card, poll_card, poll_posted_card
    from core.polls import (
        MAX_OPTION,
        MAX_OPTIONS,
        MAX_QUESTION,
        PollDraft,
        PollKind,
        PollState,
        Results,
        Tally,
        Voters,
        new_poll,
    )

    small = new_poll(
        PollDraft("Mikä teema seuraavaan tapaamiseen?", ("Arviointi", "Hyvinvointi", "Digitaidot")).validated(
            NOW
        ),
        channel_id="19:hr@thread.tacv2",
        author="aad-maija",
        now=NOW,
        audience=[f"29:m{i}" for i in range(60)],
    )
    big = new_poll(
        PollDraft(
            "K" * MAX_QUESTION,
            tuple(f"{i}" + "v" * (MAX_OPTION - 2) for i in range(MAX_OPTIONS)),
            multiple=True,
            anonymous=True,
            results=Results.AUTHOR,
            kind=PollKind.THEME,
            closes_at=NOW + timedelta(days=3),
        ).validated(NOW),
        channel_id="19:hr@thread.tacv2",
        author="aad-maija",
        now=NOW,
        network="hr-kehittajat",
    )
    full = Tally(tuple(range(MAX_OPTIONS)), 250)
    names = {f"aad-{i}": f"Etunimi Sukunimi-Pitkäsukunimi {i}" for i in range(400)}
    ballots = tuple((voter, frozenset(range(MAX_OPTIONS))) for voter in names)
    return {
        "new_poll_card": [
            new_poll_card(t, theme_allowed=True, nonce="n" * 45),
            new_poll_card(t, theme_allowed=False, nonce="n" * 45, error="x" * 200),
        ],
        "poll_card": [
            poll_card(t, PollView(small, NOW)),
            poll_card(
                t,
                PollView(small, NOW, Tally((1, 2, 0), 3), "aad-liisa", frozenset({1}), t("polls.card.voted")),
            ),
            poll_card(t, PollView(big, NOW, full, "aad-maija", frozenset(range(MAX_OPTIONS)))),
            poll_card(t, PollView(big, NOW + timedelta(days=4), full, "aad-maija", frozenset({0, 9}))),
            poll_card(t, PollView(big, NOW, None, "aad-liisa", frozenset({2}))),
            poll_card(t, PollView(small, NOW, Tally((0, 0, 0), 0), "aad-maija", frozenset())),
        ],
        "poll_posted_card": [poll_posted_card(t, big), poll_posted_card(t, big, again=True)],
        "voters_card": [
            voters_card(t, Voters(PollState(small, NOW), {}, ())),
            voters_card(t, Voters(PollState(big, NOW), names, ballots)),
        ],
    }


def _networks_and_survey(t: Translator) -> dict[str, list[AdaptiveCard]]:
    import asyncio

    from cards import networks as n
    from cards import survey as s
    from core.networks import NetworkStatus
    from core.survey import Answer, Survey, SurveyStatus, summarize
    from store.networks import load_catalogue

    catalogue = asyncio.run(load_catalogue(ROOT / "config" / "networks.yml"))
    active = [c for c in catalogue if c.status == NetworkStatus.ACTIVE] or catalogue
    first = catalogue[0]
    orgs = [(f"org{i}", f"Koulutuskuntayhtymä {i}") for i in range(16)]
    names = dict(orgs)
    survey = Survey("s1", "team-aad", SurveyStatus.OPEN, "aad-maija", NOW)
    answers = [
        Answer(
            "s1",
            f"aad-{i}",
            f"org{i % 16}",
            existing="x" * 400,
            needs=tuple(c.key for c in catalogue[: 1 + i % 4]),
            proposal="Ehdotus " + "y" * 400,
            join=i % 2 == 0,
            present=i % 5 == 0,
        )
        for i in range(250)
    ]
    results = summarize(survey, answers, catalogue, {f"org{i}": 20 for i in range(16)})
    answer = answers[0]
    return {
        "networks_card": [
            n.networks_card(
                t, catalogue, {"aad-maija": "Maija Meikäläinen"}, coordinator=True, mine={first.key}
            ),
            n.networks_card(t, active, {}, coordinator=False, mine=set()),
        ],
        "edit_card": [n.edit_card(t, None), n.edit_card(t, first, "maija@omnia.fi")],
        "saved_card": [n.saved_card(t, first)],
        "welcome_card@networks": [n.welcome_card(t, first, "maija@omnia.fi"), n.welcome_card(t, first)],
        "invite_card": [n.invite_card(t, first)],
        "joined_card": [n.joined_card(t, first, True), n.joined_card(t, first, False)],
        "launched_card": [n.launched_card(t, first, 42)],
        "launch_failed_card": [
            n.launch_failed_card(t, first.name(t.locale), first.key, "channel", "error.unavailable")
        ],
        "announcement_card": [s.announcement_card(t, survey)],
        "answer_card": [
            s.answer_card(t, survey, catalogue, orgs),
            s.answer_card(t, survey, catalogue, orgs, answer=answer, organization="org0", saved=True),
        ],
        "results_card": [
            s.results_card(t, results, names),
            s.results_card(t, summarize(survey, [], catalogue, {}), names),
            s.results_card(t, None, names, start_recipients=6),
        ],
        "exported_card": [
            s.exported_card(t, "kartoitus.csv", "https://example.invalid/kartoitus.csv", 250, "s1")
        ],
    }


def _mydata(t: Translator) -> list[AdaptiveCard]:
    from datetime import UTC, datetime

    from cards.mydata import mydata_card
    from core.mydata import MyData
    from core.networks import Network
    from core.people import Organization, Person
    from core.survey import Answer

    when = datetime(2021, 5, 12, 9, tzinfo=UTC)
    person = Person("aad-1", "Maija Meikäläinen", "maija@omnia.fi", None, "fi-FI", None, "omnia", when, when)
    network = Network("hr", "HR-kehittäjäverkosto", "HR developers", "Tarkoitus", "Purpose")
    answer = Answer("s1", "aad-1", "omnia", needs=("hr",), answered_at=when)
    full = MyData(person, Organization("omnia", "Omnia", "Omnia"), [network], [network], answer)
    return [mydata_card(t, full), mydata_card(t, MyData(None, None, [], [], None))]


def _erasure(t: Translator) -> dict[str, list[AdaptiveCard]]:
    from cards.mydata import confirm_erase_card, erased_card
    from core.mydata import Erasure

    done = Erasure("erased-1", {"people": 1, "survey_answers": 1}, {"audit_log": 3}, files_kept=2)
    return {
        "confirm_erase_card": [confirm_erase_card(t)],
        "erased_card": [erased_card(t, done), erased_card(t, Erasure("erased-2", {}, {}, 0))],
    }


def _delivery(t: Translator) -> list[AdaptiveCard]:
    from cards.delivery import delivery_report_card
    from core.delivery_reports import Delivery
    from core.outbox import DeliveryReport, NotReached, Reason

    missed = [NotReached(f"aad-{i}", Reason.UNREACHABLE, "403") for i in range(300)]
    failed = {Reason.UNREACHABLE: 300, Reason.REJECTED: 2, Reason.EXHAUSTED: 1}
    names = {f"aad-{i}": "Etunimi Pitkä-Sukunimi " + str(i) for i in range(300)}
    return [
        delivery_report_card(t, Delivery(DeliveryReport("survey:1", 0, 1), {}), "survey", NOW),
        delivery_report_card(
            t, Delivery(DeliveryReport("survey:1", 297, 0, failed, missed), names), "survey", NOW
        ),
    ]


def all_samples(t: Translator) -> dict[str, list[AdaptiveCard]]:
    samples = {
        "help_card": _help(t),
        "welcome_card@welcome": _welcome(t),
        "mydata_card": _mydata(t),
        **_erasure(t),
        **_polls(t),
        "delivery_report_card": _delivery(t),
    }
    if importlib.util.find_spec("cards.materials"):
        from tests.materials.card_samples import samples as materials_samples

        samples.update(materials_samples(t))
    if importlib.util.find_spec("cards.meetings"):
        from tests.meetings.card_samples import samples as meetings_samples

        samples.update(meetings_samples(t))
    if importlib.util.find_spec("cards.badges"):
        from tests.badges.card_samples import samples as badge_samples

        samples.update(badge_samples(t))
    if importlib.util.find_spec("cards.assessment"):
        from tests.assessment.card_samples import samples as assessment_samples

        samples.update(assessment_samples(t))
    if importlib.util.find_spec("cards.coaching"):
        from tests.coaching.card_samples import samples as coaching_samples

        samples.update(coaching_samples(t))
    if importlib.util.find_spec("cards.report"):
        from tests.report.card_samples import samples as report_samples

        samples.update(report_samples(t))
    if importlib.util.find_spec("cards.joins"):
        from tests.joins.card_samples import samples as join_samples

        samples.update(join_samples(t))
    if importlib.util.find_spec("cards.networks") and importlib.util.find_spec("cards.survey"):
        samples.update(_networks_and_survey(t))
    return samples


def builders() -> set[str]:
    """Every public function in `cards/` that returns an AdaptiveCard (`name@module` where names repeat)."""
    found: list[tuple[str, str]] = []
    for info in pkgutil.iter_modules(cards.__path__):
        module = importlib.import_module(f"cards.{info.name}")
        for name, value in vars(module).items():
            if not inspect.isfunction(value) or value.__module__ != module.__name__ or name.startswith("_"):
                continue
            if (
                inspect.signature(value).return_annotation in ("AdaptiveCard", AdaptiveCard)
                and name != "card"
            ):
                found.append((name, info.name))
    names = [name for name, _ in found]
    return {name if names.count(name) == 1 else f"{name}@{module}" for name, module in found}


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs()


def test_every_card_builder_has_samples(catalogs: Catalogs) -> None:
    assert set(all_samples(catalogs.for_locale("fi"))) == builders()


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_every_card_renders_in_teams(catalogs: Catalogs, lang: str) -> None:
    for name, samples in all_samples(catalogs.for_locale(lang)).items():
        assert samples, name
        for i, sample in enumerate(samples):
            try:
                assert_teams_card(to_json(sample))
            except AssertionError as error:
                raise AssertionError(f"{name} sample {i} ({lang}): {error}") from None
