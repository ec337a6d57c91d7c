"""The self-assessment use cases (`core.assessment`) straight against the store, with no bot and no HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core import assessment as a
from core.errors import Conflict, Invalid, NotAllowed, NotFound
from core.questionnaire import parse_questionnaire, questionnaire_data
from store import SqlStore
from store.assessment import load_questionnaire

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


async def _complete(store: SqlStore, person: str, value: int, when: datetime = NOW) -> a.Assessment:
    q = await load_questionnaire()
    draft = await a.begin(store, q, person, when)
    for dimension in q.dimensions:
        values = {s.key: value for s in dimension.statements}
        draft = await a.answer(store, q, person, draft.id, dimension.key, values, move=1, now=when)
    return await a.finish(store, q, person, draft.id, "goal", when)


async def test_begin_resumes_the_one_draft_and_answers_are_checked(store: SqlStore) -> None:
    q = await load_questionnaire()
    first = await a.begin(store, q, "p1", NOW)
    assert (await a.begin(store, q, "p1", NOW + timedelta(days=1))).id == first.id
    dimension = q.dimensions[0]
    with pytest.raises(Invalid) as missing:
        await a.answer(
            store, q, "p1", first.id, dimension.key, {dimension.statements[0].key: 4}, move=1, now=NOW
        )
    assert missing.value.params == {"count": len(dimension.statements) - 1}
    for bad in ({"nope": 3}, {dimension.statements[0].key: 6}):
        with pytest.raises(Invalid):
            await a.answer(store, q, "p1", first.id, dimension.key, bad, move=0, now=NOW)
    kept = await a.answer(
        store, q, "p1", first.id, dimension.key, {dimension.statements[0].key: 4}, move=0, now=NOW
    )
    assert kept.answers[dimension.key] == {dimension.statements[0].key: 4} and kept.position == 0
    with pytest.raises(Invalid) as unfinished:
        await a.finish(store, q, "p1", first.id, "", NOW)
    assert unfinished.value.key == "assessment.error.unfinished"
    with pytest.raises(Conflict):
        await a.results(store, store, a.Versions(store, q), "p1", first.id)
    with pytest.raises(NotFound):  # someone else's id tells nothing
        await a.answer(store, q, "p2", first.id, dimension.key, {}, move=0, now=NOW)


async def test_results_growth_and_the_threshold(store: SqlStore) -> None:
    q = await load_questionnaire()
    await _complete(store, "viewer", 2, NOW - timedelta(days=100))
    latest = await _complete(store, "viewer", 4)
    for i in range(a.THRESHOLD - 1):
        await _complete(store, f"o{i}", 3)
    results = await a.results(store, store, a.Versions(store, q), "viewer", None)
    assert results.assessment.id == latest.id and results.comparisons == [] and results.too_few == ["project"]
    assert [m[q.dimensions[0].key] for m in results.earlier_means] == [2.0]
    await _complete(store, "o-last", 5)
    results = await a.results(store, store, a.Versions(store, q), "viewer", None)
    (project,) = results.comparisons
    assert project.people == a.THRESHOLD and project.means[q.dimensions[0].key] == pytest.approx(3.4)
    assert (await a.standing(store, "viewer")).completed == 2


async def test_an_earlier_version_stays_readable_after_the_file_changes(store: SqlStore) -> None:
    q1 = await load_questionnaire()
    old = await _complete(store, "p1", 5)
    data = questionnaire_data(q1)
    data["version"] = 2
    data["dimensions"][0]["name"] = {"fi": "Uusi nimi", "en": "New name"}
    q2 = parse_questionnaire(data)
    results = await a.results(store, store, a.Versions(store, q2), "p1", old.id)
    assert (
        results.questionnaire.version == 1
        and results.questionnaire.dimensions[0].name.fi == "Muutosjohtaminen"
    )
    exported = await a.export(store, a.Versions(store, q2), "p1", "en")
    assert exported["assessments"][0]["dimensions"][0]["name"] == "Change leadership"


async def test_erasure_and_the_coordinators_overview(store: SqlStore) -> None:
    q = await load_questionnaire()
    await _complete(store, "p1", 3)
    with pytest.raises(NotAllowed):
        await a.overview(store, store, q, is_coordinator=False)
    view = await a.overview(store, store, q, is_coordinator=True)
    assert (view.participation.started, view.participation.completed, view.comparisons) == (1, 1, [])
    with pytest.raises(Invalid):
        await a.erase(store, "p1", confirmed=False)
    assert await a.erase(store, "p1", confirmed=True) == 1
    assert await store.assessments_of("p1") == []


def test_a_bad_questionnaire_is_refused_naming_the_place() -> None:
    import asyncio

    data = questionnaire_data(asyncio.run(load_questionnaire()))
    for change, where in (
        (lambda d: d["dimensions"][0].update(statements=d["dimensions"][0]["statements"][:2]), "statements"),
        (lambda d: d["dimensions"][1].update(key=d["dimensions"][0]["key"]), "key"),
        (lambda d: d["dimensions"][2]["statements"][0].update(en=""), "statements[0]"),
        (lambda d: d["scale"].update(labels=d["scale"]["labels"][:4]), "scale.labels"),
        (lambda d: d.update(version=0), "version"),
    ):
        broken = replace_deep(data)
        change(broken)
        with pytest.raises(Invalid) as error:
            parse_questionnaire(broken)
        assert where in error.value.params["where"]


def replace_deep(data: dict) -> dict:
    import copy

    return copy.deepcopy(data)
