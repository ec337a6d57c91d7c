"""Teams mechanics that several features share: where an activity came from (tenant, team, channel), the
connector client of a turn, and posting or updating a card message through it.

Features never dig in `channelData` or `turn_state` themselves; they ask here (or `bot.turn.Turn`, which
delegates here).
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from botbuilder.core import BotAdapter, CardFactory, TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    AttachmentLayoutTypes,
    ChannelAccount,
    ConversationParameters,
)
from microsoft_teams.cards import AdaptiveCard

from bot.summaries import summary_of
from cards.base import to_json

log = logging.getLogger(__name__)

ROSTER_PAGE = 100


class Reply(Activity):
    """An activity the bot built to send. botbuilder's copy of it before sending (`TurnContext.
    send_activities` deep-copies it, then sets the conversation, both accounts, the ids and the hints on
    the copy) only needs its top-level fields to be its own: that copy is shallow. Deep-copying the
    attachment and account models cost a tenth of a help turn's CPU (issue 18); the card's JSON is shared
    by the copy too. (The JSON stays a plain dict: msrest, which writes every activity sent through the
    connector client, a channel post or a proactive message, writes any other mapping as its Python repr,
    a string, and Teams then shows an empty card.)"""

    def __deepcopy__(self, _memo: dict[int, Any]) -> Reply:
        return copy.copy(self)


def card_activity(value: AdaptiveCard | dict[str, Any]) -> Activity:
    """A message activity carrying one Adaptive Card (its model, or its JSON made once with `to_json` for a
    card sent as it is again and again, never changed after), with the card's title as the summary."""
    content = value if isinstance(value, dict) else to_json(value)
    return Reply(
        type=ActivityTypes.message,
        attachment_layout=AttachmentLayoutTypes.list,
        attachments=[CardFactory.adaptive_card(content)],
        summary=summary_of({"attachments": [{"content": content}]}) or None,
    )


def channel_data(activity: Activity) -> dict[str, Any]:
    """`channelData` as JSON: a dict from the wire, or an object when the activity was built in code."""
    data = activity.channel_data
    if isinstance(data, dict):
        return data
    serialize = getattr(data, "serialize", None)
    return serialize() if callable(serialize) else {}


def _part(activity: Activity, name: str) -> dict[str, Any]:
    value = channel_data(activity).get(name)
    return value if isinstance(value, dict) else {}


def tenant_of(activity: Activity) -> str | None:
    """`channelData.tenant.id` (botbuilder drops Teams' `conversation.tenantId`), else the conversation's."""
    tenant = _part(activity, "tenant").get("id")
    return tenant if isinstance(tenant, str) and tenant else getattr(activity.conversation, "tenant_id", None)


def team_of(activity: Activity) -> dict[str, Any]:
    """`channelData.team` (`id`: the Bot Framework team id, `aadGroupId`: the Graph team id, `name`)."""
    return _part(activity, "team")


def channel_of(activity: Activity) -> str | None:
    """The Teams channel (`19:...`) the activity came from, None outside channels."""
    channel = _part(activity, "channel").get("id")
    if isinstance(channel, str):
        return channel
    conversation = activity.conversation
    if conversation is not None and conversation.conversation_type == "channel" and conversation.id:
        return conversation.id.split(";", 1)[0]
    return None


def connector_client(context: TurnContext) -> Any | None:
    """The connector client the adapter made for this turn (pooled: it outlives the turn, so background work
    started by the turn may keep using it)."""
    return context.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)


async def update_card(client: Any, conversation_id: str, activity_id: str, value: AdaptiveCard) -> None:
    """Replace the card of a message the bot sent (activity PUT); raises what the connector raises."""
    activity = card_activity(value)
    activity.type, activity.id = ActivityTypes.message, activity_id
    await client.conversations.update_activity(conversation_id, activity_id, activity)


async def post_to_channel(
    client: Any, channel_id: str, value: AdaptiveCard, *, tenant_id: str | None, bot_id: str | None
) -> tuple[str, str] | None:
    """Post the card as a new post in a channel; (conversation id, activity id) of the post. Raises what the
    connector raises."""
    channel: dict[str, Any] = {"channel": {"id": channel_id}}
    if tenant_id:
        channel["tenant"] = {"id": tenant_id}
    parameters = ConversationParameters(
        is_group=True,
        bot=ChannelAccount(id=bot_id or "bot"),
        activity=card_activity(value),
        channel_data=channel,
        tenant_id=tenant_id,
    )
    response = await client.conversations.create_conversation(parameters)
    if response.id and response.activity_id:
        return response.id, response.activity_id
    return None


async def team_member_ids(context: TurnContext, team_id: str | None, at_most: int) -> list[str]:
    """The ids (`29:...`) of the team's members when there are at most `at_most` of them, else empty; empty
    too when the roster cannot be read (callers use it as an optimisation only)."""
    if not team_id:
        return []
    members: list[str] = []
    token: str | None = None
    try:
        while len(members) <= at_most:
            page = await TeamsInfo.get_paged_team_members(context, team_id, token, ROSTER_PAGE)
            members += [m.id for m in page.members or [] if m.id]
            token = page.continuation_token
            if not token:
                break
    except Exception as error:  # the roster is only an optimisation
        log.warning("team roster unavailable: %s", error)
        return []
    return members if len(members) <= at_most else []
