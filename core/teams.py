"""Teams the bot is installed in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Team:
    """An installed team. `team_id` is the Graph team id (`channelData.team.aadGroupId`); `thread_id` is the
    Bot Framework team id (`channelData.team.id`, the General channel's `19:...` id) used for roster calls."""

    team_id: str
    name: str | None
    tenant_id: str | None
    service_url: str
    thread_id: str | None = None
    updated_at: datetime | None = field(default=None, compare=False)


class TeamStore(Protocol):
    async def save_team(self, team: Team) -> None:
        """Insert or update by `team_id`; a None name keeps the stored one."""
        ...

    async def get_team(self, team_id: str) -> Team | None: ...

    async def list_teams(self) -> Sequence[Team]: ...
