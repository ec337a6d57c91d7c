"""The edge of /api/messages (issue 14): what Teams would never send is a 400 with one log line and nothing
sent; invokes Teams does send but the bot has no feature for get their documented answer, never a 5xx."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from pathlib import Path

import pytest

from bot.failures import FailureLog
from bot.metrics import Metrics, error_kind
from tests.harness import activities as a
from tests.harness.connector import ConnectorDouble
from tests.harness.fuzz import TEAMS_INVOKES
from tests.harness.running import RunningBot, make_settings, running_bot


async def raw_post(bot: RunningBot, data: bytes) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    async with bot.session.post(bot.messages_url, data=data, headers=headers) as response:
        return response.status, await response.json(content_type=None)


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 50_000,
        b'{"a":' * 30_000 + b"1" + b"}" * 30_000,
        b'{"type": "message", "value": ' + b"[" * 3_000 + b"]" * 3_000 + b"}",
    ],
    ids=["50k-brackets", "30k-objects", "deep-value"],
)
async def test_deeply_nested_json_is_400_before_authentication_without_a_traceback(
    bot: RunningBot, connector: ConnectorDouble, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    caplog.set_level(logging.INFO)
    status, answer = await raw_post(bot, body)
    assert status == 400
    assert "nested" in answer["error"]
    assert not _tracebacks(caplog)
    assert await connector.settle(0.1) == []


async def test_a_value_nested_deep_in_a_real_activity_is_400(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    activity = a.personal_message(connector.url, "apua")
    value: object = 1
    for _ in range(200):
        value = {"a": value}
    activity["value"] = value
    status, _ = await raw_post(bot, json.dumps(activity).encode())
    assert status == 400
    assert await connector.settle(0.1) == []


NON_OBJECT_INVOKES = [name for name in TEAMS_INVOKES if name != "adaptiveCard/action"]


@pytest.mark.parametrize("name", NON_OBJECT_INVOKES)
@pytest.mark.parametrize("value", ["0", 1, None, ["x"]], ids=["str", "int", "null", "list"])
async def test_an_invoke_whose_value_is_not_an_object_is_400_with_one_log_line(
    bot: RunningBot, connector: ConnectorDouble, caplog: pytest.LogCaptureFixture, name: str, value: object
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    status, answer = await bot.post_json(a.invoke(connector.url, name, value))
    assert status == 400
    assert name in answer["error"]
    [line] = [r for r in caplog.records if r.name == "bot.adapter"]
    assert line.message.startswith("request rejected: 400") and not line.exc_info
    assert await connector.settle(0.05) == []


@pytest.mark.parametrize(
    "value",
    [
        {"action": "accept", "context": {}, "uploadInfo": 5},
        {"action": "accept", "context": {}, "uploadInfo": "x"},
        {"action": 7, "context": {}},
        {"action": "accept", "uploadInfo": {"uploadUrl": 5}},
    ],
)
async def test_file_consent_with_parts_of_the_wrong_type_is_400(
    bot: RunningBot, connector: ConnectorDouble, value: dict
) -> None:
    status, _ = await bot.post_json(a.invoke(connector.url, "fileConsent/invoke", value))
    assert status == 400
    assert await connector.settle(0.05) == []


NOTE_FI = "Vertaisbotissa ei ole tätä toimintoa. Kirjoita minulle ”apua”, niin näet, mitä osaan."
NOTE_EN = "Vertaisbotti doesn't have this feature. Write “help” to me to see what I can do."


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("task/fetch", {"task": {"type": "message", "value": NOTE_FI}}),
        ("task/submit", {"task": {"type": "message", "value": NOTE_FI}}),
        ("composeExtension/fetchTask", {"task": {"type": "message", "value": NOTE_FI}}),
        ("message/fetchTask", {"task": {"type": "message", "value": NOTE_FI}}),
        ("composeExtension/query", {"composeExtension": {"type": "message", "text": NOTE_FI}}),
        ("composeExtension/queryLink", {"composeExtension": {"type": "message", "text": NOTE_FI}}),
        ("composeExtension/anonymousQueryLink", {"composeExtension": {"type": "message", "text": NOTE_FI}}),
        ("composeExtension/selectItem", {"composeExtension": {"type": "message", "text": NOTE_FI}}),
        ("composeExtension/submitAction", {"composeExtension": {"type": "message", "text": NOTE_FI}}),
        ("composeExtension/querySettingUrl", {"composeExtension": {"type": "message", "text": NOTE_FI}}),
        ("config/fetch", {"responseType": "config", "config": {"type": "message", "value": NOTE_FI}}),
        ("config/submit", {"responseType": "config", "config": {"type": "message", "value": NOTE_FI}}),
        (
            "application/search",
            {
                "statusCode": 200,
                "type": "application/vnd.microsoft.search.searchResponse",
                "value": {"results": []},
            },
        ),
        ("actionableMessage/executeAction", None),
        ("composeExtension/setting", None),
        ("composeExtension/onCardButtonClicked", None),
        ("signin/verifyState", None),
        ("signin/failure", None),
        ("message/submitAction", None),
        ("handoff/action", None),
    ],
)
async def test_teams_invokes_without_a_feature_get_their_documented_answer(
    bot: RunningBot, connector: ConnectorDouble, name: str, expected: dict | None
) -> None:
    status, body = await bot.post_json(a.invoke(connector.url, name, {"commandId": "x", "state": "y"}))
    assert (status, body) == (200, expected)
    assert await connector.settle(0.05) == []


async def test_the_not_supported_note_is_in_the_users_language(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    status, body = await bot.post_json(a.invoke(connector.url, "task/fetch", {"data": {}}, a.MATTI))
    assert (status, body) == (200, {"task": {"type": "message", "value": NOTE_EN}})


async def test_tab_fetch_gets_a_card_and_token_exchange_a_precondition_failure(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    status, body = await bot.post_json(a.invoke(connector.url, "tab/fetch", {"tabContext": {}}))
    assert status == 200
    assert body["tab"]["type"] == "continue"
    assert body["tab"]["value"]["cards"][0]["card"]["body"][0]["text"] == NOTE_FI
    value = {"id": "x1", "connectionName": "sso", "token": "t"}
    status, body = await bot.post_json(a.invoke(connector.url, "signin/tokenExchange", value))
    assert status == 412
    assert (body["id"], body["connectionName"]) == ("x1", "sso")


async def test_an_invoke_name_teams_does_not_send_is_400(bot: RunningBot, connector: ConnectorDouble) -> None:
    status, body = await bot.post_json(a.invoke(connector.url, "application/unknownThing", {"x": 1}))
    assert status == 400
    assert "application/unknownThing" in body["error"]
    assert await connector.settle(0.05) == []


def _with(activity: dict, path: tuple[str, ...], value: object) -> dict:
    target = activity
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return activity


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("conversation", "id"), 12345),
        (("conversation", "id"), ["a:personal-maija"]),
        (("conversation", "id"), {"id": "a:personal-maija"}),
        (("conversation",), "a:personal-maija"),
        (("id",), 5),
        (("from", "id"), 29),
        (("from", "aadObjectId"), ["aad-maija"]),
        (("from",), "29:maija"),
        (("recipient", "id"), 0),
        (("channelId",), ["msteams"]),
        (("type",), 1),
        (("text",), {"text": "apua"}),
        (("channelData", "tenant", "id"), 7),
        (("channelData",), "x"),
        (("attachments",), "x"),
        (("attachments",), [None]),
        (("entities",), {"type": "mention"}),
        (("conversation", "id"), "a:" + "x" * 5000),
        (("conversation", "id"), "a:\u202epersonal"),
        (("text",), "apua\u0000"),
    ],
)
async def test_an_activity_whose_parts_are_not_what_teams_sends_is_400_and_sends_nothing(
    bot: RunningBot, connector: ConnectorDouble, path: tuple[str, ...], value: object
) -> None:
    activity = _with(a.personal_message(connector.url, "apua"), path, value)
    status, body = await raw_post(bot, json.dumps(activity).encode())
    assert status == 400, body
    assert body["error"]
    assert await connector.settle(0.1) == []


async def test_a_lone_surrogate_is_400_but_an_escaped_emoji_is_fine(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    activity = a.personal_message(connector.url, "apua")
    lone = json.dumps(activity).replace('"apua"', '"apua \\ud800"').encode()
    assert (await raw_post(bot, lone))[0] == 400
    pair = json.dumps({**activity, "id": "f:emoji"}).replace('"apua"', '"apua \\ud83d\\ude00"').encode()
    assert (await raw_post(bot, pair))[0] == 200
    await connector.wait_for(1)


@pytest.mark.parametrize(
    "url",
    ["", "not a url", "ftp://example.com/", "http://", "http://[::1", "javascript:alert(1)",
     "http://127.0.0.1:99999/", "https://a b.example/", "file:///etc/passwd", 12345, ["http://x/"]],
)  # fmt: skip
async def test_an_unusable_service_url_is_400(
    bot: RunningBot, connector: ConnectorDouble, url: object
) -> None:
    activity = a.personal_message(connector.url, "apua")
    activity["serviceUrl"] = url
    status, _ = await raw_post(bot, json.dumps(activity).encode())
    assert status == 400
    assert await connector.settle(0.05) == []


@pytest.mark.parametrize("members", [[None], [{}], [{"id": None}], [{"id": 5}], "x", 5, {"id": "29:x"}, [[]]])
async def test_members_added_that_are_not_accounts_with_ids_are_400(
    bot: RunningBot, connector: ConnectorDouble, members: object
) -> None:
    activity = a.team_install(connector.url)
    activity["membersAdded"] = members
    status, _ = await raw_post(bot, json.dumps(activity).encode())
    assert status == 400
    assert await connector.settle(0.05) == []


async def test_members_added_null_is_a_conversation_update_without_members(
    bot: RunningBot, connector: ConnectorDouble, caplog: pytest.LogCaptureFixture
) -> None:
    activity = a.team_install(connector.url)
    activity["membersAdded"] = None
    status, _ = await raw_post(bot, json.dumps(activity).encode())
    assert status == 200
    assert not _tracebacks(caplog)


async def test_made_up_activity_types_share_one_metrics_label(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    _, before = await bot.get("/metrics")
    for index in range(300):
        activity = a.personal_message(connector.url, "apua", id=f"f:type-{index}")
        activity["type"] = f"madeUp{index}"
        assert (await raw_post(bot, json.dumps(activity).encode()))[0] == 200
    _, after = await bot.get("/metrics")
    assert 'vertaisbotti_turns_total{outcome="ok",type="other"} 300.0' in after
    assert "madeUp" not in after
    assert len(after) - len(before) < 4000


def test_turn_error_kinds_come_from_a_closed_set() -> None:
    class Weird(Exception):
        pass

    class LocalTimeout(TimeoutError):
        pass

    assert error_kind(Weird()) == "other"
    assert error_kind(LocalTimeout()) == "TimeoutError"
    assert error_kind(ConnectionRefusedError()) == "ConnectionError"
    metrics = Metrics()
    metrics.observe_turn("x" * 50, 200, 0.01)
    metrics.observe_turn_error(Weird())
    text = metrics.render().decode()
    assert 'type="other"' in text and 'kind="other"' in text


async def test_a_database_outage_logs_the_traceback_once_a_line_per_turn_and_a_summary(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the database directory should be", encoding="utf-8")
    settings = make_settings(
        tmp_path, DATABASE_URL=f"sqlite:///{blocker / 'var' / 'bot.db'}", LOG_SUMMARY_SECONDS="0.5"
    )
    turns = 40
    async with running_bot(settings) as bot, ConnectorDouble() as connector:
        caplog.clear()
        caplog.set_level(logging.INFO)
        for _ in range(turns):
            assert (await bot.post(a.personal_message(connector.url, "apua"))).status == 200
        await connector.wait_for(turns)  # every turn got the apology
        await asyncio.sleep(1.2)  # at least one summary interval after the last failure
        records = [r for r in caplog.records if r.name == "bot.turn"]
    failed = [r for r in records if r.getMessage().startswith("turn failed")]
    assert len(failed) == turns
    assert sum(1 for r in records if r.exc_info) == 1
    assert all("\n" not in r.getMessage() and len(r.getMessage()) < 600 for r in failed)
    summaries = [r.getMessage() for r in records if " failures of " in r.getMessage()]
    assert sum(int(line.split()[0]) for line in summaries) == turns
    text = "".join(caplog.text)
    assert len(text) < turns * 800 + 20_000, f"{len(text)} characters of log for {turns} failed turns"


def test_each_kind_of_failure_shows_its_traceback_once_per_episode(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    failures = FailureLog(logging.getLogger("test.failures"), interval=10.0, clock=lambda: now[0])

    def fail(error: Exception) -> None:
        try:
            raise error
        except Exception as raised:
            failures.failed("turn %s failed", "x", error=raised)

    caplog.set_level(logging.INFO, logger="test.failures")
    for _ in range(3):
        fail(TimeoutError("db"))  # one kind: one traceback
    fail(KeyError("other"))  # another kind (type and line): its own traceback
    now[0] = 5.0
    fail(TimeoutError("db"))
    now[0] = 11.0
    fail(TimeoutError("db"))  # the summary of the first interval comes out with it
    now[0] = 30.0
    fail(TimeoutError("db"))  # quiet for a whole interval: a new episode shows the traceback again
    with_trace = [r.getMessage() for r in caplog.records if r.exc_info]
    assert len(with_trace) == 3
    lines = [r.getMessage() for r in caplog.records]
    assert "5 failures of TimeoutError in the last 11 s" in lines
    assert "1 failures of KeyError in the last 11 s" in lines
    assert "turn x failed: TimeoutError: db" in lines


async def test_readiness_and_metrics_are_on_the_management_port_not_the_public_one(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    assert bot.management_url and bot.management_url != bot.url
    for path in ("/readyz", "/metrics"):
        async with bot.session.get(bot.url + path) as response:
            assert response.status == 404
        async with bot.session.get(bot.management_url + path) as response:
            assert response.status == 200
    async with bot.session.get(bot.url + "/healthz") as response:
        assert response.status == 200  # the container HEALTHCHECK and liveness probe stay public
    host = bot.management_url.split("//", 1)[1].rsplit(":", 1)[0]
    assert host == "127.0.0.1"


async def test_a_metrics_token_opens_them_on_the_service_port_to_its_bearer(tmp_path: Path) -> None:
    token = "t" * 32
    settings = make_settings(tmp_path, METRICS_TOKEN=token, MANAGEMENT_PORT="")
    async with running_bot(settings) as bot:
        assert bot.management_url == ""
        for path in ("/readyz", "/metrics"):
            async with bot.session.get(bot.url + path) as response:
                assert response.status == 401
                assert response.headers["WWW-Authenticate"] == "Bearer"
            wrong = {"Authorization": "Bearer " + "u" * 32}
            async with bot.session.get(bot.url + path, headers=wrong) as response:
                assert response.status == 401
            right = {"Authorization": f"Bearer {token}"}
            async with bot.session.get(bot.url + path, headers=right) as response:
                assert response.status == 200
                assert path != "/metrics" or "vertaisbotti_turns_total" in await response.text()


def test_management_settings_are_checked() -> None:
    from pydantic import ValidationError

    from bot.settings import Settings

    with pytest.raises(ValidationError, match="METRICS_TOKEN"):
        Settings(_env_file=None, METRICS_TOKEN="short")
    with pytest.raises(ValidationError, match="MANAGEMENT_PORT"):
        Settings(_env_file=None, PORT=4000, MANAGEMENT_PORT=4000)
    assert Settings(_env_file=None).management_port == 3979
    assert Settings(_env_file=None, MANAGEMENT_PORT="").management_port is None


async def test_a_busy_management_port_leaves_the_bot_answering(
    tmp_path: Path, connector: ConnectorDouble, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        settings = make_settings(tmp_path, MANAGEMENT_PORT=str(taken.getsockname()[1]))
        async with running_bot(settings) as bot:
            assert bot.management_url == ""
            assert (await bot.post(a.personal_message(connector.url, "apua"))).status == 200
            await connector.wait_for(1)
    assert any("management listener not started" in r.getMessage() for r in caplog.records)
