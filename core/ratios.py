"""Per cents as the cards and reports show them: whole numbers, and 0 of nothing."""

from __future__ import annotations


def percent(part: int, whole: int) -> int:
    """`part` as a whole per cent of `whole` (rounded as Python rounds); 0 when `whole` is 0."""
    return round(100 * part / whole) if whole else 0
