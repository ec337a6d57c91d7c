"""Sandbox Graph handlers for the directory: B2B invitations, group membership and sendMail.

- `POST /invitations` (`api/invitation-post.md`): 201 with the invitation and `invitedUser.id`; the same
  address invited again gets the same guest. The tenant's policy refusing guests is 403 "Guest invitations
  not allowed for your company" (azure-docs#78054); an address of a user of the tenant is 400.
- `POST /groups/{id}/members/$ref` (`api/group-post-members.md`): 204; 400 "One or more added object
  references already exist" for a member; 404 for an object that does not exist. A guest added this way
  shows in the team's members with the role `guest` (Teams syncs the group into the team).
- `POST /users/{id}/sendMail` (`api/user-sendmail.md`): 202, the message kept in `State.mail`.

Users of the tenant are looked up by principal name (`Sandbox.seed_user`); `/teams/{id}/members` binds
them by it (`teams_api.py`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

from graph.sandbox.http import Reply, Request, Route, error
from graph.sandbox.state import State, user_exists

GUEST_REFUSED = (
    "Guest invitations not allowed for your company. Contact your company administrator for more details."
)
ALREADY = (
    "One or more added object references already exist for the following modified properties: 'members'."
)


class DirectoryApi:
    def __init__(self, state: State) -> None:
        self.state = state

    def routes(self) -> Sequence[Route]:
        return [
            Route("POST", r"/invitations", self.invite),
            Route("POST", r"/groups/([^/]+)/members/\$ref", self.add_to_group),
            Route("POST", r"/users/([^/]+)/sendMail", self.send_mail),
        ]

    async def invite(self, request: Request) -> Reply:
        body = request.json()
        address = str(body.get("invitedUserEmailAddress") or "").lower()
        if "@" not in address or not body.get("inviteRedirectUrl"):
            return error(400, "BadRequest", "invitedUserEmailAddress and inviteRedirectUrl are required")
        switches = self.state.switches
        if not switches.guest_invitations or address.rsplit("@", 1)[1] in switches.blocked_domains:
            return error(403, "Forbidden", GUEST_REFUSED)
        user = self.state.users.get(address)
        if user is not None and user["userType"] == "Member":
            return error(400, "BadRequest", "The invited user already exists in the directory as a member.")
        if user is None:
            user = {"id": str(uuid.uuid4()), "userType": "Guest", "mail": address}
            self.state.users[address] = user
        invitation = {
            "@odata.context": f"{self.state.web_root}/v1.0/$metadata#invitations/$entity",
            "id": str(uuid.uuid4()),
            "inviteRedeemUrl": f"{self.state.web_root}/redeem?user={user['id']}",
            "invitedUserDisplayName": body.get("invitedUserDisplayName"),
            "invitedUserType": "Guest",
            "invitedUserEmailAddress": address,
            "sendInvitationMessage": bool(body.get("sendInvitationMessage")),
            "resetRedemption": False,
            "inviteRedirectUrl": body["inviteRedirectUrl"],
            "status": "PendingAcceptance",
            "invitedUserMessageInfo": body.get("invitedUserMessageInfo")
            or {"messageLanguage": None, "customizedMessageBody": None, "ccRecipients": []},
            "invitedUser": {"id": user["id"]},
        }
        return Reply(201, invitation)

    async def add_to_group(self, request: Request, group_id: str) -> Reply:
        team = self.state.teams.get(group_id)
        if team is None:
            return error(404, "Request_ResourceNotFound", f"Resource '{group_id}' does not exist.")
        found = re.search(r"/directoryObjects/([^/]+)$", str(request.json().get("@odata.id", "")))
        user_id = found.group(1) if found else ""
        user = next((u for u in self.state.users.values() if u["id"] == user_id), None)
        if user is None and not user_exists(user_id):
            return error(404, "Request_ResourceNotFound", f"Resource '{user_id}' does not exist.")
        if user_id in team.members:
            return error(400, "Request_BadRequest", ALREADY)
        guest = user is not None and user["userType"] == "Guest"
        team.members[user_id] = _member(user_id, user, guest)
        self.state.save()
        return Reply(204)

    async def send_mail(self, request: Request, sender: str) -> Reply:
        if "@" not in sender and not user_exists(sender):
            return error(404, "ErrorInvalidUser", f"The requested user '{sender}' is invalid.")
        # Graph reads the action's parameters whatever their case (msgraph-sdk sends "Message")
        body = {k.lower(): v for k, v in request.json().items()}
        message = body.get("message") if isinstance(body.get("message"), dict) else None
        if message is None or not message.get("toRecipients"):
            return error(400, "ErrorInvalidRecipients", "At least one recipient is required")
        self.state.mail.append({"from": sender, **message})
        return Reply(202)


def _member(user_id: str, user: dict[str, Any] | None, guest: bool) -> dict[str, Any]:
    mail = user["mail"] if user else f"user-{user_id[:8]}@vertaisbotti.sandbox"
    return {
        "@odata.type": "#microsoft.graph.aadUserConversationMember",
        "id": uuid.uuid4().hex,
        "roles": ["guest"] if guest else [],
        "userId": user_id,
        "displayName": mail.split("@", 1)[0],
        "email": mail,
    }
