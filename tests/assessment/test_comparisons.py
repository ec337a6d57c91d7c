"""Anonymous comparisons over HTTP: the project's and a network's average of *others* appear only once at
least five others have answered (both sides of the threshold), and a network's average is withheld while
the project minus that network is one to four people (the two averages would give that small group away)."""

from __future__ import annotations

import pytest

from core.assessment import THRESHOLD, Assessment, Status, comparable_groups
from core.networks import LaunchStep, NetworkStatus
from store.networks import load_catalogue
from tests.assessment.conftest import AssessmentWorld, charts, people, text_of
from tests.harness.activities import LIISA, MATTI

HR = "hr-kehittajat"


def legends(card: dict) -> list[str]:
    return [series["legend"] for series in charts(card)[0]["data"]]


async def test_the_threshold_of_five_others_on_both_sides(any_aw: AssessmentWorld) -> None:
    aw = any_aw
    others = people("o", 6)
    await aw.meet(*others)
    await aw.store.seed_networks(await load_catalogue())
    await aw.store.record_launch(
        HR, LaunchStep.DONE, channel_id="19:hr@thread.tacv2", status=NetworkStatus.ACTIVE
    )
    for user in (LIISA, *others[:5]):
        await aw.store.join_network(HR, user.aad)

    for user, score in zip(others[:4], (1, 2, 4, 5), strict=True):
        await aw.complete(user, score)
    below = await aw.complete(LIISA, 3)
    assert legends(below) == [legends(below)[0]]  # only her own
    assert "Vertailukeskiarvoja ei vielä näytetä" in text_of(below)

    await aw.complete(others[4], 3)  # the fifth other person
    at = await aw.world.act("assessment.results", {}, LIISA)
    card = at["value"]
    assert legends(card)[1:] == ["Keskiarvo: koko hanke", "Keskiarvo: HR-kehittäjäverkosto"]
    project = charts(card)[0]["data"][1]["values"]
    assert [v["y"] for v in project] == [3.0] * 6  # (1 + 2 + 4 + 5 + 3) / 5, Liisa's own 3 not included

    # A sixth person outside the network: project minus network is one person, so the network goes.
    await aw.complete(others[5], 5)
    after = (await aw.world.act("assessment.results", {}, LIISA))["value"]
    assert legends(after)[1:] == ["Keskiarvo: koko hanke"]
    assert "HR-kehittäjäverkosto" in text_of(after)  # named among those not compared yet


async def test_english_names_the_groups(aw: AssessmentWorld) -> None:
    others = people("e", 5, "en-US")
    await aw.meet(*others)
    for user in others:
        await aw.complete(user, 4)
    card = await aw.complete(MATTI, 2)
    assert legends(card)[1:] == ["Average: the whole project"]
    assert "Compared with the anonymous averages of others: the whole project." in text_of(card)


def _done(person: str, value: int, dimensions: tuple[str, ...] = ("a", "b")) -> Assessment:
    from datetime import UTC, datetime

    now = datetime(2026, 1, 1, tzinfo=UTC)
    answers = {d: {"s1": value, "s2": value} for d in dimensions}
    return Assessment(f"id-{person}", person, "q", 1, Status.DONE, answers, 2, now, now, now)


@pytest.mark.parametrize("others", [THRESHOLD, THRESHOLD + 1])
def test_a_dimension_answered_only_cant_say_does_not_count_towards_its_five(others: int) -> None:
    everyone = [_done(f"p{i}", 4) for i in range(others)] + [_done("viewer", 1)]
    everyone[0] = _done("p0", 0)  # "can't say" throughout
    shown, too_few = comparable_groups(everyone, {}, exclude="viewer")
    if others - 1 >= THRESHOLD:
        assert shown and set(shown[0].means) == {"a", "b"}
    else:  # the group has `others` people, but one fewer answered: no dimension qualifies
        assert not shown and too_few == ["project"]
