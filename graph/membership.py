"""Letting people into the project team (`core.join_flow.Membership`) and telling them by email.

- A user of the tenant: `POST /teams/{id}/members`, bound by principal name (`users('name@x')`,
  `api/team-post-members.md` example 2). 404 means the tenant has no such (enabled) user. Someone already
  in the team is answered 201 again (docs-contrib#4799) or, as some report, 409: both are success.
- A guest: `POST /invitations` (`api/invitation-post.md`, User.Invite.All), then `POST
  /groups/{id}/members/$ref` (`api/group-post-members.md`, GroupMember.ReadWrite.All): Graph refuses an
  application that adds a guest through `/teams/{id}/members` (403, microsoft-graph-docs#11756). The group
  answers 400 "already exist" for a member (success here) and, for a guest invited a moment ago, 400/404
  "does not exist" until the directory has replicated them: that is retried (`Unavailable`).
- `POST /users/{sender}/sendMail` (`api/user-sendmail.md`, Mail.Send): 202.

Throttling (429/503/504) is retried by kiota first; what is left raises `Throttled` for the job to retry.
"""

from __future__ import annotations

from kiota_abstractions.api_error import APIError
from msgraph.generated.models.aad_user_conversation_member import AadUserConversationMember
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.invitation import Invitation
from msgraph.generated.models.invited_user_message_info import InvitedUserMessageInfo
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.message import Message
from msgraph.generated.models.recipient import Recipient
from msgraph.generated.models.reference_create import ReferenceCreate
from msgraph.generated.users.item.send_mail.send_mail_post_request_body import SendMailPostRequestBody

from core.errors import Invalid, Unavailable
from core.join_flow import InvitationRefused
from core.workspace import WorkspaceForbidden
from graph.client import GraphConnection
from graph.errors import error_message, graph_errors

LANGUAGES = {"fi": "fi-FI", "en": "en-US"}


def _user_bind(graph: GraphConnection, who: str) -> str:
    return f"{graph.config.base_url.rstrip('/')}/users('{who.replace(chr(39), chr(39) * 2)}')"


async def add_member_by_address(graph: GraphConnection, team_id: str, address: str) -> str | None:
    member = AadUserConversationMember(
        odata_type="#microsoft.graph.aadUserConversationMember",
        roles=[],
        additional_data={"user@odata.bind": _user_bind(graph, address)},
    )
    with graph_errors():
        try:
            added = await graph.client.teams.by_team_id(team_id).members.post(member)
        except APIError as exc:
            status = exc.response_status_code
            if status == 404:
                return None
            if status == 409:  # already a member
                return ""
            raise
    return (getattr(added, "user_id", None) or "") if added else ""


async def invite_guest(
    graph: GraphConnection, email: str, name: str, redirect_url: str, language: str
) -> str:
    invitation = Invitation(
        invited_user_email_address=email,
        invited_user_display_name=name or None,
        invite_redirect_url=redirect_url,
        send_invitation_message=True,
        invited_user_message_info=InvitedUserMessageInfo(message_language=LANGUAGES.get(language, "fi-FI")),
    )
    with graph_errors():
        try:
            sent = await graph.client.invitations.post(invitation)
        except APIError as exc:
            if exc.response_status_code == 403:  # the tenant's external collaboration settings
                raise InvitationRefused() from exc
            if exc.response_status_code == 401:  # "Insufficient privileges": User.Invite.All missing
                raise WorkspaceForbidden() from exc
            raise
    user = sent.invited_user if sent else None
    if user is None or not user.id:
        raise Unavailable("graph.error.unavailable")
    return user.id


async def add_group_member(graph: GraphConnection, group_id: str, user_id: str) -> None:
    if not user_id:
        raise Invalid("joins.error.unknown_failure")
    reference = ReferenceCreate(odata_id=f"{graph.config.base_url.rstrip('/')}/directoryObjects/{user_id}")
    with graph_errors():
        try:
            await graph.client.groups.by_group_id(group_id).members.ref.post(reference)
        except APIError as exc:
            message = error_message(exc).lower()
            if exc.response_status_code == 400 and "already exist" in message:
                return
            if exc.response_status_code == 404 or "do not exist" in message or "does not exist" in message:
                raise Unavailable("joins.error.replicating") from exc  # a new guest, not replicated yet
            raise


async def send_mail(graph: GraphConnection, sender: str, to: str, subject: str, text: str) -> None:
    body = SendMailPostRequestBody(
        message=Message(
            subject=subject,
            body=ItemBody(content_type=BodyType.Text, content=text),
            to_recipients=[Recipient(email_address=EmailAddress(address=to))],
        ),
        save_to_sent_items=True,
    )
    with graph_errors():
        await graph.client.users.by_user_id(sender).send_mail.post(body)
