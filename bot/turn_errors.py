"""What happens when a turn fails: log the activity id and cause (bot/failures.py keeps a repeating failure
to one line per turn), tell the user briefly, never a trace."""

from __future__ import annotations

import logging
from http import HTTPStatus

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes

from bot.failures import FailureLog
from bot.handler import CARD_ACTION, card_action_error
from bot.logs import current_turn
from bot.services import Services

log = logging.getLogger("bot.turn")


def turn_error_handler(services: Services, failures: FailureLog | None = None):
    """The adapter's on_turn_error. A failure that repeats (the database away) is logged through `failures`:
    its traceback once, then one line per turn and a summary per interval."""
    failures = failures or FailureLog(log)

    async def on_turn_error(context: TurnContext, error: Exception) -> None:
        activity = context.activity
        failures.failed(
            "turn failed: activity %s (%s) in %s",
            activity.id,
            activity.type,
            activity.conversation.id if activity.conversation else "-",
            error=error,
        )
        services.metrics.observe_turn_error(error)
        if (turn := current_turn()) is not None:
            turn.outcome = "failed"
        t = services.catalogs.for_locale(activity.locale)
        if activity.type == ActivityTypes.invoke:
            if activity.name == CARD_ACTION:
                response = card_action_error(500, "internalError", t("error.apology"))
            else:
                response = None
            await context.send_activity(
                Activity(
                    type=ActivityTypes.invoke_response,
                    value=response or InvokeResponse(status=int(HTTPStatus.INTERNAL_SERVER_ERROR)),
                )
            )
            return
        if activity.type != ActivityTypes.message:
            return
        try:
            await context.send_activity(t("error.apology"))
        except Exception as send_error:  # the connector itself may be what failed
            log.warning("could not send the apology for %s: %s", activity.id, send_error)

    return on_turn_error
