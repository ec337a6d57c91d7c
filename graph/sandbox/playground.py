"""The Agents Playground's team in the sandbox: the same team and channels (ids, names) as its
`.m365agentsplayground.yml`, so that what the bot creates or looks up in Graph is what the Playground shows.

The Playground's team id (`team.id`) is also its General channel's id, as in Teams; `team.aadGroupId` is the
Graph team id. Channels the bot creates later through Graph exist only in the sandbox, never in the
Playground: every network channel a journey needs is listed in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from graph.sandbox import Sandbox

GENERAL = "General"


@dataclass(frozen=True)
class PlaygroundTeam:
    graph_id: str  # team.aadGroupId
    thread_id: str  # team.id: the General channel's id
    name: str
    channels: dict[str, str]  # name -> channel id, General first

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> PlaygroundTeam:
        team = config.get("team") or {}
        try:
            graph_id, thread_id, name = str(team["aadGroupId"]), str(team["id"]), str(team["name"])
        except KeyError as missing:
            raise ValueError(f"the Playground's team has no {missing.args[0]}") from None
        channels = {GENERAL: thread_id}
        for channel in team.get("channels") or ():
            channels[str(channel["name"])] = str(channel["id"])
        return cls(graph_id, thread_id, name, channels)


def read_team(path: Path) -> PlaygroundTeam:
    return PlaygroundTeam.from_config(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def seed_playground_team(sandbox: Sandbox, team: PlaygroundTeam) -> None:
    """Create the team (if new) and give it the Playground's channels, each with its files folder."""
    sandbox.seed_team(team.graph_id, team.name)
    for name, channel_id in team.channels.items():
        sandbox.seed_channel(team.graph_id, channel_id, name)
