"""The network and survey stores on SQLite and PostgreSQL: seeding, editing, launch progress, membership,
one open survey, answer upserts, and races."""

from __future__ import annotations

import asyncio

import pytest

from core.errors import Conflict, Invalid, NotFound
from core.networks import LaunchStep, Network, NetworkStatus
from core.people import Person
from core.survey import Answer
from core.teams import TeamMember
from store import SqlStore
from store.networks import load_catalogue, parse_catalogue


async def test_seed_adds_new_networks_and_keeps_edits(store: SqlStore) -> None:
    catalogue = await load_catalogue()
    assert await store.seed_networks(catalogue) == 5
    listed = await store.list_networks()
    assert [n.key for n in listed] == [n.key for n in catalogue]
    statuses = {n.key: n.status for n in listed}
    assert statuses["hr-kehittajat"] is NetworkStatus.PLANNED
    assert statuses["koulutus-ja-palvelupaallikot"] is NetworkStatus.REQUESTED
    edited = await store.save_network(
        Network("hr-kehittajat", "HR-verkosto", "HR", "", "", NetworkStatus.PLANNED)
    )
    assert edited.name_fi == "HR-verkosto"
    assert await store.seed_networks(catalogue) == 0
    assert (await store.get_network("hr-kehittajat")).name_fi == "HR-verkosto"  # type: ignore[union-attr]


async def test_launch_progress_membership_and_facilitator(store: SqlStore) -> None:
    await store.seed_networks(await load_catalogue())
    network = await store.record_launch(
        "johtamisosaaminen", LaunchStep.CHANNEL, channel_id="19:x@thread.tacv2"
    )
    assert (network.launch_step, network.channel_id, network.status) == (
        "channel",
        "19:x@thread.tacv2",
        "planned",
    )
    network = await store.record_launch(
        "johtamisosaaminen", LaunchStep.CHANNEL, error="graph.error.throttled"
    )
    assert network.launch_error == "graph.error.throttled" and network.channel_id == "19:x@thread.tacv2"
    network = await store.record_launch("johtamisosaaminen", LaunchStep.DONE, status=NetworkStatus.ACTIVE)
    assert (network.status, network.launch_error) == ("active", None)
    with pytest.raises(NotFound):
        await store.record_launch("nope", LaunchStep.DONE)

    joins = await asyncio.gather(*(store.join_network("johtamisosaaminen", "aad-a") for _ in range(10)))
    assert joins.count(True) == 1
    await store.upsert_person(Person("aad-f", name="Fasi", email="Fasi.Litaattori@omnia.fi"))
    assert await store.find_person_id("fasi.litaattori@OMNIA.fi") == "aad-f"
    network = await store.set_facilitator("johtamisosaaminen", "aad-f")
    assert network.facilitator == "aad-f" and network.members == 2
    assert sorted(await store.network_members("johtamisosaaminen")) == ["aad-a", "aad-f"]
    with pytest.raises(NotFound):
        await store.join_network("nope", "aad-a")


async def test_only_one_survey_is_open_even_when_started_at_once(store: SqlStore) -> None:
    results = await asyncio.gather(
        *(store.start_survey(f"s{i}", "team", "aad-maija") for i in range(5)), return_exceptions=True
    )
    opened = [r for r in results if not isinstance(r, BaseException)]
    assert len(opened) == 1 and all(isinstance(r, Conflict) for r in results if r not in opened)
    survey = opened[0]
    assert (await store.open_survey()).id == survey.id  # type: ignore[union-attr]
    closed = await store.close_survey(survey.id)
    assert closed.status == "closed" and closed.closed_at is not None
    assert await store.open_survey() is None
    assert (await store.latest_survey()).id == survey.id  # type: ignore[union-attr]
    second = await store.start_survey("next", None, "aad-maija")
    assert second.status == "open"
    with pytest.raises(NotFound):
        await store.close_survey("missing")


