"""Sandbox Graph handlers for teams: channels (name rules, duplicates, limit, filesFolder delay), members."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from graph.names import channel_name_violation
from graph.sandbox.http import Reply, Request, Route, app_author, error
from graph.sandbox.state import Channel, State, Team, user_exists

NOT_READY = "Folder location for this channel is not ready yet, please try again later."


class TeamsApi:
    def __init__(self, state: State) -> None:
        self.state = state

    def routes(self) -> Sequence[Route]:
        return [
            Route("GET", r"/teams/([^/]+)/channels", self.list_channels),
            Route("GET", r"/teams/([^/]+)/primaryChannel", self.primary_channel),
            Route("POST", r"/teams/([^/]+)/channels", self.create_channel),
            Route("GET", r"/teams/([^/]+)/channels/([^/]+)", self.get_channel),
            Route("DELETE", r"/teams/([^/]+)/channels/([^/]+)", self.delete_channel),
            Route("GET", r"/teams/([^/]+)/channels/([^/]+)/filesFolder", self.files_folder),
            Route("GET", r"/teams/([^/]+)/members", self.list_members),
            Route("POST", r"/teams/([^/]+)/members", self.add_member),
        ]

    def _team(self, team_id: str) -> Team | Reply:
        team = self.state.teams.get(team_id)
        return team if team else error(404, "NotFound", f"No team found with Group Id {team_id}")

    def _channel(self, team_id: str, channel_id: str) -> tuple[Team, Channel] | Reply:
        team = self._team(team_id)
        if isinstance(team, Reply):
            return team
        channel = team.channel(channel_id)
        return (team, channel) if channel is not None else error(404, "NotFound", "Channel not found")

    async def list_channels(self, request: Request, team_id: str) -> Reply:
        team = self._team(team_id)
        if isinstance(team, Reply):
            return team
        return Reply(200, {"value": [self._resource(c) for c in team.live_channels()]})

    def _resource(self, channel: Channel) -> dict[str, Any]:
        return channel.resource(self.state.web_root, self.state.tenant_id)

    def _context(self, team_id: str, tail: str) -> str:
        return f"{self.state.web_root}/v1.0/$metadata#teams('{team_id}')/{tail}"

    async def primary_channel(self, request: Request, team_id: str) -> Reply:
        """General, the team's first channel (`api/team-get-primarychannel.md`)."""
        team = self._team(team_id)
        if isinstance(team, Reply):
            return team
        general = next(iter(team.live_channels()), None)
        if general is None:
            return error(404, "NotFound", "The team has no General channel")
        return Reply(
            200,
            {"@odata.context": self._context(team_id, "primaryChannel/$entity")} | self._resource(general),
        )

    async def create_channel(self, request: Request, team_id: str) -> Reply:
        team = self._team(team_id)
        if isinstance(team, Reply):
            return team
        body = request.json()
        name = body.get("displayName")
        if not isinstance(name, str) or channel_name_violation(name):
            return error(400, "BadRequest", f"Channel name is invalid: {channel_name_violation(str(name))}")
        taken = team.channels if self.state.switches.deleted_names_reserved else team.live_channels()
        if any(c.name.casefold() == name.casefold() for c in taken):
            # The same answer for a live channel and for a deleted one, whose name stays reserved.
            return error(400, "BadRequest", "Channel name already existed, please use other name")
        if len(team.channels) >= self.state.switches.channel_limit:
            return error(403, "Forbidden", "This team has exceeded the Max allowed channels")
        channel = self.state.add_channel(team, name, body.get("description"))
        return Reply(
            201, {"@odata.context": self._context(team_id, "channels/$entity")} | self._resource(channel)
        )

    async def get_channel(self, request: Request, team_id: str, channel_id: str) -> Reply:
        found = self._channel(team_id, channel_id)
        if isinstance(found, Reply):
            return found
        _, channel = found
        return Reply(200, self._resource(channel))

    async def delete_channel(self, request: Request, team_id: str, channel_id: str) -> Reply:
        found = self._channel(team_id, channel_id)
        if isinstance(found, Reply):
            return found
        _, channel = found
        channel.deleted = True
        self.state.save()
        return Reply(204)

    async def files_folder(self, request: Request, team_id: str, channel_id: str) -> Reply:
        found = self._channel(team_id, channel_id)
        if isinstance(found, Reply):
            return found
        team, channel = found
        if not self.state.folder_ready(channel):
            return error(404, "NotFound", NOT_READY)
        team.drive.make_folder(channel.name)
        # Its parentReference carries only driveId and driveType (api/channel-get-filesfolder.md).
        item = team.drive.item(channel.name, app_author(self.state.client_id), reference="drive")
        context = self._context(team_id, f"channels('{quote(channel.id)}')/filesFolder/$entity")
        return Reply(200, {"@odata.context": context} | item)

    async def list_members(self, request: Request, team_id: str) -> Reply:
        team = self._team(team_id)
        if isinstance(team, Reply):
            return team
        members = list(team.members.values())
        return Reply(
            200,
            {
                "@odata.context": self._context(team_id, "members"),
                "@odata.count": len(members),
                "value": members,
            },
        )

    async def add_member(self, request: Request, team_id: str) -> Reply:
        """`api/team-post-members.md`: the user bound by id or principal name; 404 for a user the tenant has
        not (or a disabled one); a guest is refused to application permissions (403 "An unknown error has
        occurred.", microsoft-graph-docs#11756); someone already in the team: 201 again (docs-contrib#4799),
        or 409 with the `member_conflict` switch."""
        team = self._team(team_id)
        if isinstance(team, Reply):
            return team
        body = request.json()
        bind = str(body.get("user@odata.bind", ""))
        found = re.search(r"users\('([^']*)'\)$", bind)
        if body.get("@odata.type") != "#microsoft.graph.aadUserConversationMember" or not found:
            return error(400, "BadRequest", "Expected an aadUserConversationMember with user@odata.bind")
        user_id = found.group(1)
        user = self.state.users.get(user_id.lower()) if "@" in user_id else None
        if user is not None and user["userType"] == "Guest":
            user = None  # a guest's principal name is `mail_domain#EXT#@tenant`, never their address
        elif user is None:
            user = next((u for u in self.state.users.values() if u["id"] == user_id), None)
        if user is not None and user["userType"] == "Guest":
            return error(403, "Forbidden", "An unknown error has occurred.")
        if user is not None:
            user_id = user["id"]
        elif "@" in user_id or not user_exists(user_id):
            return error(404, "NotFound", f"User {user_id} was not found")
        known = user_id in team.members
        if known and self.state.switches.member_conflict:
            return error(409, "Conflict", "The user is already a member of the team.")
        mail = user["mail"] if user else f"user-{user_id[:8]}@vertaisbotti.sandbox"
        member = team.members.setdefault(
            user_id,
            {
                "@odata.type": "#microsoft.graph.aadUserConversationMember",
                "id": uuid.uuid4().hex,
                "roles": list(body.get("roles") or []),
                "userId": user_id,
                "displayName": f"User {user_id[:8]}",
                "email": mail,
            },
        )
        if not known:
            self.state.save()
        return Reply(201, member)
