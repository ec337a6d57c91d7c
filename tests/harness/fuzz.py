"""Seeded, bounded fuzz cases for POST /api/messages: what an attacker or a careless client would send.

Every case is raw bytes (the body) and the conversation id it names, if it names one as a string, so a
test can check the bot never writes to a conversation no request named. The families come from issue 14:
nested JSON, non-object values for every invoke name Teams sends, non-string ids, null members, oversize
fields, odd unicode, unusable serviceUrls, made-up activity types, and random mutations of valid activities.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from bot import shape
from tests.harness import activities as a

# Every invoke name Teams sends to bots, in a fixed order (a frozenset's order changes with the hash seed).
TEAMS_INVOKES = tuple(sorted(shape.TEAMS_INVOKES))
NON_OBJECTS: tuple[Any, ...] = ("0", 0, 1, -1, 5.5, True, False, None, [], ["x"], "", "string", [{}])
NON_STRINGS: tuple[Any, ...] = (12345, 0, -1, 1.5, True, False, None, [], ["a:x"], {}, {"id": "a:x"})
ODD_TEXT = (
    "\u0000",
    "\ud800",
    "\udfff\ud800",
    "\u202eevil\u202c",
    "\u200b\u200d\ufeff",
    "a\u0301" * 50,
    "\U0001f600" * 200,
    "\uffff\ufffe",
    "𝕍𝕖𝕣𝕥𝕒𝕚𝕤",
    "<at>Vertaisbotti</at>" * 100,
    "<script>alert(1)</script>",
    "%00%2e%2e/%2e%2e/",
    "apua\u0000apua",
    "\r\n\r\n",
    "ｋａｒｔｏｉｔｕｓ",
)
BAD_SERVICE_URLS: tuple[Any, ...] = (
    "",
    "not a url",
    "ftp://example.com/",
    "http://",
    "https://",
    "http://[::1",
    "javascript:alert(1)",
    "http://127.0.0.1:99999/",
    "https://a b.example/",
    "//example.com/",
    "file:///etc/passwd",
    "http://127.0.0.1:1/",
    "\u0000",
    12345,
    ["http://127.0.0.1/"],
)


@dataclass(frozen=True)
class Case:
    family: str
    body: bytes
    conversation: str | None  # the conversation id the request names (a string), if any


def _conversation_of(activity: Any) -> str | None:
    conversation = activity.get("conversation") if isinstance(activity, dict) else None
    cid = conversation.get("id") if isinstance(conversation, dict) else None
    return cid if isinstance(cid, str) else None


def _case(family: str, activity: Any) -> Case:
    body = json.dumps(activity, ensure_ascii=True).encode()
    return Case(family, body, _conversation_of(activity))


class Fuzzer:
    def __init__(self, seed: int, service_url: str) -> None:
        self.random = random.Random(seed)
        self.url = service_url

    # -- valid starting points ------------------------------------------------------------------------
    def valid(self) -> dict[str, Any]:
        r = self.random
        user = r.choice((a.MAIJA, a.MATTI, a.LIISA))
        makers: list[Callable[[], dict[str, Any]]] = [
            lambda: a.personal_message(self.url, r.choice(("apua", "help", "tietoni", "kyselyt", "xyz"))),
            lambda: a.channel_message(self.url, r.choice(("apua", "verkosto", "materiaalit"))),
            lambda: a.group_message(self.url, "apua"),
            lambda: a.submit(self.url, {"verb": r.choice(("help.language", "nope")), "lang": "en"}),
            lambda: a.card_action(self.url, r.choice(("help.language", "no.such")), {"lang": "en"}, user),
            lambda: a.invoke(self.url, r.choice(TEAMS_INVOKES), {"x": 1}, user),
            lambda: a.team_install(self.url),
        ]
        return r.choice(makers)()

    # -- the families -------------------------------------------------------------------------------------
    def nested(self) -> Case:
        r = self.random
        depth = r.choice((200, 1000, 3000, 30000, 50000))
        opener, closer = r.choice((("[", "]"), ('{"a":', "}")))
        if r.random() < 0.5:  # the whole body
            return Case("nested", (opener * depth + "1" + closer * depth).encode(), None)
        activity = self.valid()
        marker = '"__NESTED__"'
        activity["value"] = "__NESTED__"
        text = json.dumps(activity).replace(marker, opener * depth + "1" + closer * depth)
        return Case("nested", text.encode(), _conversation_of(activity))

    def invoke_value(self) -> Case:
        r = self.random
        name = r.choice(TEAMS_INVOKES)
        activity = a.invoke(self.url, name, None, r.choice((a.MAIJA, a.MATTI)))
        if r.random() < 0.6:
            activity["value"] = copy.deepcopy(r.choice(NON_OBJECTS))
        else:  # an object whose parts have the wrong type
            key = r.choice(
                ("uploadInfo", "action", "context", "data", "commandId", "parameters", "query", "state")
            )
            activity["value"] = {key: copy.deepcopy(r.choice(NON_OBJECTS + NON_STRINGS))}
            if name == "fileConsent/invoke" and key != "action":
                activity["value"]["action"] = r.choice(("accept", "decline"))
        if r.random() < 0.1:
            activity["name"] = copy.deepcopy(r.choice(NON_STRINGS))
        return _case("invoke_value", activity)

    def non_string_id(self) -> Case:
        r = self.random
        activity = self.valid()
        path = r.choice(
            (
                ("id",),
                ("conversation", "id"),
                ("conversation",),
                ("from", "id"),
                ("from",),
                ("from", "aadObjectId"),
                ("recipient", "id"),
                ("recipient",),
                ("channelId",),
                ("type",),
                ("text",),
                ("locale",),
                ("replyToId",),
                ("channelData",),
                ("channelData", "tenant"),
                ("channelData", "tenant", "id"),
                ("channelData", "team"),
                ("channelData", "team", "id"),
                ("channelData", "channel", "id"),
                ("conversation", "tenantId"),
                ("conversation", "conversationType"),
                ("attachments",),
                ("entities",),
                ("timestamp",),
            )
        )
        _set(activity, path, copy.deepcopy(r.choice(NON_STRINGS)))
        return _case("non_string_id", activity)

    def members(self) -> Case:
        r = self.random
        activity = a.team_install(self.url)
        if r.random() < 0.3:
            activity["channelData"] = {"tenant": {"id": a.TENANT}, "eventType": "teamMemberAdded"}
        value: Any = r.choice(
            (None, [None], [{}], [{"id": None}], [{"id": 5}], "x", 5, {}, [[]], [{"id": a.BOT_ID}, None])
        )
        key = r.choice(("membersAdded", "membersRemoved"))
        activity[key] = copy.deepcopy(value)
        if key == "membersRemoved":
            activity.pop("membersAdded", None)
        return _case("members", activity)

    def oversize(self) -> Case:
        r = self.random
        activity = self.valid()
        size = r.choice((10_000, 60_000, 200_000))
        field = r.choice(("text", "id", "conv", "locale", "name", "attachments", "entities", "from.name"))
        filler = "x" * size
        if field == "conv":
            activity["conversation"]["id"] = filler
        elif field == "attachments":
            activity["attachments"] = [{"contentType": "text/plain", "content": "x"}] * (size // 50)
        elif field == "entities":
            activity["entities"] = [{"type": "mention", "text": "x"}] * (size // 30)
        elif field == "from.name":
            activity["from"]["name"] = filler
        else:
            activity[field] = filler
        return _case("oversize", activity)

    def unicode(self) -> Case:
        r = self.random
        activity = self.valid()
        odd = r.choice(ODD_TEXT)
        where = r.choice(("text", "id", "conv", "locale", "from.name", "name", "tenant"))
        if where == "conv":
            activity["conversation"]["id"] = odd
        elif where == "from.name":
            activity["from"]["name"] = odd
        elif where == "tenant":
            activity["channelData"]["tenant"]["id"] = odd
        else:
            activity[where] = odd
        if r.random() < 0.15:  # not even UTF-8
            return Case("unicode", b'{"type": "message", "text": "\xff\xfe\xc3"}', None)
        return _case("unicode", activity)

    def service_url(self) -> Case:
        activity = self.valid()
        activity["serviceUrl"] = copy.deepcopy(self.random.choice(BAD_SERVICE_URLS))
        return _case("service_url", activity)

    def made_up_type(self) -> Case:
        activity = self.valid()
        activity["type"] = f"type-{self.random.randrange(10**9)}"
        return _case("made_up_type", activity)

    def mutation(self) -> Case:
        r = self.random
        activity = self.valid()
        for _ in range(r.randint(1, 3)):
            paths = list(_paths(activity))
            path = r.choice(paths)
            replacement = r.choice(NON_OBJECTS + NON_STRINGS + ODD_TEXT)
            _set(activity, path, copy.deepcopy(replacement))
        return _case("mutation", activity)

    def cases(self, count: int) -> Iterator[Case]:
        families = (
            self.nested,
            self.invoke_value,
            self.invoke_value,
            self.non_string_id,
            self.non_string_id,
            self.members,
            self.oversize,
            self.unicode,
            self.service_url,
            self.made_up_type,
            self.mutation,
            self.mutation,
        )
        for index in range(count):
            yield families[index % len(families)]()


def _set(document: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    target: Any = document
    for key in path[:-1]:
        if not isinstance(target.get(key), dict):
            target[key] = {}
        target = target[key]
    target[path[-1]] = value


def _paths(document: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(document, dict):
        for key, value in document.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