async def test_answers_upsert_one_row_per_person_and_closed_refuses(store: SqlStore) -> None:
    survey = await store.start_survey("s1", "team", "aad-maija")
    await asyncio.gather(
        *(
            store.save_answer(Answer(survey.id, "aad-m", "tredu", needs=(f"n{i}",), proposal=str(i)))
            for i in range(20)
        )
    )
    [stored] = await store.list_answers(survey.id)
    assert stored.proposal == stored.needs[0][1:]  # one of the answers, whole, not a mix
    latest = await store.save_answer(Answer(survey.id, "aad-m", "omnia", needs=("a", "b"), join=True))
    assert (await store.get_answer(survey.id, "aad-m")) == latest
    with pytest.raises(NotFound):
        await store.save_answer(Answer("forged", "aad-m", "omnia"))
    await store.close_survey(survey.id)
    with pytest.raises(Conflict):
        await store.save_answer(Answer(survey.id, "aad-m", "tredu"))
    assert (await store.get_answer(survey.id, "aad-m")).organization == "omnia"  # type: ignore[union-attr]


async def test_recipients_and_headcounts_are_the_teams_current_members(store: SqlStore) -> None:
    for aad, email in (("aad-1", "a@omnia.fi"), ("aad-2", "b@omnia.fi"), ("aad-3", "c@tredu.fi")):
        await store.upsert_person(Person(aad, email=email))
    await store.upsert_person(Person("aad-4", email="d@elsewhere.example"))  # only wrote to the bot
    await store.upsert_person(Person("aad-5", email="e@tredu.fi"))  # in another team
    await store.replace_team_members(
        "t1", [TeamMember("aad-1", "29:1"), TeamMember("aad-2"), TeamMember("aad-3")]
    )
    await store.replace_team_members("t2", [TeamMember("aad-5")])
    assert dict(await store.headcounts()) == {"omnia": 2, "tredu": 2}  # everyone known
    assert dict(await store.headcounts("t1")) == {"omnia": 2, "tredu": 1}

    async def members() -> list[str]:
        return [p.aad_object_id for p in await store.survey_recipients("t1")]

    assert await members() == ["aad-1", "aad-2", "aad-3"]
    assert await store.remove_team_members("t1", ["29:1"]) == 1  # left: membersRemoved names the Teams id
    await store.add_team_members("t1", [TeamMember("aad-4", "29:4")])
    assert await members() == ["aad-2", "aad-3", "aad-4"]
    await store.replace_team_members("t1", [TeamMember("aad-3")])  # a roster read: no one else is in
    assert await members() == ["aad-3"] and await store.team_member_count("t2") == 1
    assert await store.remove_team_members("t1", None) == 1  # the bot removed from the team
    assert await members() == []


def test_catalogue_file_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match=r"x\.yml"):
        parse_catalogue("networks: [{key: A B, name_fi: x, name_en: y}]", "x.yml")
    with pytest.raises(ValueError, match="appears twice"):
        parse_catalogue("networks: [{key: ab, name_fi: x, name_en: y}, {key: ab, name_fi: x, name_en: y}]")
    with pytest.raises(ValueError):
        parse_catalogue("networks: [{key: ab, name_fi: x, name_en: y, status: lost}]")
    with pytest.raises(ValueError):
        parse_catalogue("networks: [{key: ab, name_fi: '" + "x" * 51 + "', name_en: y}]")
    with pytest.raises(Invalid):
        from core.networks import validate_network

        validate_network(Network("ok", "", "y", "", ""))


async def test_survey_and_its_notices_are_stored_together_or_not_at_all(store: SqlStore) -> None:
    from core.outbox import OutgoingMessage, Target

    def notices(survey_id: str) -> list[OutgoingMessage]:
        target = Target("person", "https://smba.example/", user_id="aad-1")
        return [
            OutgoingMessage(f"survey:{survey_id}:person:aad-1", f"survey:{survey_id}", "aad-1", target, {})
        ]

    await store.start_survey("first", None, "aad-maija", notices("first"))
    assert (await store.delivery_counts("survey:first")).total == 1
    with pytest.raises(Conflict):
        await store.start_survey("second", None, "aad-maija", notices("second"))
    assert (await store.delivery_counts("survey:second")).total == 0
    assert await store.get_survey("second") is None
