"""The HTTP edge: bad requests are refused with a clear status and the bot sends nothing."""

from __future__ import annotations

import json

import aiohttp
import pytest

from tests.harness import activities as a
from tests.harness.connector import ConnectorDouble
from tests.harness.running import RunningBot


async def raw_post(bot: RunningBot, data: bytes, content_type: str = "application/json") -> tuple[int, dict]:
    async with bot.session.post(
        bot.messages_url, data=data, headers={"Content-Type": content_type}
    ) as response:
        return response.status, await response.json(content_type=None)


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b"\xff\xfe", "application/json", 400),
        (b'{"type": "message"}', "text/plain", 415),
        (b'{"type": "message", "text": "apua"}', "application/json", 400),
        (b'{"text": "apua", "serviceUrl": "http://x", "conversation": {"id": "c"}}', "application/json", 400),
    ],
)
async def test_malformed_requests_are_refused(
    bot: RunningBot, connector: ConnectorDouble, data: bytes, content_type: str, status: int
) -> None:
    got, body = await raw_post(bot, data, content_type)
    assert got == status
    assert body["error"]
    assert await connector.settle(0.1) == []


async def test_activity_without_conversation_is_refused(bot: RunningBot, connector: ConnectorDouble) -> None:
    activity = a.personal_message(connector.url, "apua")
    del activity["conversation"]
    got, _ = await raw_post(bot, json.dumps(activity).encode())
    assert got == 400
    assert await connector.settle(0.1) == []


async def test_oversize_body_is_413(bot: RunningBot, connector: ConnectorDouble) -> None:
    activity = a.personal_message(connector.url, "apua " + "x" * (300 * 1024))
    got, body = await raw_post(bot, json.dumps(activity).encode())
    assert got == 413
    assert "256" in body["error"] or "262144" in body["error"]
    assert await connector.settle(0.1) == []


async def test_unknown_invoke_is_400_not_a_crash(bot: RunningBot, connector: ConnectorDouble) -> None:
    status, _ = await bot.post_json(a.invoke(connector.url, "application/unknownThing", {"x": 1}))
    assert status == 400
    assert await connector.settle(0.1) == []


async def test_card_action_answers_with_the_card_in_the_http_response(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    status, body = await bot.post_json(a.card_action(connector.url, "help.language", {"lang": "en"}))
    assert status == 200
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert body["value"]["body"][0]["text"] == "Hi, I'm Vertaisbotti"
    assert body["value"]["actions"][0]["data"] == {"lang": "fi"}
    assert await connector.settle(0.1) == []


@pytest.mark.parametrize(
    ("verb", "data", "message"),
    [
        ("no.such.verb", {}, "Kortin toimintoa ei tunnistettu. Kortti voi olla vanhentunut."),
        ("help.language", {"lang": "de"}, "Kortin tiedot olivat puutteelliset tai virheelliset."),
        ("help.language", {}, "Kortin tiedot olivat puutteelliset tai virheelliset."),
    ],
)
async def test_forged_card_data_gets_a_localised_error(
    bot: RunningBot, connector: ConnectorDouble, verb: str, data: dict, message: str
) -> None:
    status, body = await bot.post_json(a.card_action(connector.url, verb, data))
    assert status == 200
    assert body["statusCode"] == 400
    assert body["type"] == "application/vnd.microsoft.error"
    assert body["value"]["message"] == message


async def test_card_action_with_malformed_value_is_an_error_not_a_crash(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    activity = a.card_action(connector.url, "help.language")
    activity["value"] = "not an object"
    status, body = await bot.post_json(activity)
    assert (status, body["statusCode"]) == (200, 400)


async def test_action_submit_routes_by_verb_and_replies_with_a_message(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    await bot.post(a.submit(connector.url, {"verb": "help.language", "lang": "en"}))
    [sent] = await connector.wait_for(1)
    assert sent.card["body"][0]["text"] == "Hi, I'm Vertaisbotti"


async def test_health_readiness_and_metrics(bot: RunningBot, connector: ConnectorDouble) -> None:
    await bot.post(a.personal_message(connector.url, "apua"))
    await raw_post(bot, b"{bad")
    assert await bot.get("/healthz") == (200, '{"status": "ok"}')
    status, _ = await bot.get("/readyz")
    assert status == 200
    status, text = await bot.get("/metrics")
    assert status == 200
    assert 'vertaisbotti_turns_total{outcome="ok",type="message"} 1.0' in text
    assert 'vertaisbotti_turns_total{outcome="rejected",type="-"} 1.0' in text
    assert 'vertaisbotti_turn_seconds_count{type="message"} 1.0' in text


async def test_connector_failure_ends_in_the_turn_error_handler_without_a_crash(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    connector.fail_next(403, count=2)
    response = await bot.post(a.personal_message(connector.url, "apua"))
    assert response.status == 200
    sent = await connector.wait_for(2)
    # The help reply failed; the apology was attempted (and refused too): the service stays up.
    assert sent[1].text.startswith("Pahoittelut")
    _, text = await bot.get("/metrics")
    assert 'vertaisbotti_turn_errors_total{kind="ConnectorError"} 1.0' in text


async def test_connector_throttling_is_retried_for_replies(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    connector.fail_next(429, count=1, retry_after=0)
    await bot.post(a.personal_message(connector.url, "apua"))
    sent = await connector.wait_for(2)
    assert sent[0].body == sent[1].body


async def test_get_on_messages_is_405(bot: RunningBot) -> None:
    async with aiohttp.ClientSession() as session, session.get(bot.messages_url) as response:
        assert response.status == 405


async def test_activities_from_other_channels_than_teams_are_refused(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    """Roles rest on `from.aadObjectId`, which only Teams vouches for."""
    status, body = await bot.post_json(a.personal_message(connector.url, "apua", channelId="directline"))
    assert status == 403 and "Microsoft Teams" in body["error"]
    assert await connector.settle(0.1) == []
