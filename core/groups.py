"""Small groups (pienryhmät): split a meeting's attendees into groups of a chosen size, mixing organisations.

The split is deterministic given the seed (the same attendees and seed give the same groups, whatever order
the attendees come in). The number of groups is `ceil(n / size)`, so no group is larger than the chosen
size and group sizes differ by at most one. People of one organisation are spread as evenly as the group
count allows: an organisation with `k` people has at most `ceil(k / groups)` of them in any group.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping

from core.errors import Invalid

MIN_SIZE = 2
MAX_SIZE = 20


def split_into_groups(organisations: Mapping[str, str | None], size: int, seed: int | str) -> list[list[str]]:
    """Groups of people (Entra ids) from `organisations` (person -> organisation key, None when unknown;
    each unknown person counts as their own organisation). Raises `Invalid` for a size outside 2-20 or
    nobody to split."""
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise Invalid("meetings.error.group_size", min=MIN_SIZE, max=MAX_SIZE)
    people = sorted(organisations)
    if not people:
        raise Invalid("meetings.error.no_attendees")
    rng = random.Random(str(seed))
    count = math.ceil(len(people) / size)
    by_organisation: dict[str, list[str]] = {}
    for person in people:
        by_organisation.setdefault(organisations[person] or f"?{person}", []).append(person)
    blocks = sorted(by_organisation.items())
    rng.shuffle(blocks)
    # Largest organisations first (stable after the shuffle, so equal sizes come in seeded order).
    blocks.sort(key=lambda item: len(item[1]), reverse=True)
    dealt: list[str] = []
    for _key, members in blocks:
        rng.shuffle(members)
        dealt += members
    # Dealing in turn puts an organisation's consecutive people into consecutive groups.
    groups: list[list[str]] = [[] for _ in range(count)]
    offset = rng.randrange(count)
    for index, person in enumerate(dealt):
        groups[(index + offset) % count].append(person)
    return groups
