"""The shape of an incoming activity, checked on the JSON before botbuilder sees it (issue 14).

botbuilder's msrest deserialiser coerces what it does not expect: a conversation id `12345` becomes "12345",
`["a:x"]` becomes "['a:x']", a member `null` stays None and crashes a handler later. Here every part the
bot reads must already have the type Teams sends (shared/facts.md; the Bot Framework activity schema), or
the request is refused with `Malformed` (400) and nothing runs. Fields the bot does not read are not checked.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

MAX_DEPTH = 64  # Teams' deepest activities (card data in an invoke) are about 8 levels deep
MAX_ID = 1024  # Teams ids are under 300 characters; a conversation id with ;messageid= about 120
MAX_NAME = 512
MAX_URL = 2048
MAX_LIST = 500  # members, attachments and entities of one activity

# Invoke names Teams sends to bots (botbuilder's TeamsActivityHandler; Teams platform docs). Each carries an
# object as `value`; `adaptiveCard/action` answers a bad one on the card itself (bot/handler.py).
TEAMS_INVOKES = frozenset(
    {
        "adaptiveCard/action",
        "fileConsent/invoke",
        "task/fetch",
        "task/submit",
        "composeExtension/query",
        "composeExtension/queryLink",
        "composeExtension/anonymousQueryLink",
        "composeExtension/selectItem",
        "composeExtension/submitAction",
        "composeExtension/fetchTask",
        "composeExtension/querySettingUrl",
        "composeExtension/setting",
        "composeExtension/onCardButtonClicked",
        "actionableMessage/executeAction",
        "tab/fetch",
        "tab/submit",
        "config/fetch",
        "config/submit",
        "signin/verifyState",
        "signin/tokenExchange",
        "signin/failure",
        "message/submitAction",
        "message/fetchTask",
        "application/search",
        "handoff/action",
    }
)


class Malformed(ValueError):
    """The JSON is not an activity the bot can handle; the message says which part, for the 400 answer."""


def depth_exceeds(document: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `document` nests deeper than `limit` (iterative: safe on any depth json.loads accepted)."""
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def check_activity(body: dict[str, Any]) -> None:
    """Raise `Malformed` unless `body` has the shape of an activity the bot can handle."""
    _text(body, "type", required=True, limit=MAX_NAME, printable=True)
    for key in ("id", "replyToId", "channelId", "name"):
        _text(body, key, printable=True)
    for key in ("locale", "textFormat", "action"):
        _text(body, key, limit=MAX_NAME)
    _text(body, "text", limit=None)
    _service_url(body.get("serviceUrl"))
    conversation = _required_object(body, "conversation")
    _text(conversation, "id", required=True, where="conversation.", printable=True)
    for key in ("conversationType", "tenantId"):
        _text(conversation, key, where="conversation.", printable=True)
    _text(conversation, "name", where="conversation.", limit=MAX_NAME)
    if "isGroup" in conversation and not isinstance(conversation["isGroup"], bool | None):
        raise Malformed("conversation.isGroup must be a boolean")
    for key in ("from", "recipient"):
        account = _object(body, key)
        if account is not None:
            _account(account, key)
    for key in ("membersAdded", "membersRemoved"):
        members = _list(body, key)
        for index, member in enumerate(members or []):
            if not isinstance(member, dict):
                raise Malformed(f"{key}[{index}] must be an object")
            _account(member, f"{key}[{index}]", id_required=True)
    _channel_data(body)
    for index, attachment in enumerate(_list(body, "attachments") or []):
        if not isinstance(attachment, dict):
            raise Malformed(f"attachments[{index}] must be an object")
        for key in ("contentType", "name", "contentUrl"):
            _text(attachment, key, where=f"attachments[{index}].", limit=MAX_URL)
    for index, entity in enumerate(_list(body, "entities") or []):
        if not isinstance(entity, dict):
            raise Malformed(f"entities[{index}] must be an object")
    if body.get("type") == "invoke":
        _invoke(body)


