"""`make playground` gives one world: the Graph sandbox knows the Playground's team and channels by id."""

from __future__ import annotations

from pathlib import Path

from devtools.playground import CONFIG_FILE
from graph import open_workspace
from graph.sandbox import start_sandbox
from graph.sandbox.playground import PlaygroundTeam, read_team, seed_playground_team


def test_the_team_file_names_general_and_the_network_channel() -> None:
    team = read_team(CONFIG_FILE)
    assert team.channels == {
        "General": "19:vertaansa-vailla-general@thread.tacv2",
        "HR-kehittäjäverkosto": "19:hr-kehittajaverkosto@thread.tacv2",
    }
    assert team.graph_id == "2b8d4e60-2222-4f1a-8e3c-0000000000aa"


async def test_graph_finds_the_playground_channels_instead_of_creating_new_ones(tmp_path: Path) -> None:
    team = read_team(CONFIG_FILE)
    sandbox = await start_sandbox(tmp_path)
    workspace = open_workspace(sandbox.graph_config())
    try:
        seed_playground_team(sandbox, team)
        channel = await workspace.ensure_channel(team.graph_id, "HR-kehittäjäverkosto")
        general = await workspace.channel_folder(team.graph_id, team.thread_id)
    finally:
        await workspace.close()
        await sandbox.stop()
    assert channel.id == "19:hr-kehittajaverkosto@thread.tacv2"
    assert general.path.endswith("General")
    assert sorted(sandbox.channel_names(team.graph_id)) == ["General", "HR-kehittäjäverkosto"]


async def test_a_channel_left_from_an_earlier_run_takes_the_playground_id(tmp_path: Path) -> None:
    team = PlaygroundTeam("g-1", "19:general@thread.tacv2", "Tiimi", {"General": "19:general@thread.tacv2"})
    first = await start_sandbox(tmp_path)
    first.seed_team("g-1", "Tiimi", ["General"])  # as `python -m bot` alone leaves it: a made-up id
    await first.stop()
    again = await start_sandbox(tmp_path)
    workspace = open_workspace(again.graph_config())
    try:
        seed_playground_team(again, team)
        folder = await workspace.channel_folder("g-1", "19:general@thread.tacv2")
    finally:
        await workspace.close()
        await again.stop()
    assert again.channel_names("g-1") == ["General"]
    assert folder.name == "General"
