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


@dataclass(frozen=True)
class TeamMember:
    """Someone in a team now: their Entra object id and their Teams id (`29:...`) when known."""

    person: str
    member_id: str | None = None


class TeamStore(Protocol):
    async def save_team(self, team: Team) -> None:
        """Insert or update by `team_id`; a None name keeps the stored one."""
        ...

    async def get_team(self, team_id: str) -> Team | None: ...

    async def list_teams(self) -> Sequence[Team]: ...

    async def replace_team_members(self, team_id: str, members: Sequence[TeamMember]) -> None:
        """The team's whole roster as read from Teams: these members and no one else, in one transaction."""
        ...

    async def add_team_members(self, team_id: str, members: Sequence[TeamMember]) -> None: ...

    async def remove_team_members(self, team_id: str, ids: Sequence[str] | None) -> int:
        """Remove members by Entra object id or Teams id (`None`: everyone, the bot left the team); how
        many were removed."""
        ...

    async def team_member_count(self, team_id: str) -> int: ...


async def project_team(store: TeamStore, *, seen: Team | None, configured: str | None) -> Team | None:
    """The project's team: the stored one an activity came from (`seen`, built from its `channelData`), the
    configured one (TEAM_ID), `seen` itself when the bot has not stored it yet, or the only team the bot is
    in; None when none of those says."""
    for team_id in (seen.team_id if seen else None, configured):
        if team_id:
            team = await store.get_team(team_id)
            if team is not None:
                return team
    if seen is not None and seen.service_url:
        return seen
    teams = await store.list_teams()
    return teams[0] if len(teams) == 1 else None


class GreetingLog(Protocol):
    async def claim_activity(self, channel_id: str, conversation_id: str, activity_id: str) -> bool: ...


GREETING = "vertaisbotti"


async def claim_greeting(store: GreetingLog, team_key: str) -> bool:
    """True for exactly one caller per team, across deliveries and instances: Teams may deliver the install
    more than once, and the team's General channel is greeted once."""
    return await store.claim_activity(GREETING, f"team:{team_key}", "welcome")