def _invoke(body: dict[str, Any]) -> None:
    name = body.get("name")
    if not name:
        raise Malformed("an invoke needs a name")
    if name not in TEAMS_INVOKES:
        raise Malformed(f"invoke {name[:80]!r} is not supported")
    if name == "adaptiveCard/action":
        return
    value = body.get("value")
    if not isinstance(value, dict):
        raise Malformed(f"the value of {name} must be an object")
    if name == "fileConsent/invoke":
        if not isinstance(value.get("action"), str):
            raise Malformed("fileConsent/invoke needs value.action")
        if not isinstance(value.get("uploadInfo"), dict | None):
            raise Malformed("value.uploadInfo must be an object")
        for key in ("name", "uploadUrl", "contentUrl", "uniqueId", "fileType"):
            _text(value.get("uploadInfo") or {}, key, where="value.uploadInfo.", limit=MAX_URL)


def _channel_data(body: dict[str, Any]) -> None:
    # botbuilder reads a conversationUpdate's channelData unconditionally; Teams always sends it
    data = _object(body, "channelData", required=body.get("type") == "conversationUpdate")
    if data is None:
        return
    _text(data, "eventType", where="channelData.")
    for key in ("tenant", "team", "channel", "settings"):
        part = _object(data, key, where="channelData.")
        if part is not None and key != "settings":
            for field in ("id", "aadGroupId"):
                _text(part, field, where=f"channelData.{key}.", printable=True)
            _text(part, "name", where=f"channelData.{key}.", limit=MAX_NAME)


def _account(account: dict[str, Any], where: str, id_required: bool = False) -> None:
    _text(account, "id", required=id_required, where=f"{where}.", printable=True)
    _text(account, "aadObjectId", where=f"{where}.", printable=True)
    for key in ("name", "role"):
        _text(account, key, where=f"{where}.", limit=MAX_NAME)


def _service_url(url: Any) -> None:
    """An http(s) URL with a host name the connector client can call."""
    if not isinstance(url, str) or not url:
        raise Malformed("serviceUrl must be a URL")
    if len(url) > MAX_URL or not url.isascii() or not url.isprintable() or " " in url:
        raise Malformed("serviceUrl is not a usable URL")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError out of range
    except ValueError as error:
        raise Malformed("serviceUrl is not a usable URL") from error
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise Malformed("serviceUrl is not a usable URL")
    if port == 0:
        raise Malformed("serviceUrl is not a usable URL")
    try:
        ipaddress.ip_address(parts.hostname)
    except ValueError:
        if not all(label and len(label) < 64 for label in parts.hostname.split(".")):
            raise Malformed("serviceUrl is not a usable URL") from None


def _required_object(parent: dict[str, Any], key: str) -> dict[str, Any]:
    value = _object(parent, key, required=True)
    if value is None:  # _object raises first: a required object is never None
        raise Malformed(f"{key} must be an object")
    return value


def _object(
    parent: dict[str, Any], key: str, required: bool = False, where: str = ""
) -> dict[str, Any] | None:
    value = parent.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, dict):
        raise Malformed(f"{where}{key} must be an object")
    return value


def _list(parent: dict[str, Any], key: str) -> list[Any] | None:
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise Malformed(f"{key} must be a list")
    if len(value) > MAX_LIST:
        raise Malformed(f"{key} has more than {MAX_LIST} items")
    return value


def _text(
    parent: dict[str, Any],
    key: str,
    required: bool = False,
    where: str = "",
    limit: int | None = MAX_ID,
    printable: bool = False,
) -> None:
    value = parent.get(key)
    if value is None and not required:
        return
    if not isinstance(value, str) or (required and not value):
        raise Malformed(f"{where}{key} must be a string")
    if limit is not None and len(value) > limit:
        raise Malformed(f"{where}{key} is longer than {limit} characters")
    if printable and not value.isprintable():
        raise Malformed(f"{where}{key} has characters that are not printable")
