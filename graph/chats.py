"""Teams chats for peer-coaching groups: create a group chat, and install the bot's app into it.

`POST /chats` (api/chat-post.md): `chatType` "group" with a `topic`, and every member listed as an
`aadUserConversationMember` with the role `owner` (application permission Chat.Create); 201 with the chat
(`id` `19:...@thread.v2`, `webUrl`). Graph accepts a group chat of two members (its roster then refuses
new members, docs-contrib#1622), so pairs get a named chat as groups do. `POST /chats/{id}/installedApps`
(api/chat-post-installedapps.md) with `teamsApp@odata.bind` to the app's catalogue id answers 201 with no
body; least privilege TeamsAppInstallation.ReadWriteSelfForChat.All, which the page notes cannot install
apps that need resource-specific consent (this manifest asks RSC for the team): then
ReadWriteAndConsentSelfForChat.All is needed. An app installed already is taken to answer 409 Conflict
(as adding a team member twice does; not confirmed in the docs), which counts as done.
"""

from __future__ import annotations

from collections.abc import Sequence

from kiota_abstractions.api_error import APIError
from msgraph.generated.models.aad_user_conversation_member import AadUserConversationMember
from msgraph.generated.models.chat import Chat as GraphChat
from msgraph.generated.models.chat_type import ChatType
from msgraph.generated.models.conversation_member import ConversationMember
from msgraph.generated.models.teams_app_installation import TeamsAppInstallation

from core.errors import Invalid, NotFound, Unavailable
from core.workspace import Chat
from graph.client import GraphConnection
from graph.errors import graph_errors

MEMBER_TYPE = "#microsoft.graph.aadUserConversationMember"


async def create_chat(graph: GraphConnection, members: Sequence[str], topic: str) -> Chat:
    people = list(dict.fromkeys(members))
    if len(people) < 2:
        raise Invalid("graph.error.bad_request")
    base = graph.config.base_url.rstrip("/")
    listed: list[ConversationMember] = [
        AadUserConversationMember(
            odata_type=MEMBER_TYPE,
            roles=["owner"],
            additional_data={"user@odata.bind": f"{base}/users('{person}')"},
        )
        for person in people
    ]
    body = GraphChat(chat_type=ChatType.Group, topic=topic, members=listed)
    with graph_errors(not_found=NotFound("graph.error.user_not_found")):
        created = await graph.client.chats.post(body)
    if created is None or not created.id:
        raise Unavailable("graph.error.unavailable")
    return Chat(created.id, created.web_url)


async def install_app(graph: GraphConnection, chat_id: str, teams_app_id: str) -> None:
    base = graph.config.base_url.rstrip("/")
    body = TeamsAppInstallation(
        additional_data={"teamsApp@odata.bind": f"{base}/appCatalogs/teamsApps/{teams_app_id}"}
    )
    with graph_errors(not_found=NotFound("graph.error.not_found")):
        try:
            await graph.client.chats.by_chat_id(chat_id).installed_apps.post(body)
        except APIError as exc:
            if exc.response_status_code != 409:  # 409: installed already
                raise
