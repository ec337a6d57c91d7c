"""Answers to the invokes Teams may send that Vertaisbotti has no feature for (issue 14).

botbuilder answers them 501, a server error Teams shows as a failure. Each gets instead the 200 answer its
documentation describes for "nothing to show", carrying a short localised note where Teams displays one:
- dialogs (`task/fetch`, `task/submit`, `composeExtension/fetchTask`, `message/fetchTask`): a TaskInfo of type
  `message` (botbuilder's TaskModuleMessageResponse; Teams "Use dialogs with bots"), shown in a dialog box;
- message-extension commands (`composeExtension/query`, `queryLink`, `anonymousQueryLink`, `selectItem`,
  `submitAction`, `querySettingUrl`): a result of type `message` (MessagingExtensionResult.text);
- tabs (`tab/fetch`, `tab/submit`): a `continue` TabResponse with one card saying so;
- bot configuration (`config/fetch`, `config/submit`): a ConfigResponse (`responseType: config`) of a message;
- `application/search` (Input.ChoiceSet's dynamic search): an empty searchResponse;
- `signin/tokenExchange`: 412 with a TokenExchangeInvokeResponse, as botbuilder's SSO middleware answers when
  it cannot exchange (Teams then falls back to the sign-in card; the bot never asks for SSO);
- the rest (`actionableMessage/executeAction`, `composeExtension/setting`,
  `composeExtension/onCardButtonClicked`, `signin/verifyState`, `signin/failure`, `message/submitAction`,
  `handoff/action`): 200 with no body.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from botbuilder.core import InvokeResponse

from bot.i18n import Translator

NOTE_KEY = "error.not_supported_here"
_DIALOGS = frozenset({"task/fetch", "task/submit", "composeExtension/fetchTask", "message/fetchTask"})
_EXTENSION = frozenset(
    {
        "composeExtension/query",
        "composeExtension/queryLink",
        "composeExtension/anonymousQueryLink",
        "composeExtension/selectItem",
        "composeExtension/submitAction",
        "composeExtension/querySettingUrl",
    }
)


def unsupported_invoke(name: str, value: dict[str, Any], t: Translator) -> InvokeResponse:
    """The documented 'nothing here' answer to invoke `name` (a Teams invoke name, bot/shape.py)."""
    if name in _DIALOGS:
        return _ok({"task": {"type": "message", "value": t(NOTE_KEY)}})
    if name in _EXTENSION:
        return _ok({"composeExtension": {"type": "message", "text": t(NOTE_KEY)}})
    if name in ("tab/fetch", "tab/submit"):
        card = {
            "type": "AdaptiveCard",
            "version": "1.5",
            "body": [{"type": "TextBlock", "text": t(NOTE_KEY), "wrap": True}],
        }
        return _ok({"tab": {"type": "continue", "value": {"cards": [{"card": card}]}}})
    if name in ("config/fetch", "config/submit"):
        return _ok({"responseType": "config", "config": {"type": "message", "value": t(NOTE_KEY)}})
    if name == "application/search":
        return _ok(
            {
                "statusCode": 200,
                "type": "application/vnd.microsoft.search.searchResponse",
                "value": {"results": []},
            }
        )
    if name == "signin/tokenExchange":
        body = {key: value[key] for key in ("id", "connectionName") if isinstance(value.get(key), str)}
        body["failureDetail"] = "The bot does not use single sign-on."
        return InvokeResponse(status=HTTPStatus.PRECONDITION_FAILED, body=body)
    return InvokeResponse(status=HTTPStatus.OK)


def _ok(body: dict[str, Any]) -> InvokeResponse:
    return InvokeResponse(status=HTTPStatus.OK, body=body)
