"""The Teams activity handler: a thin dispatcher from activities to feature modules."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any, Protocol

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import ChannelAccount, ErrorResponseException
from botbuilder.schema.teams import FileConsentCardResponse, TeamInfo, TeamsChannelAccount

from bot.features.help import show_unknown
from bot.files import incoming_files
from bot.invokes import unsupported_invoke
from bot.router import Router
from bot.services import Services
from bot.turn import Turn
from cards.base import to_json
from core.errors import DomainError

log = logging.getLogger(__name__)

CARD_ACTION = "adaptiveCard/action"
FILE_CONSENT = "fileConsent/invoke"
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
ERROR_TYPE = "application/vnd.microsoft.error"

InstallHook = Callable[[Turn, TeamInfo], Awaitable[None]]
MembersHook = Callable[[Turn, TeamInfo, list[TeamsChannelAccount]], Awaitable[None]]


class RemovedHook(Protocol):
    async def __call__(
        self, turn: Turn, team: TeamInfo, members: list[TeamsChannelAccount], /, *, bot: bool
    ) -> None: ...


def card_action_error(status: int, code: str, message: str) -> InvokeResponse:
    """The invoke reply Teams shows as an error on the card (HTTP 200 carrying the error)."""
    body = {"statusCode": status, "type": ERROR_TYPE, "value": {"code": code, "message": message}}
    return InvokeResponse(status=HTTPStatus.OK, body=body)


class VertaisBot(TeamsActivityHandler):
    def __init__(
        self,
        services: Services,
        router: Router,
        on_install: InstallHook | None = None,
        on_members_added: MembersHook | None = None,
        on_members_removed: RemovedHook | None = None,
    ) -> None:
        self._services = services
        self._router = router
        self._on_install = on_install
        self._on_members_added = on_members_added
        self._on_members_removed = on_members_removed

    def turn(self, context: TurnContext) -> Turn:
        return Turn(context, self._services)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        turn = self.turn(turn_context)
        files = incoming_files(turn_context.activity.attachments)
        if files and self._router.files is not None:
            try:
                await self._router.files(turn, files)
            except DomainError as error:
                await turn.context.send_activity(turn.t(error.key, **error.params))
            return
        value = turn_context.activity.value
        if isinstance(value, dict) and not turn_context.activity.text:
            await self._submit(turn, value)
            return
        handler, argument, cleaned = self._router.match(turn_context.activity.text)
        try:
            if handler is None:
                await show_unknown(turn, cleaned)
            else:
                await handler(turn, argument)
        except DomainError as error:
            await turn.context.send_activity(turn.t(error.key, **error.params))

    async def _submit(self, turn: Turn, value: dict[str, Any]) -> None:
        """Action.Submit (older cards and clients) routes like Action.Execute, answering with a message."""
        handler = self._router.actions.get(str(value.get("verb", "")))
        if handler is None:
            await turn.send_text("error.unknown_action")
            return
        try:
            card = await handler(turn, value)
        except DomainError as error:
            await turn.context.send_activity(turn.t(error.key, **error.params))
            return
        if isinstance(card, str):
            await turn.context.send_activity(card)
        elif card is not None:
            await turn.send_card(card)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """Card actions and file consent are features; every other invoke Teams sends gets its documented
        "nothing here" answer (bot/invokes.py). The edge refused names Teams never sends (bot/shape.py)."""
        name = turn_context.activity.name
        if name == FILE_CONSENT:
            return await super().on_invoke_activity(turn_context)
        if name != CARD_ACTION:
            value = turn_context.activity.value if isinstance(turn_context.activity.value, dict) else {}
            return unsupported_invoke(str(name), value, self.turn(turn_context).t)
        turn = self.turn(turn_context)
        value = _object(turn_context.activity.value)
        action = _object(value.get("action"))
        verb = action.get("verb")
        data = _object(action.get("data"))
        handler = self._router.actions.get(verb) if isinstance(verb, str) else None
        if handler is None:
            return card_action_error(400, "unknownVerb", turn.t("error.unknown_action"))
        try:
            card = await handler(turn, data)
        except DomainError as error:
            return card_action_error(400, type(error).__name__, turn.t(error.key, **error.params))
        if card is None or isinstance(card, str):
            body = {"statusCode": 200, "type": MESSAGE_TYPE, "value": card or ""}
        else:
            body = {"statusCode": 200, "type": CARD_TYPE, "value": to_json(card)}
        return InvokeResponse(status=HTTPStatus.OK, body=body)

    async def on_teams_file_consent(
        self, turn_context: TurnContext, file_consent_card_response: FileConsentCardResponse
    ) -> InvokeResponse:
        """`fileConsent/invoke`: the person accepted or declined a FileConsentCard. Answered 200 either way
        (an outcome the person must hear is sent as a message); 400 for an action Teams does not send."""
        response = file_consent_card_response
        handler = self._router.consent_handler(response.context)
        if handler is None:  # no feature offers files: a consent the bot cannot have asked for
            return InvokeResponse(status=HTTPStatus.BAD_REQUEST)
        if response.action not in ("accept", "decline"):
            return InvokeResponse(status=HTTPStatus.BAD_REQUEST)
        turn = self.turn(turn_context)
        upload = response.upload_info.serialize() if response.upload_info is not None else {}
        try:
            await handler(turn, response.action, response.context, upload)
        except DomainError as error:
            await turn.context.send_activity(turn.t(error.key, **error.params))
        return InvokeResponse(status=HTTPStatus.OK)

    async def on_teams_members_added_dispatch(
        self, members_added: list[ChannelAccount], team_info: TeamInfo, turn_context: TurnContext
    ) -> None:
        """botbuilder looks up each added member; one who already left is no longer in the conversation
        (404 MemberNotFoundInConversation, which botbuilder does not handle): there is no one to welcome."""
        try:
            await super().on_teams_members_added_dispatch(members_added, team_info, turn_context)
        except ErrorResponseException as error:
            body = getattr(error, "error", None)
            code = getattr(getattr(body, "error", None), "code", None)
            if code != "MemberNotFoundInConversation":
                raise
            log.info("members added: a member is no longer in the conversation, nothing to do")

    async def on_teams_members_added(
        self, members_added: list[ChannelAccount], team_info: TeamInfo, turn_context: TurnContext
    ) -> None:
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if not team_info or not team_info.id or self._on_install is None:
            return
        if any(m.id == bot_id for m in members_added):
            await self._on_install(self.turn(turn_context), team_info)
        elif self._on_members_added is not None:
            await self._on_members_added(self.turn(turn_context), team_info, members_added)

    async def on_teams_members_removed(
        self, teams_members_removed: list[TeamsChannelAccount], team_info: TeamInfo, turn_context: TurnContext
    ) -> None:
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if not team_info or not team_info.id or self._on_members_removed is None:
            return
        bot = any(m.id == bot_id for m in teams_members_removed)
        await self._on_members_removed(self.turn(turn_context), team_info, teams_members_removed, bot=bot)


def _object(value: object) -> dict[str, Any]:
    """A JSON object of the activity as a dict; anything else (absent, a list, a string) as an empty one."""
    return value if isinstance(value, dict) else {}
