"""Representative and worst-case data for every card builder of `cards/assessment.py` (used by
`tests/cards/test_all_cards.py`, which checks each against what Teams renders and the 80 KB budget)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from microsoft_teams.cards import AdaptiveCard

from cards import assessment as c
from core.assessment import (
    GOAL_MAX,
    Assessment,
    Comparison,
    Overview,
    Participation,
    Results,
    Status,
    dimension_means,
)
from core.i18n import Translator
from core.networks import Network
from store.assessment import load_questionnaire

WHEN = datetime(2026, 5, 12, 11, tzinfo=UTC)


def samples(t: Translator) -> dict[str, list[AdaptiveCard]]:
    q = asyncio.run(load_questionnaire())
    full = {d.key: {s.key: 1 + i % 5 for i, s in enumerate(d.statements)} for d in q.dimensions}
    draft = Assessment("a1", "aad-1", q.id, q.version, Status.DRAFT, {}, 0, WHEN, WHEN)
    middle = Assessment("a1", "aad-1", q.id, q.version, Status.DRAFT, full, 3, WHEN, WHEN)
    done = Assessment(
        "a2", "aad-1", q.id, q.version, Status.DONE, full, len(q.dimensions), WHEN, WHEN, WHEN, "ä" * GOAL_MAX
    )
    earlier = [
        Assessment(
            f"e{i}", "aad-1", q.id, q.version, Status.DONE, full, 6, WHEN, WHEN, WHEN - timedelta(days=90 * i)
        )
        for i in (1, 2, 3)
    ]
    means = dimension_means(full)
    comparisons = [
        Comparison("project", 250, means),
        Comparison("hr", 40, means),
        Comparison("pedagoginen", 12, means),
    ]
    names = {
        "hr": Network("hr", "HR-kehittäjäverkosto", "HR developers", "", ""),
        "pedagoginen": Network(
            "pedagoginen", "Pedagogisen johtamisen vertaisverkosto", "Pedagogical", "", ""
        ),
    }
    worst = Results(
        done,
        q,
        means,
        list(means)[:2],
        list(means)[-2:],
        earlier,
        [means] * 3,
        comparisons,
        ["x" * 50],
        names,
    )
    empty = Results(done, q, {}, [], [], [], [], [], ["project"])
    return {
        "start_card": [
            c.start_card(t, q, None, 0),
            c.start_card(t, q, middle, 12, coordinator=True),
        ],
        "dimension_card": [
            c.dimension_card(t, q, draft),
            c.dimension_card(t, q, middle, error=t("assessment.error.missing", count=3)),
        ],
        "finish_card": [c.finish_card(t, q, done), c.finish_card(t, q, draft, error="x" * 300)],
        "paused_card": [c.paused_card(t, q, middle)],
        "own_results_card": [c.own_results_card(t, worst), c.own_results_card(t, empty)],
        "delete_confirm_card": [c.delete_confirm_card(t, 3)],
        "deleted_card": [c.deleted_card(t, 3)],
        "overview_card": [
            c.overview_card(t, q, Overview(Participation(250, 200, 80, 30), comparisons, ["x" * 50], names)),
            c.overview_card(t, q, Overview(Participation(0, 0, 0, 0), [], ["project"])),
        ],
    }
