"""The report's use case straight against the store (SQLite and PostgreSQL): a seeded term gives exactly
the numbers worked out by hand in `tests/report/seed.py`."""

from __future__ import annotations

from dataclasses import astuple
from datetime import UTC, datetime

import pytest

from core import report
from core.errors import NotAllowed
from store import SqlStore
from tests.report import seed as s

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


async def test_a_seeded_term_gives_the_numbers_counted_by_hand(store: SqlStore) -> None:
    await s.seed(store, NOW)
    made = await report.build(store, s.period_around(NOW), now=NOW, is_coordinator=True)
    assert {n.key: astuple(n.figures) for n in made.networks} == s.EXPECTED_NETWORKS
    assert astuple(made.total.figures) == s.EXPECTED_TOTAL
    hr = next(n for n in made.networks if n.key == "hr")
    assert hr.themes == ("Perehdytys", "Hyvinvointi")
    assert hr.presenters == {"omnia": 2, "tredu": 1, "vamia": 1}
    assert hr.figures.participation == 56
    active = {o.name: (o.people, o.presentations, o.attendance) for o in made.active_organizations}
    assert active == s.EXPECTED_ORGANIZATIONS
    assert len(made.inactive_organizations) == 10
    assert {r.organization: (r.answered, r.known, r.percent) for r in made.rates} == s.EXPECTED_RATES
    assert made.coaching is not None
    assert {k: getattr(made.coaching, k) for k in s.EXPECTED_COACHING} == s.EXPECTED_COACHING
    assert (made.coaching.meeting_rate, made.coaching.cross_rate) == s.EXPECTED_COACHING_RATES
    assert (made.assessments, made.assessed_people) == s.EXPECTED_ASSESSMENTS
    assert {b.name_fi: (b.awarded, b.revoked) for b in made.badges} == s.EXPECTED_BADGES
    assert [(m.theme, m.held) for m in made.meetings] == [
        ("Perehdytys", True),
        ("Pedagoginen johtaminen", True),
        ("Hyvinvointi", True),
        ("Perehdytys", False),
    ]


async def test_only_the_coordinator_gets_a_report(store: SqlStore) -> None:
    with pytest.raises(NotAllowed):
        await report.build(store, s.period_around(NOW), now=NOW, is_coordinator=False)
