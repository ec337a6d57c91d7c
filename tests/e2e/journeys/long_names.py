"""Cards with the long names a phone has to fit: the organisations of Finnish vocational education run to
50-60 characters ("Keski-Pohjanmaan koulutusyhtymä, ammatillinen aikuiskoulutus"), networks to 40. Built by
the real card builders from realistic data (words, not one 80-letter token; counts under 100), for the
phone-width check to show in the Playground as the bot would send them."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.i18n import Catalogs
from cards import assessment, badges, survey
from cards.base import to_json
from core.assessment import Assessment, Comparison, Results, Status, dimension_means
from core.badges import Counts
from core.networks import Network
from core.survey import Answer, Survey, SurveyStatus, summarize
from store.assessment import load_questionnaire
from store.badges import load_badge_classes
from store.networks import load_catalogue

WHEN = datetime(2026, 11, 20, 10, tzinfo=UTC)
ORGANISATIONS = {
    "kpedu": "Keski-Pohjanmaan koulutusyhtymä, ammatillinen aikuiskoulutus",
    "sasky": "Sastamalan koulutuskuntayhtymä, Sastamalan ammattiopisto",
    "ksao": "Koulutuskuntayhtymä Tavastia, Hämeen ammatti-instituutti",
    "omnia": "Espoon seudun koulutuskuntayhtymä Omnia",
    "tredu": "Tampereen seudun ammattiopisto Tredu",
    "luksia": "Luksia, Länsi-Uudenmaan koulutuskuntayhtymä",
}


async def _cards(lang: str) -> list[dict[str, Any]]:
    t = Catalogs().for_locale(lang)
    catalogue = await load_catalogue()
    keys = list(ORGANISATIONS)
    answers = [
        Answer(
            "s1",
            f"aad-{i}",
            keys[i % len(keys)],
            needs=tuple(n.key for n in catalogue[: 1 + i % 3]),
            join=i % 2 == 0,
        )
        for i in range(60)
    ]
    surveyed = Survey("s1", "team", SurveyStatus.OPEN, "aad-maija", WHEN)
    results = summarize(surveyed, answers, catalogue, dict.fromkeys(keys, 30))
    classes = await load_badge_classes()
    counts = Counts(
        {c.key: 3 + i * 7 for i, c in enumerate(classes)}, {k: 12 + i for i, k in enumerate(keys)}, 2
    )
    q = await load_questionnaire()
    full = {
        d.key: {s.key: 1 + (i + j) % 5 for j, s in enumerate(d.statements)}
        for i, d in enumerate(q.dimensions)
    }
    done = Assessment("a2", "aad-1", q.id, q.version, Status.DONE, full, 6, WHEN, WHEN, WHEN, "Tavoite " * 20)
    earlier = Assessment(
        "a1", "aad-1", q.id, q.version, Status.DONE, full, 6, WHEN, WHEN, WHEN - timedelta(days=120)
    )
    means = dimension_means(full)
    network = Network(
        "pedagoginen", "Pedagogisen johtamisen vertaisverkosto", "Pedagogical leadership peers", "", ""
    )
    comparisons = [Comparison("project", 80, means), Comparison("pedagoginen", 12, means)]
    own = Results(
        done,
        q,
        means,
        list(means)[:2],
        list(means)[-2:],
        [earlier],
        [means],
        comparisons,
        (),
        {"pedagoginen": network},
    )
    return [
        to_json(survey.results_card(t, results, ORGANISATIONS)),
        to_json(badges.manage_card(t, classes, counts, ORGANISATIONS)),
        to_json(assessment.own_results_card(t, own)),
    ]


def long_name_cards(lang: str) -> list[dict[str, Any]]:
    """The survey results, the coordinator's badge counts and a person's assessment results with
    comparisons, as JSON. (The loaders are async; Playwright's own loop runs in the calling thread.)"""
    with ThreadPoolExecutor(1) as worker:
        return worker.submit(asyncio.run, _cards(lang)).result()
