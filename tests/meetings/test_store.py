"""The meetings store on SQLite and PostgreSQL: newest first, presenters, plan versions, attendance,
the one-time reminder claim under concurrency, and small groups with their answers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from core.errors import Conflict, NotFound
from core.meetings import Contribution, Meeting, Plan, Reach, reminder_key
from core.outbox import OutgoingMessage, Target
from store import SqlStore

REACH = Reach("http://127.0.0.1:1/connector", "tenant-1", "28:bot")
NOW = datetime.now(UTC).replace(microsecond=0)


def meeting(
    number: int, *, network: str = "hr", days: float = 7, presenters: tuple[str, ...] = ("aad-a",)
) -> Meeting:
    return Meeting(
        id=f"m{number:04d}",
        network_key=network,
        theme=f"Teema {number} äö",
        starts_at=NOW + timedelta(days=days),
        presenters=presenters,
        facilitator="aad-f",
        description="Kuvaus",
        created_at=NOW,
    )


async def test_meetings_round_trip_newest_first(store: SqlStore) -> None:
    for number, days in ((1, 3), (2, 10), (3, -5)):
        await store.create_meeting(meeting(number, days=days, presenters=("aad-b", "aad-a")), REACH)
    await store.create_meeting(meeting(4, network="ped"), REACH)
    listed = await store.meetings_of_network("hr")
    assert [m.id for m in listed] == ["m0002", "m0001", "m0003"]
    got = await store.get_meeting("m0001")
    assert got == meeting(1, days=3, presenters=("aad-b", "aad-a"))
    assert got is not None and got.presenters == ("aad-b", "aad-a") and got.starts_at.tzinfo is not None
    assert await store.get_meeting("nope") is None
    assert [m.id for m in await store.meetings_of_presenter("aad-b")] == ["m0002", "m0001", "m0003"]
    assert [m.id for m in await store.meetings_of_presenter("aad-a")] == ["m0002", "m0004", "m0001", "m0003"]
    assert await store.meetings_of_presenter("aad-nobody") == []
    await store.create_meeting(meeting(5, days=-200, presenters=("aad-b",)), REACH)
    assert "m0005" not in [m.id for m in await store.meetings_of_presenter("aad-b")]  # long past


async def test_plan_versions_refuse_a_stale_save(store: SqlStore) -> None:
    await store.create_meeting(meeting(1), REACH)
    plan = Plan(("Alustus", "Pienryhmät"), ("Mitä opimme?",), (Contribution("aad-a", "diat"),))
    saved = await store.update_plan("m0001", plan, 0)
    assert saved.version == 1 and saved.agenda == plan.agenda and saved.contributions == plan.contributions
    with pytest.raises(Conflict):
        await store.update_plan("m0001", Plan(("toinen",)), 0)
    assert (await store.get_meeting("m0001")).agenda == plan.agenda  # type: ignore[union-attr]
    with pytest.raises(NotFound):
        await store.update_plan("nope", plan, 0)


async def test_concurrent_plan_saves_one_wins(store: SqlStore) -> None:
    await store.create_meeting(meeting(1), REACH)
    results = await asyncio.gather(
        *(store.update_plan("m0001", Plan((f"kohta {i}",)), 0) for i in range(8)), return_exceptions=True
    )
    assert sum(1 for r in results if isinstance(r, Meeting)) == 1
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, Meeting))


async def test_attendance_counts_each_person_once(store: SqlStore) -> None:
    await store.create_meeting(meeting(1), REACH)
    results = await asyncio.gather(*(store.attend("m0001", f"aad-{i % 5}") for i in range(20)))
    assert sum(1 for _count, new in results if new) == 5
    assert (await store.get_meeting("m0001")).attendees == 5  # type: ignore[union-attr]
    assert await store.attendees("m0001") == [f"aad-{i}" for i in range(5)]
    with pytest.raises(NotFound):
        await store.attend("nope", "aad-1")
    await store.set_announcement("m0001", "19:c;messageid=1", "act-1")
    assert await store.announcement_of("m0001") == ("19:c;messageid=1", "act-1")
    assert await store.announcement_of("nope") is None


def _reminder(meeting_id: str, person: str) -> OutgoingMessage:
    return OutgoingMessage(
        key=reminder_key(meeting_id, person),
        broadcast=f"meeting:{meeting_id}:reminder",
        recipient=person,
        target=Target("person", REACH.service_url, user_id=person),
        activity={"type": "message", "text": "huomenna"},
    )


async def test_reminder_claimed_once_under_concurrency(store: SqlStore) -> None:
    await store.create_meeting(meeting(1, days=0.5), REACH)
    await store.create_meeting(meeting(2, days=5), REACH)
    due = await store.meetings_to_remind(NOW, timedelta(days=2))
    assert [(m.id, r) for m, r in due] == [("m0001", REACH)]
    messages = [_reminder("m0001", f"aad-{i}") for i in range(3)]
    written = await asyncio.gather(*(store.claim_reminder("m0001", NOW, messages) for _ in range(6)))
    assert sorted(written) == [0, 0, 0, 0, 0, 3]
    assert (await store.delivery_counts("meeting:m0001:reminder")).total == 3
    assert await store.meetings_to_remind(NOW, timedelta(days=2)) == []


async def test_groups_and_answers(store: SqlStore) -> None:
    await store.create_meeting(meeting(1), REACH)
    await store.save_groups("m0001", [["aad-1", "aad-2"], ["aad-3"]])
    assert await store.groups_of("m0001") == [["aad-1", "aad-2"], ["aad-3"]]
    await store.save_group_answer("m0001", 1, "aad-2", ["vastaus äö"])
    await store.save_group_answer("m0001", 1, "aad-2", ["korjattu vastaus"])
    answers = await store.group_answers("m0001")
    assert [(a.group, a.person, a.answers) for a in answers] == [(1, "aad-2", ("korjattu vastaus",))]
    with pytest.raises(NotFound):
        await store.save_group_answer("m0001", 2, "aad-2", ["väärä ryhmä"])
    with pytest.raises(NotFound):
        await store.save_groups("nope", [["aad-1"]])
    await store.save_groups("m0001", [["aad-3", "aad-1"]])  # a new split drops earlier answers
    assert await store.groups_of("m0001") == [["aad-3", "aad-1"]]
    assert await store.group_answers("m0001") == []
