"""Report periods: the terms, a year, two dates, and clear refusals of anything else."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import Invalid
from core.periods import Period, Term, current_term, parse

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Period(date(2026, 8, 1), date(2026, 12, 31), Term.AUTUMN)),
        ("syksy 2026", Period(date(2026, 8, 1), date(2026, 12, 31), Term.AUTUMN)),
        ("2027 Kevät", Period(date(2027, 1, 1), date(2027, 7, 31), Term.SPRING)),
        ("spring", Period(date(2026, 1, 1), date(2026, 7, 31), Term.SPRING)),
        ("fall 2025", Period(date(2025, 8, 1), date(2025, 12, 31), Term.AUTUMN)),
        ("2026", Period(date(2026, 1, 1), date(2026, 12, 31))),
        ("2026-08-01 2026-12-31", Period(date(2026, 8, 1), date(2026, 12, 31))),
        ("1.8.2026 15.9.2026", Period(date(2026, 8, 1), date(2026, 9, 15))),
    ],
)
def test_the_words_name_a_period(text: str, expected: Period) -> None:
    assert parse(text.split(), TODAY) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("talvi 2026", "report.error.period"),
        ("syksy kevät", "report.error.period"),
        ("2026-02-30 2026-03-31", "report.error.period"),
        ("2026-08-01", "report.error.period"),
        ("1999", "report.error.period"),
        ("2026-12-31 2026-08-01", "report.error.period_order"),
    ],
)
def test_anything_else_is_refused_with_a_reason(text: str, key: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse(text.split(), TODAY)
    assert refused.value.key == key


def test_the_term_of_a_day_and_its_bounds() -> None:
    assert current_term(date(2026, 7, 31)).term is Term.SPRING
    autumn = current_term(date(2026, 8, 1))
    assert autumn.slug == "2026-syksy"
    assert autumn.starts_at.isoformat() == "2026-08-01T00:00:00+03:00"
    assert autumn.ends_at.isoformat() == "2027-01-01T00:00:00+02:00"
    assert Period(date(2026, 8, 1), date(2026, 9, 15)).slug == "2026-08-01--2026-09-15"
