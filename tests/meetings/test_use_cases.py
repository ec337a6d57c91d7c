"""The meetings' use cases (`core.meeting_flow`) straight against the store, with no bot and no HTTP: a
recording `MeetingPost` stands in for the channel and a recording workspace for Graph."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from core import meeting_flow, nonces
from core.errors import Conflict, Invalid, NotAllowed
from core.keys import ServerKey
from core.meetings import Meeting, MeetingDraft, Plan, Reach, reminder_time
from core.networks import LaunchStep, Network, NetworkStatus
from core.outbox import OutgoingMessage, Target
from core.people import Organization, Person
from core.teams import Team
from graph.names import clean_folder_name
from store import SqlStore
from tests.harness.workspace import RecordingWorkspace

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
HR = "19:hr@thread.tacv2"
TEAM = Team("team-1", "Vertaansa vailla", "tenant-1", "https://smba.example/", "19:general@thread.tacv2")
REACH = Reach("https://smba.example/", "tenant-1", "28:bot")
LABELS = {"title": "Yhteenveto", "group": "Ryhmä", "no_answers": "Ei vastauksia"}


class RecordingPost:
    def __init__(self, posted: bool = True) -> None:
        self.posted = posted
        self.announced: list[Meeting] = []
        self.presenters: list[tuple[str, ...]] = []

    async def announce(
        self, meeting: Meeting, network: Network, names: dict[str, str]
    ) -> tuple[str, str] | None:
        self.announced.append(meeting)
        return (f"{HR};messageid=1", "activity-1") if self.posted else None

    async def to_presenters(self, meeting: Meeting, network: Network, names: dict[str, str]) -> None:
        self.presenters.append(meeting.presenters)


async def hr_network(store: SqlStore, *, channel: bool = True) -> None:
    await store.save_organization(Organization("omnia", "Omnia", "Omnia", ("omnia.fi",)))
    await store.save_organization(Organization("sakky", "Savon ammattiopisto", "Sakky", ("sakky.fi",)))
    for aad, email in (
        ("aad-liisa", "liisa@omnia.fi"),
        ("aad-pekka", "pekka@sakky.fi"),
        ("aad-maija", "m@omnia.fi"),
    ):
        await store.upsert_person(Person(aad, name=aad[4:].title(), email=email))
    await store.save_network(Network("hr", "HR-verkosto", "HR network", "", ""))
    if channel:
        await store.record_launch("hr", LaunchStep.DONE, channel_id=HR, status=NetworkStatus.ACTIVE)
    await store.set_facilitator("hr", "aad-liisa")
    for member in ("aad-pekka", "aad-maija"):
        await store.join_network("hr", member)


def draft(theme: str = "Arviointi / palaute", presenters: tuple[str, ...] = ("aad-pekka",)) -> MeetingDraft:
    return MeetingDraft("hr", theme, NOW + timedelta(days=3), presenters, "Kuvaus")


async def plan(
    store: SqlStore,
    post: RecordingPost,
    user: str = "aad-liisa",
    meeting_id: str | None = None,
    **kw: object,
) -> meeting_flow.Planned:
    return await meeting_flow.plan(
        store,
        post,
        "hr",
        lambda _key: draft(**kw),
        user=user,
        is_coordinator=False,
        now=NOW,
        reach=REACH,  # type: ignore[arg-type]
        meeting_id=meeting_id,
    )


async def test_a_plan_form_submitted_twice_or_at_once_plans_one_meeting(store: SqlStore) -> None:
    await hr_network(store)
    post = RecordingPost()
    meeting_id = nonces.id_of(ServerKey(b"k" * 32), "meeting", nonces.issue(ServerKey(b"k" * 32), "meeting"))
    both = await asyncio.gather(*(plan(store, post, meeting_id=meeting_id) for _ in range(2)))
    again = await plan(store, post, meeting_id=meeting_id, theme="Muutettu")
    assert sorted(p.new for p in [*both, again]) == [False, False, True]
    assert {p.meeting.id for p in [*both, again]} == {meeting_id}
    assert again.meeting.theme == "Arviointi / palaute" and again.announced  # the first one's, as planned
    assert [m.id for m in post.announced] == [meeting_id] and post.presenters == [("aad-pekka",)]
    assert [m.id for m in await store.meetings_of_network("hr")] == [meeting_id]


async def test_only_an_organiser_plans_and_the_post_is_kept_for_updates(store: SqlStore) -> None:
    await hr_network(store)
    post = RecordingPost()
    with pytest.raises(NotAllowed):
        await plan(store, post, user="aad-pekka")
    with pytest.raises(Invalid, match="presenter_not_member"):
        await plan(store, post, presenters=("aad-stranger",))
    assert post.announced == []
    planned = await plan(store, post)
    assert planned.announced and post.presenters == [("aad-pekka",)]
    assert planned.names == {"aad-pekka": "Pekka", "aad-liisa": "Liisa"}
    assert await meeting_flow.announced_at(store, planned.meeting.id) == (f"{HR};messageid=1", "activity-1")
    unposted = await plan(store, RecordingPost(posted=False), theme="Toinen")
    assert not unposted.announced and await meeting_flow.announced_at(store, unposted.meeting.id) is None
    here = await meeting_flow.here(store, HR, "aad-liisa", is_coordinator=False)
    assert here.form is not None and here.form.members.keys() == {"aad-liisa", "aad-pekka", "aad-maija"}
    listed = await meeting_flow.here(store, HR, "aad-maija", is_coordinator=False)
    assert listed.listing is not None
    assert sorted(m.theme for m, _ in listed.listing.meetings) == ["Arviointi / palaute", "Toinen"]
    with pytest.raises(Invalid, match="not_network_channel"):
        await meeting_flow.here(store, "19:other@thread.tacv2", "aad-liisa", is_coordinator=False)


async def test_a_network_without_a_channel_has_no_meetings_planned(store: SqlStore) -> None:
    await hr_network(store, channel=False)
    with pytest.raises(Conflict, match="no_channel"):
        await plan(store, RecordingPost())


async def test_a_stale_plan_save_keeps_the_newer_plan(store: SqlStore) -> None:
    await hr_network(store)
    meeting = (await plan(store, RecordingPost())).meeting
    first = Plan(("Alku",), ("Mitä opimme?",), ())
    with pytest.raises(NotAllowed):
        await meeting_flow.save_plan(
            store, meeting.id, lambda m: (first, 0), "aad-maija", is_coordinator=False
        )
    saved = await meeting_flow.save_plan(
        store, meeting.id, lambda m: (first, 0), "aad-pekka", is_coordinator=False
    )
    assert saved.saved and saved.meeting.agenda == ("Alku",)
    stale = await meeting_flow.save_plan(
        store, meeting.id, lambda m: (Plan(("Toinen",), (), ()), 0), "aad-liisa", is_coordinator=False
    )
    assert not stale.saved and stale.meeting.agenda == ("Alku",)


async def test_attendees_split_into_groups_whose_summary_is_filed_in_the_meeting_folder(
    store: SqlStore,
) -> None:
    await hr_network(store)
    meeting = (await plan(store, RecordingPost())).meeting
    await meeting_flow.save_plan(
        store, meeting.id, lambda m: (Plan((), ("Mitä opimme?",), ()), 0), "aad-pekka", is_coordinator=False
    )
    for person in ("aad-liisa", "aad-pekka", "aad-maija"):
        done = await meeting_flow.attend(store, meeting.id, person, NOW)
        assert done.new
    again = await meeting_flow.attend(store, meeting.id, "aad-maija", NOW)
    assert (again.count, again.new) == (3, False) and again.announcement.meeting.attendees == 3
    with pytest.raises(Conflict, match="started"):
        await meeting_flow.attend(store, meeting.id, "aad-maija", NOW + timedelta(days=4))
    workspace = RecordingWorkspace()
    with pytest.raises(Conflict, match="no_groups"):
        await meeting_flow.file_summary(
            store,
            workspace,
            TEAM,
            meeting.id,
            "aad-liisa",
            is_coordinator=False,
            labels=LABELS,
            clean=clean_folder_name,
        )
    split = await meeting_flow.split(store, meeting.id, 2, "aad-liisa", is_coordinator=False)
    assert sorted(p for g in split.groups for p in g) == ["aad-liisa", "aad-maija", "aad-pekka"]
    group = next(i for i, g in enumerate(split.groups, start=1) if "aad-maija" in g)
    view = await meeting_flow.answer(store, split.meeting, group, ("Paljon",), "aad-maija")
    assert "aad-maija" in view.members
    summary = await meeting_flow.file_summary(
        store,
        workspace,
        TEAM,
        meeting.id,
        "aad-liisa",
        is_coordinator=False,
        labels=LABELS,
        clean=clean_folder_name,
    )
    assert (summary.answered, summary.groups) == (1, len(split.groups))
    ((folder, name), data), *_ = workspace.files.items()
    assert name == meeting_flow.SUMMARY_FILE and "Paljon" in data.decode()
    day = meeting.local_start().date().isoformat()
    assert folder == f"{HR}/Tapaamiset/{day} {clean_folder_name('Arviointi / palaute')}"


class RecordingReminders:
    def __init__(self) -> None:
        self.reminded: list[meeting_flow.Reminded] = []

    def messages(self, reminded: meeting_flow.Reminded) -> list[OutgoingMessage]:
        self.reminded.append(reminded)
        where = Target("person", reminded.reach.service_url, user_id="x")
        return [
            OutgoingMessage(f"r:{reminded.meeting.id}:{p}", "r", p, where, {"type": "message"})
            for p in reminded.people
        ]


async def test_the_day_before_reminder_goes_to_members_and_presenters_once(store: SqlStore) -> None:
    await hr_network(store)
    meeting = (await plan(store, RecordingPost())).meeting
    due = reminder_time(meeting)
    reminders = RecordingReminders()
    assert await meeting_flow.send_reminders(store, reminders, due - timedelta(minutes=1)) == 0
    assert await meeting_flow.send_reminders(store, reminders, due) == 3  # the members, the presenter once
    assert await meeting_flow.send_reminders(store, reminders, due) == 0
    (reminded,) = reminders.reminded
    assert sorted(reminded.people) == ["aad-liisa", "aad-maija", "aad-pekka"] and reminded.reach == REACH
    assert reminded.names["aad-pekka"] == "Pekka"
