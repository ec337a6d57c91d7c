"""What an operator sees: log lines that carry the turn's ids, one summary line per turn, and /metrics."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest

from bot.build import version
from bot.logs import TEXT_FORMAT, JsonFormatter, TurnFieldsFilter, TurnLog, turn_scope, user_hash
from tests.harness import activities as a
from tests.harness.connector import ConnectorDouble
from tests.harness.running import RunningBot

LogLines = Callable[[], list[dict]]


@pytest.fixture
def json_log() -> Iterator[LogLines]:
    """The service's JSON log handler on the root logger; yields a function reading the lines so far."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(TurnFieldsFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def summaries(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "bot.turns"]


async def test_a_failed_turn_logs_with_its_ids_and_one_summary(
    bot: RunningBot, connector: ConnectorDouble, json_log: LogLines
) -> None:
    connector.fail_next(403, count=2)  # the reply and the apology are both refused
    activity = a.personal_message(connector.url, "apua")
    assert (await bot.post(activity)).status == 200
    await connector.wait_for(2)

    lines = json_log()
    [failed] = [line for line in lines if line["message"].startswith("turn failed")]
    ids = {
        "activity": activity["id"],
        "conversation": "a:personal-maija",
        "tenant": a.TENANT,
        "user": user_hash(a.MAIJA.aad),
    }
    assert {key: failed[key] for key in ids} == ids
    [summary] = summaries(lines)
    assert {key: summary[key] for key in ids} == ids
    assert (summary["type"], summary["route"], summary["outcome"], summary["status"]) == (
        "message",
        "help",
        "failed",
        200,
    )
    assert summary["ms"] >= 0
    assert a.MAIJA.aad not in json.dumps(lines)  # the person's id itself is never logged


async def test_the_summary_names_the_command_never_the_words_typed(
    bot: RunningBot, connector: ConnectorDouble, json_log: LogLines
) -> None:
    await bot.post(a.personal_message(connector.url, "liity Salainen verkosto"))
    await bot.post(a.card_action(connector.url, "no.such.verb", {}))
    await connector.settle()
    lines = json_log()
    routes = [(line["type"], line["route"], line["outcome"]) for line in summaries(lines)]
    assert routes == [("message", "join", "ok"), ("invoke", "action:no.such.verb", "ok")]
    assert "Salainen" not in json.dumps(lines)


async def test_rejected_requests_are_summarised_with_what_was_understood(
    bot: RunningBot, connector: ConnectorDouble, json_log: LogLines
) -> None:
    direct_line = a.personal_message(connector.url, "help", channelId="directline")
    assert (await bot.post(direct_line)).status == 403
    lines = json_log()
    [rejected] = [line for line in lines if line["message"].startswith("request rejected")]
    assert rejected["activity"] == direct_line["id"]
    [summary] = summaries(lines)
    assert (summary["route"], summary["outcome"], summary["status"]) == ("help", "rejected", 403)


def test_text_lines_carry_the_ids_in_brackets() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(TurnFieldsFilter())
    handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    logger = logging.getLogger("tests.text_lines")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("outside")
        with turn_scope(TurnLog(activity="f:1", conversation="a:c", tenant="t", user="abc")):
            logger.warning("inside")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    outside, inside = stream.getvalue().splitlines()
    assert outside.endswith("tests.text_lines: outside")
    assert inside.endswith("inside [activity=f:1 conversation=a:c tenant=t user=abc]")


async def test_metrics_show_the_process_the_build_and_the_outbox(bot: RunningBot) -> None:
    status, text = await bot.get("/metrics")
    assert status == 200
    for family in (
        "process_resident_memory_bytes",
        "process_cpu_seconds_total",
        "process_open_fds",
        "python_info{",
        'vertaisbotti_build_info{python="',
        "vertaisbotti_outbox_due_messages 0.0",
        "vertaisbotti_outbox_sending_messages 0.0",
        "vertaisbotti_outbox_oldest_due_seconds 0.0",
        "# TYPE vertaisbotti_graph_requests_total counter",
        "# TYPE vertaisbotti_graph_request_seconds histogram",
    ):
        assert family in text, family
    [build] = [line for line in text.splitlines() if line.startswith("vertaisbotti_build_info{")]
    assert f'version="{version()}"' in build and 'revision="unknown"' in build
