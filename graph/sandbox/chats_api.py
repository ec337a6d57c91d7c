"""Sandbox Graph handlers for chats: create a chat, install an app into it (api/chat-post.md,
api/chat-post-installedapps.md).

Checked as Graph does: `chatType` is `group` or `oneOnOne`; every member is an
`#microsoft.graph.aadUserConversationMember` with `user@odata.bind` and a role of `owner` or `guest` (Graph
answers 400 without one); a one-on-one chat has exactly two members and no topic, and an existing one is
returned instead of a second; a user id that is no GUID (or the nil GUID) is 404. Creating answers 201
with the chat (`id` `19:...@thread.v2`, or `19:<a>_<b>@unq.gbl.spaces` one-on-one). Installing answers
201 with no body, 409 when the app is there already, 404 for an unknown chat, 400 without
`teamsApp@odata.bind`.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Sequence
from typing import Any

from graph.sandbox.http import Reply, Request, Route, error, iso
from graph.sandbox.state import State, user_exists

MEMBER_TYPE = "#microsoft.graph.aadUserConversationMember"
USER_BIND = re.compile(r"/users\('([^']*)'\)$")
APP_BIND = re.compile(r"/appCatalogs/teamsApps/([^/]+)$")


class ChatsApi:
    def __init__(self, state: State) -> None:
        self.state = state

    def routes(self) -> Sequence[Route]:
        return [
            Route("POST", r"/chats", self.create_chat),
            Route("POST", r"/chats/([^/]+)/installedApps", self.install_app),
        ]

    async def create_chat(self, request: Request) -> Reply:
        body = request.json()
        kind = body.get("chatType")
        if kind not in ("group", "oneOnOne"):
            return error(400, "BadRequest", "Invalid value for chatType")
        members = body.get("members")
        if not isinstance(members, list) or len(members) < 2:
            return error(400, "BadRequest", "A chat needs at least two members")
        users: list[str] = []
        for member in members:
            if not isinstance(member, dict) or member.get("@odata.type") != MEMBER_TYPE:
                return error(400, "BadRequest", "Expected aadUserConversationMember members")
            roles = member.get("roles")
            if not isinstance(roles, list) or not roles or any(r not in ("owner", "guest") for r in roles):
                return error(400, "BadRequest", "Each member must have the role owner or guest")
            found = USER_BIND.search(str(member.get("user@odata.bind", "")))
            if not found:
                return error(400, "BadRequest", "Expected user@odata.bind")
            if not user_exists(found.group(1)):
                return error(404, "NotFound", f"User {found.group(1)} was not found")
            users.append(found.group(1).lower())
        topic = body.get("topic")
        if kind == "oneOnOne":
            if len(set(users)) != 2 or topic is not None:
                return error(400, "BadRequest", "A oneOnOne chat has two members and no topic")
            chat_id = "19:" + "_".join(sorted(users)) + "@unq.gbl.spaces"
            existing = self.state.chats.get(chat_id)
            if existing is not None:
                return Reply(201, self._resource(existing))
        else:
            chat_id = f"19:{uuid.uuid4().hex}@thread.v2"
        now = iso(time.time())
        chat = {
            "id": chat_id,
            "topic": topic if kind == "group" else None,
            "chatType": kind,
            "createdDateTime": now,
            "lastUpdatedDateTime": now,
            "members": sorted(set(users)),
            "installedApps": [],
        }
        self.state.chats[chat_id] = chat
        return Reply(201, self._resource(chat))

    async def install_app(self, request: Request, chat_id: str) -> Reply:
        chat = self.state.chats.get(chat_id)
        if chat is None:
            return error(404, "NotFound", f"Chat {chat_id} was not found")
        found = APP_BIND.search(str(request.json().get("teamsApp@odata.bind", "")))
        if not found:
            return error(400, "BadRequest", "Expected teamsApp@odata.bind")
        app = found.group(1)
        if app in chat["installedApps"]:
            return error(409, "Conflict", "The app is already installed in this chat")
        chat["installedApps"].append(app)
        return Reply(201)

    def _resource(self, chat: dict[str, Any]) -> dict[str, Any]:
        return {
            "@odata.context": f"{self.state.web_root}/v1.0/$metadata#chats/$entity",
            "id": chat["id"],
            "topic": chat["topic"],
            "createdDateTime": chat["createdDateTime"],
            "lastUpdatedDateTime": chat["lastUpdatedDateTime"],
            "chatType": chat["chatType"],
            "webUrl": f"{self.state.web_root}/l/chat/{chat['id']}/0",
        }
