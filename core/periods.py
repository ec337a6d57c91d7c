"""Report periods: the two terms of the Finnish school year and any span of days the coordinator names.

The spring term (kevätlukukausi) runs 1 January - 31 July, the autumn term (syksylukukausi) 1 August -
31 December: vocational providers plan and report their year in these two halves, and the summer goes with
the spring, when its meetings are planned. A period is a span of whole days in Helsinki time, both ends
included.

What `parse` accepts (words in either language, any letter case):
- nothing: the current term;
- a term and a year in either order (`syksy 2026`, `spring 2027`), or a term alone (this year's);
- a year alone (`2026`): the whole calendar year;
- two dates (`2026-08-01 2026-12-31` or `1.8.2026 31.12.2026`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from core.errors import Invalid
from core.timezone import HELSINKI

FIRST_YEAR, LAST_YEAR = 2000, 2100
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FINNISH = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_YEAR = re.compile(r"^\d{4}$")


class Term(StrEnum):
    SPRING = "spring"
    AUTUMN = "autumn"


TERM_WORDS = {
    "kevät": Term.SPRING,
    "kevat": Term.SPRING,
    "kevätlukukausi": Term.SPRING,
    "spring": Term.SPRING,
    "syksy": Term.AUTUMN,
    "syyslukukausi": Term.AUTUMN,
    "syksylukukausi": Term.AUTUMN,
    "autumn": Term.AUTUMN,
    "fall": Term.AUTUMN,
}


@dataclass(frozen=True)
class Period:
    """Whole days `start`..`end` (both included); `term` and `year` when it is one term."""

    start: date
    end: date
    term: Term | None = None

    @property
    def starts_at(self) -> datetime:
        """The first moment of the period (midnight in Helsinki), timezone-aware."""
        return datetime.combine(self.start, time(), HELSINKI)

    @property
    def ends_at(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.end + timedelta(days=1), time(), HELSINKI)

    @property
    def ends_at_last_day(self) -> datetime:
        """Noon of the last day: what a date format shows as that day in any timezone nearby."""
        return datetime.combine(self.end, time(12), HELSINKI)

    def contains(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at

    @property
    def slug(self) -> str:
        """For file names: `2026-syksy`, `2026-kevat`, or `2026-08-01--2026-12-31`."""
        if self.term is not None:
            return f"{self.start.year}-{'kevat' if self.term is Term.SPRING else 'syksy'}"
        return f"{self.start.isoformat()}--{self.end.isoformat()}"


def term_period(term: Term, year: int) -> Period:
    if term is Term.SPRING:
        return Period(date(year, 1, 1), date(year, 7, 31), term)
    return Period(date(year, 8, 1), date(year, 12, 31), term)


def current_term(today: date) -> Period:
    return term_period(Term.SPRING if today.month <= 7 else Term.AUTUMN, today.year)


def parse(words: Sequence[str], today: date) -> Period:
    """The period the words name; raises `Invalid` (`report.error.period`, with the text) for anything
    else, `report.error.period_order` when the end comes before the start."""
    words = [w.casefold().strip(",;") for w in words if w.strip(",;")]
    text = " ".join(words)[:40]
    if not words:
        return current_term(today)
    if len(words) == 2 and all(_date(w) for w in words):
        start, end = _date(words[0]), _date(words[1])
        assert start is not None and end is not None
        if end < start:
            raise Invalid("report.error.period_order")
        return Period(start, end)
    terms = [TERM_WORDS[w] for w in words if w in TERM_WORDS]
    years = [_year(w) for w in words if _YEAR.match(w)]
    if len(terms) + len(years) != len(words) or len(terms) > 1 or len(years) > 1 or None in years:
        raise Invalid("report.error.period", text=text)
    year = years[0] if years else today.year
    assert year is not None
    if not terms:
        return Period(date(year, 1, 1), date(year, 12, 31))
    return term_period(terms[0], year)


def _year(word: str) -> int | None:
    year = int(word)
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def _date(word: str) -> date | None:
    iso, finnish = _ISO.match(word), _FINNISH.match(word)
    if iso:
        y, m, d = (int(g) for g in iso.groups())
    elif finnish:
        d, m, y = (int(g) for g in finnish.groups())
    else:
        return None
    if not FIRST_YEAR <= y <= LAST_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None
