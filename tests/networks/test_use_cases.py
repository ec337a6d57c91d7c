"""The catalogue and survey use cases (`core.network_admin`, `core.survey_flow`) straight against the store,
with no bot and no HTTP: a recording announcer, survey post and workspace stand in for Teams and Graph."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from bot.i18n import Catalogs
from core import network_admin, survey_flow
from core.errors import Conflict, Invalid, NotAllowed, NotFound
from core.network_admin import NetworkEdit
from core.networks import LaunchStep, Network, NetworkStatus
from core.outbox import OutgoingMessage, Target
from core.people import Organization, Person
from core.survey import Reply, Survey, SurveyStatus, export_name
from core.teams import Team, TeamMember, claim_greeting, project_team
from store import SqlStore
from tests.harness.workspace import RecordingWorkspace

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
TEAM = Team("team-1", "Vertaansa vailla", "tenant-1", "https://smba.example/", "19:general@thread.tacv2")
WHERE = Target(kind="person", service_url="https://smba.example/", user_id="x")


def edit(key: str = "hr", status: NetworkStatus | None = None, facilitator: str | None = None) -> NetworkEdit:
    return NetworkEdit(key, "HR-verkosto", "HR network", "Tarkoitus", "Purpose", status, False, facilitator)


class RecordingAnnouncer:
    def __init__(self) -> None:
        self.welcomed: list[str] = []
        self.invited: list[str] = []

    async def welcome(self, network: Network, channel_id: str) -> None:
        self.welcomed.append(channel_id)

    async def invite(self, network: Network, people: Sequence[str]) -> int:
        self.invited += people
        return len(people)


class RecordingPost:
    def announcement(self, survey: Survey, team: Team) -> OutgoingMessage:
        return OutgoingMessage(
            f"s:{survey.id}:general", f"s:{survey.id}", "General", WHERE, {"type": "message"}
        )

    def form(
        self,
        survey: Survey,
        person: Person,
        networks: Sequence[Network],
        organizations: Sequence[tuple[str, str]],
    ) -> OutgoingMessage:
        who = person.aad_object_id
        return OutgoingMessage(f"s:{survey.id}:{who}", f"s:{survey.id}", who, WHERE, {"type": "message"})

    def delivery_report(self, survey: Survey) -> None:
        return None  # the delivery report has its own tests (tests/networks/test_delivery_report.py)


async def people(store: SqlStore) -> None:
    """Liisa and Matti, members of the project team; Pekka wrote to the bot from elsewhere."""
    await store.save_organization(Organization("omnia", "Omnia", "Omnia", ("omnia.fi",)))
    await store.upsert_person(Person("aad-liisa", name="Liisa", email="liisa@omnia.fi"))
    await store.upsert_person(Person("aad-matti", email="matti@omnia.fi"))
    await store.upsert_person(Person("aad-pekka", email="pekka@omnia.fi"))
    await store.replace_team_members(TEAM.team_id, [TeamMember("aad-liisa"), TeamMember("aad-matti")])


async def test_an_edit_keeps_the_status_rules_and_names_the_facilitator_by_address(store: SqlStore) -> None:
    await people(store)
    with pytest.raises(NotAllowed):
        await network_admin.save(store, edit(), actor="aad-c", is_coordinator=False)
    with pytest.raises(Invalid, match="activate_by_launch"):
        await network_admin.save(store, edit(status=NetworkStatus.ACTIVE), actor="aad-c", is_coordinator=True)
    with pytest.raises(Invalid, match="unknown_person"):
        await network_admin.save(store, edit(facilitator="nobody@x.fi"), actor="aad-c", is_coordinator=True)
    assert await store.get_network("hr") is None
    saved = await network_admin.save(
        store, edit(facilitator="LIISA@omnia.fi"), actor="aad-c", is_coordinator=True
    )
    assert (saved.status, saved.facilitator) == (NetworkStatus.REQUESTED, "aad-liisa")
    await store.record_launch("hr", LaunchStep.DONE, channel_id="19:hr", status=NetworkStatus.ACTIVE)
    with pytest.raises(Invalid, match="active_stays_active"):
        await network_admin.save(
            store, edit(status=NetworkStatus.PLANNED), actor="aad-c", is_coordinator=True
        )
    kept = await network_admin.save(store, edit(), actor="aad-c", is_coordinator=True)
    assert (kept.status, kept.facilitator) == (NetworkStatus.ACTIVE, "aad-liisa")  # field absent: kept
    cleared = await network_admin.save(store, edit(facilitator=""), actor="aad-c", is_coordinator=True)
    assert cleared.facilitator is None
    actions = [e.action for e in await store.audit_entries(target="network:hr")]
    assert actions == ["network.save"] * 3


async def test_a_launch_invites_whom_the_latest_survey_named_and_is_recorded(store: SqlStore) -> None:
    await people(store)
    await network_admin.save(store, edit(), actor="aad-c", is_coordinator=True)
    await store.save_team(TEAM)
    survey, _ = await survey_flow.start(
        store, RecordingPost(), team=TEAM, actor="aad-c", is_coordinator=True, now=NOW
    )
    reply = Reply("omnia", ("hr",), "", "", join=True, present=False)
    await survey_flow.answer(store, survey.id, "aad-matti", reply)
    announcer, workspace = RecordingAnnouncer(), RecordingWorkspace()
    with pytest.raises(NotAllowed):
        await network_admin.launch(
            store, workspace, announcer, key="hr", team_id="team-1", actor="aad-m", is_coordinator=False
        )
    result = await network_admin.launch(
        store, workspace, announcer, key="hr", team_id="team-1", actor="aad-c", is_coordinator=True
    )
    assert result.network.status is NetworkStatus.ACTIVE
    assert announcer.invited == ["aad-matti"]
    assert announcer.welcomed == [workspace.channels["HR-verkosto"].id]
    assert [e.action for e in await store.audit_entries(target="network:hr")] == [
        "network.launch",
        "network.save",
    ]
    network, new = await network_admin.join_by_key(store, "hr", "aad-liisa")
    assert new and network.key == "hr"
    seen = await network_admin.catalogue(store, "aad-liisa")
    assert seen.mine == {"hr"}
    with pytest.raises(NotFound):
        await network_admin.join_by_key(store, "h", "aad-liisa")  # a button names an exact key


async def test_the_survey_runs_from_start_to_export_through_its_use_cases(store: SqlStore) -> None:
    await people(store)
    await network_admin.save(store, edit(), actor="aad-c", is_coordinator=True)
    with pytest.raises(Conflict, match="no_team"):
        await survey_flow.start(
            store, RecordingPost(), team=None, actor="aad-c", is_coordinator=True, now=NOW
        )
    survey, forms = await survey_flow.start(
        store, RecordingPost(), team=TEAM, actor="aad-c", is_coordinator=True, now=NOW
    )
    assert forms == 2
    assert len(await store.claim_due("test", 10, 60)) == 3  # General and two forms
    with pytest.raises(Invalid, match="organization"):
        await survey_flow.answer(store, None, "aad-matti", Reply("nope", (), "", "", False, False))
    form = await survey_flow.answer(
        store, None, "aad-matti", Reply("omnia", ("hr",), "", "=1+1", True, False)
    )
    assert form.answer is not None and form.answer.needs == ("hr",)
    assert (await survey_flow.form(store, survey, "aad-liisa")).organization == "omnia"
    view = await survey_flow.results(
        store, survey, is_coordinator=True, offer_start=True, team_id=TEAM.team_id
    )
    assert view.summary is not None and view.start_recipients == 2 and view.names["omnia"] == "Omnia"
    # The response rate counts the team's members (Liisa and Matti), not Pekka from elsewhere.
    assert [(r.organization, r.answered, r.known) for r in view.summary.rates] == [("omnia", 1, 2)]
    workspace = RecordingWorkspace()
    fi = Catalogs().for_locale("fi")
    done = await survey_flow.export(store, workspace, TEAM, survey, fi, actor="aad-c", is_coordinator=True)
    assert done.answers == 1
    ((folder, name), data), *_ = workspace.files.items()
    assert folder == TEAM.thread_id and name == export_name(survey, "csv") == done.name
    assert "'=1+1" in data.decode("utf-8-sig")  # the formula guard
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))  # as Finnish Excel reads it
    assert rows[0][0] == "Organisaatio" and rows[1][0] == "Omnia" and len(rows) >= 2
    closed = await survey_flow.close(store, survey, actor="aad-c", is_coordinator=True)
    assert closed.status is SurveyStatus.CLOSED and await survey_flow.may_start_after(store, closed)
    with pytest.raises(Conflict):
        await survey_flow.answer(store, survey.id, "aad-matti", Reply("omnia", (), "", "", False, False))
    actions = {e.action for e in await store.audit_entries(target=f"survey:{survey.id}")}
    assert actions == {"survey.start", "survey.export", "survey.close"}


async def test_the_project_team_is_the_one_seen_the_configured_or_the_only_one(store: SqlStore) -> None:
    assert await project_team(store, seen=None, configured=None) is None
    unstored = Team("team-2", "Toinen", "tenant-1", "https://smba.example/")
    assert await project_team(store, seen=unstored, configured=None) == unstored
    await store.save_team(TEAM)
    assert await project_team(store, seen=None, configured=None) == TEAM  # the only team
    assert (await project_team(store, seen=None, configured="team-1")) == TEAM
    assert await claim_greeting(store, "team-1") and not await claim_greeting(store, "team-1")
