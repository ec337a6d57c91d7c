"""250 members answering at once over HTTP, some twice, on SQLite and PostgreSQL: the counts are exact."""

from __future__ import annotations

import asyncio

import pytest

from core.people import Person
from tests.harness.activities import TENANT, User
from tests.networks.conftest import World

MEMBERS = 250
ORGS = ("omnia", "tredu", "vamia")
DOMAINS = {"omnia": "omnia.fi", "tredu": "tredu.fi", "vamia": "vamia.fi"}
NETWORKS = ("hr-kehittajat", "pedagoginen-johtaminen", "johtamisosaaminen")


def member(i: int) -> User:
    org = ORGS[i % 3]
    return User(f"m{i:03d}", f"Jäsen {i}", f"jasen.{i}@{DOMAINS[org]}", "fi-FI" if i % 2 else "en-US")


def needs_of(i: int, final: bool) -> str:
    """Members with even numbers change their mind: the first answer differs from the final one."""
    if not final and i % 2 == 0:
        return "koulutus-ja-palvelupaallikot"
    return ",".join(NETWORKS[: 1 + i % 3])


@pytest.mark.slow
async def test_250_members_answer_concurrently_with_exact_counts(any_world: World) -> None:
    world = any_world
    users = [member(i) for i in range(MEMBERS)]
    for user in users:
        await world.store.upsert_person(Person(user.aad, name=user.name, email=user.email, tenant_id=TENANT))
    world.connector.members += [user.member() for user in users]  # the team's roster, read at the start
    world.connector.page_size = 100
    await world.say("kartoitus aloita")
    survey = await world.store.open_survey()
    assert survey is not None

    async def answer(i: int, final: bool) -> None:
        org = ORGS[i % 3]
        data = {
            "survey": survey.id,
            "organization": org,
            "needs": needs_of(i, final),
            "join": str(i % 5 == 0).lower(),
        }
        body = await world.act("survey.answer", data, users[i])
        assert body["type"] == "application/vnd.microsoft.card.adaptive", body

    await asyncio.gather(*(answer(i, final=False) for i in range(0, MEMBERS, 2)))
    await asyncio.gather(*(answer(i, final=True) for i in range(MEMBERS)))

    answers = await world.store.list_answers(survey.id)
    assert len(answers) == MEMBERS
    by_person = {a.person: a for a in answers}
    for i, user in enumerate(users):
        assert by_person[user.aad].needs == tuple(needs_of(i, True).split(",")), i
    expected = {key: sum(1 for i in range(MEMBERS) if key in needs_of(i, True)) for key in NETWORKS}
    body = await world.act("survey.results", {"survey": survey.id})
    chart = next(e for e in body["value"]["body"] if e["type"] == "Chart.HorizontalBar")
    bars = {bar["x"]: bar["y"] for bar in chart["data"]}
    assert bars["HR-kehittäjäverkosto"] == expected["hr-kehittajat"] == MEMBERS
    assert bars["Pedagogisen johtamisen vertaisverkosto"] == expected["pedagoginen-johtaminen"]
    assert bars["Johtamisosaamisen verkosto"] == expected["johtamisosaaminen"]
    assert bars["Koulutus- ja palvelupäälliköiden verkosto"] == 0
    # 250 forms (plus the three seeded people) and the General announcement went through the outbox.
    report = await world.delivered(f"survey:{survey.id}", MEMBERS + 4, within=120)
    assert report.sent == MEMBERS + 4
