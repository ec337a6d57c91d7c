"""Erasure cannot forget a table: every table of the schema is either in `store.personal.PLAN` (with the
columns that can hold a person) or in `NO_PERSON` with the reason, and a column named like a person is
always covered. A new feature's table fails here until its erasure is decided."""

from __future__ import annotations

import re

import pytest

from bot.i18n import load_catalog
from store.personal import NO_PERSON, PLAN
from store.schema import metadata

# Column names that hold who someone is (an Entra id, a Teams id, a name or address of a person).
PERSONISH = re.compile(
    r"(^|_)(person|people|voter|author|owner|user|actor|recipient|facilitator|presenter|attendee|member|"
    r"email|upn|aad|by)(_|$)"
)

# Named like a person, but not one.
NOT_A_PERSON = {("outbox", "claimed_by"): "the outbox worker instance that holds the row"}


def test_every_table_is_planned_for_erasure_or_said_to_hold_no_person() -> None:
    tables = set(metadata().tables)
    undecided = tables - set(PLAN) - set(NO_PERSON)
    assert not undecided, f"no erasure decision (store/personal.py PLAN or NO_PERSON) for {undecided}"
    assert not set(PLAN) & set(NO_PERSON)
    assert set(PLAN) <= tables, f"PLAN names tables that do not exist: {set(PLAN) - tables}"


@pytest.mark.parametrize("name", sorted(PLAN))
def test_the_plan_names_real_columns_and_covers_every_person_column(name: str) -> None:
    table = metadata().tables[name]
    holds = PLAN[name]
    columns = {c.name for c in table.c}
    assert set(holds.columns) <= columns, f"{name}: {set(holds.columns) - columns} are no columns"
    keys = {c.name for c in table.primary_key.columns}
    if keys <= set(holds.own):
        return  # one row per person, deleted whole: every column of it goes
    uncovered = {c for c in columns if PERSONISH.search(c) and (name, c) not in NOT_A_PERSON}
    uncovered -= set(holds.columns)
    assert not uncovered, f"{name}: person columns {uncovered} are not in its erasure plan"


@pytest.mark.parametrize("name", sorted(set(metadata().tables) & set(NO_PERSON)))
def test_a_table_said_to_hold_no_person_has_no_person_column(name: str) -> None:
    suspicious = {c.name for c in metadata().tables[name].c if PERSONISH.search(c.name)}
    assert not suspicious, f"{name} is in NO_PERSON but has {suspicious}"


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_the_summary_names_every_table_in_both_languages(lang: str) -> None:
    catalog = load_catalog(lang)
    missing = [name for name in PLAN if f"mydata.table.{name}" not in catalog]
    assert not missing, missing
