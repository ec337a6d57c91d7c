"""The small-group split: property checks over many seeded random inputs, and the bad inputs."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from core.errors import Invalid
from core.groups import split_into_groups


def _random_people(rng: random.Random) -> dict[str, str | None]:
    organisations = [f"org{i}" for i in range(rng.randint(1, 8))]
    people: dict[str, str | None] = {}
    for number in range(rng.randint(1, 60)):
        people[f"aad-{number:03d}"] = rng.choice([*organisations, None]) if rng.random() < 0.9 else None
    return people


@pytest.mark.parametrize("case", range(300))
def test_split_properties(case: int) -> None:
    rng = random.Random(case)
    people = _random_people(rng)
    size = rng.randint(2, 8)
    groups = split_into_groups(people, size, seed=case)

    everyone = [p for group in groups for p in group]
    assert sorted(everyone) == sorted(people)  # everyone exactly once
    assert len(groups) == math.ceil(len(people) / size)
    sizes = [len(g) for g in groups]
    assert max(sizes) <= size and max(sizes) - min(sizes) <= 1 and min(sizes) >= 1
    per_organisation = Counter(o for o in people.values() if o is not None)
    for organisation, total in per_organisation.items():
        limit = math.ceil(total / len(groups))
        for group in groups:
            assert sum(1 for p in group if people[p] == organisation) <= limit


@pytest.mark.parametrize("case", range(50))
def test_same_seed_same_groups_whatever_the_order(case: int) -> None:
    rng = random.Random(1000 + case)
    people = _random_people(rng)
    shuffled = list(people.items())
    rng.shuffle(shuffled)
    first = split_into_groups(people, 3, seed="meeting-1")
    assert split_into_groups(dict(shuffled), 3, seed="meeting-1") == first


def test_different_seeds_give_different_groups() -> None:
    people = {f"aad-{n}": f"org{n % 4}" for n in range(24)}
    splits = {tuple(map(tuple, split_into_groups(people, 4, seed=s))) for s in range(10)}
    assert len(splits) > 1


def test_mixing_organisations_when_possible() -> None:
    # Four organisations of four people, groups of four: every group has one of each.
    people = {f"{org}-{n}": org for org in ("omnia", "tredu", "vamia", "sakky") for n in range(4)}
    for seed in range(20):
        for group in split_into_groups(people, 4, seed=seed):
            assert sorted(people[p] for p in group) == ["omnia", "sakky", "tredu", "vamia"]


def test_one_group_when_size_exceeds_attendees() -> None:
    assert split_into_groups({"a": "x", "b": "y"}, 5, seed=1) in ([["a", "b"]], [["b", "a"]])


@pytest.mark.parametrize("size", [0, 1, 21, -3])
def test_bad_size_is_refused(size: int) -> None:
    with pytest.raises(Invalid) as caught:
        split_into_groups({"a": "x", "b": "y"}, size, seed=1)
    assert caught.value.key == "meetings.error.group_size"


def test_nobody_to_split_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        split_into_groups({}, 3, seed=1)
    assert caught.value.key == "meetings.error.no_attendees"
