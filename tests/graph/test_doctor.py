"""The deployer's doctor against the sandbox: every capability proved by a harmless call, a refused
permission (the sandbox's `refused_permissions`, Graph's 403) named with the feature it blocks, and the
exit status of `python -m bot doctor`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from graph.client import GraphConnection, connect
from graph.doctor import Options, Row, Status, diagnose, table, token_roles
from graph.permissions import RSC
from graph.sandbox import Sandbox
from tests.graph.conftest import TEAM

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def graph(sandbox: Sandbox) -> AsyncIterator[GraphConnection]:
    connection = connect(sandbox.graph_config())
    try:
        yield connection
    finally:
        await connection.close()


def by_name(rows: list[Row]) -> dict[str, Row]:
    return {r.capability: r for r in rows}


async def test_a_fully_permitted_tenant_passes_every_check_and_leaves_nothing(
    graph: GraphConnection, sandbox: Sandbox
) -> None:
    channels = sandbox.channel_names(TEAM)
    options = Options(TEAM, True, "f0e1d2c3-0000-4000-8000-1", mail_sender="bot@vertaisbotti.sandbox")
    rows = await diagnose(graph, options)
    assert [(r.capability, r.status) for r in rows if r.status != Status.OK] == []
    assert len(rows) == 17
    assert not any(r.failed for r in rows)
    # Harmless: no channel, member, chat or upload session made, and the scratch folder is gone.
    assert sandbox.channel_names(TEAM) == channels
    assert sandbox.members(TEAM) == [] and sandbox.chats == {}
    assert sandbox.open_upload_sessions() == 0
    assert [p.name for p in sandbox.disk_path(TEAM, "General").iterdir()] == []
    assert "create a folder" in table(rows) and "MISSING" not in table(rows)


async def test_a_refused_permission_is_named_with_the_feature_it_blocks(
    graph: GraphConnection, sandbox: Sandbox
) -> None:
    sandbox.switches.refused_permissions = frozenset({"TeamMember.ReadWriteNonOwnerRole.All"})
    rows = by_name(await diagnose(graph, Options(TEAM)))
    added = rows["add a team member"]
    assert (added.status, added.permission) == (Status.MISSING, "TeamMember.ReadWriteNonOwnerRole.All")
    assert added.result.startswith("403 Forbidden: Missing role permissions")
    assert "liity" in added.blocks
    assert sandbox.members(TEAM) == []
    assert [n for n, r in rows.items() if r.failed] == ["add a team member"]
    assert rows["create a group chat"].status == Status.SKIPPED  # COACHING_GROUP_CHATS off
    text = table(list(rows.values()))
    assert "MISSING (403 Forbidden)" in text and "TeamMember.ReadWriteNonOwnerRole.All" in text


async def test_a_files_readwrite_tenant_works_with_fallbacks(
    graph: GraphConnection, sandbox: Sandbox
) -> None:
    # Files.ReadWrite.All instead of Sites.ReadWrite.All: no upload sessions (documented with
    # Sites.ReadWrite.All only) and no search (Sites.Read.All): both LIMITED, as the layer falls back to one
    # PUT and to matching names.
    sandbox.switches.permissions = RSC | {"Files.ReadWrite.All", "TeamMember.ReadWriteNonOwnerRole.All"}
    rows = by_name(await diagnose(graph, Options(TEAM)))
    assert {n: r.permission for n, r in rows.items() if r.status == Status.LIMITED} == {
        "upload session": "Sites.ReadWrite.All",
        "search": "Sites.ReadWrite.All",
        # join requests from outside the tenant: the coordinator lets guests in by hand
        "invite a guest": "User.Invite.All",
        "add a guest to the team": "GroupMember.ReadWrite.All",
    }
    assert not any(r.failed for r in rows.values())
    assert rows["small upload"].status == Status.OK and rows["delete a folder"].status == Status.OK


async def test_without_the_teams_rsc_grant_the_file_checks_are_skipped(
    graph: GraphConnection, sandbox: Sandbox
) -> None:
    # filesFolder accepts Sites.ReadWrite.All too: refused only when neither it nor the RSC grant is there.
    sandbox.switches.refused_permissions = frozenset({"File.Read.Group"})
    assert by_name(await diagnose(graph, Options(TEAM)))["channel filesFolder"].status == Status.OK
    sandbox.switches.refused_permissions = frozenset({"File.Read.Group", "Sites.ReadWrite.All"})
    rows = by_name(await diagnose(graph, Options(TEAM)))
    folder = rows["channel filesFolder"]
    assert (folder.status, folder.permission) == (Status.MISSING, "File.Read.Group")
    assert folder.result.startswith("403 Forbidden")
    assert {rows[n].status for n in ("create a folder", "small upload", "search")} == {Status.SKIPPED}


async def test_chat_permissions_are_checked_when_group_chats_are_on(
    graph: GraphConnection, sandbox: Sandbox
) -> None:
    sandbox.switches.refused_permissions = frozenset({"Chat.Create"})
    rows = by_name(await diagnose(graph, Options(TEAM, group_chats=True, app_catalog_id="a1b2")))
    assert (rows["create a group chat"].status, rows["create a group chat"].permission) == (
        Status.MISSING,
        "Chat.Create",
    )
    assert rows["install the app in a chat"].status == Status.OK  # 404 for the chat that cannot exist


async def test_a_404_that_hides_a_missing_permission_is_caught_by_the_tokens_roles(
    graph: GraphConnection, sandbox: Sandbox
) -> None:
    # Should a service look the user up before the permission, a 404 would pass for permitted: the app-only
    # token's roles claim says otherwise.
    sandbox.switches.refused_permissions = frozenset({"TeamMember.ReadWriteNonOwnerRole.All"})
    sandbox.inject(404, times=1, match=f"POST /teams/{TEAM}/members")
    added = by_name(await diagnose(graph, Options(TEAM)))["add a team member"]
    assert (added.status, added.result) == (Status.MISSING, "not in the token's roles")


def test_roles_are_read_from_an_app_only_jwt_only() -> None:
    assert token_roles("e30.eyJyb2xlcyI6WyJBLkIiXX0.") == ["A.B"]
    assert token_roles("opaque-token") is None
    assert token_roles("e30.bm90IGpzb24.") is None


async def test_a_wrong_team_or_credential_is_an_error(sandbox: Sandbox) -> None:
    wrong = connect(sandbox.graph_config())
    try:
        rows = by_name(await diagnose(wrong, Options("c0ffee00-0000-4000-8000-00000000dead")))
    finally:
        await wrong.close()
    team = rows["team (primaryChannel)"]
    assert team.status == Status.ERROR and team.result.startswith("404 NotFound")
    assert rows["channel filesFolder"].status == Status.SKIPPED
    bad = connect(sandbox.graph_config(client_secret="wrong"))
    try:
        (token,) = await diagnose(bad, Options(TEAM))
    finally:
        await bad.close()
    assert token.capability == "Graph token" and token.status == Status.ERROR


def test_python_m_bot_doctor_prints_the_table_and_exits_by_its_result(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRAPH_", "Microsoft", "APP_", "BOT_"))}
    env |= {"GRAPH_BASE_URL": "sandbox", "VAR_DIR": str(tmp_path), "COACHING_GROUP_CHATS": "true"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "doctor"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Vertaisbotti doctor: the local Graph sandbox" in done.stdout
    assert "create a group chat" in done.stdout and "Every capability the bot needs works" in done.stdout
    assert "HTTP Request" not in done.stdout + done.stderr
    wrong = subprocess.run(
        [sys.executable, "-m", "bot", "doctor", "extra"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert wrong.returncode == 2
