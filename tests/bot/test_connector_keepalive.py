"""A pooled keep-alive connection the Bot Connector dropped while it was idle: the reply goes again once on a
fresh connection; a POST that may have been processed (a reset on a new connection) is not sent twice."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from botbuilder.schema import Activity

from bot.connector import _Conversations, _Token, reuse_trace
from tests.harness import activities as a
from tests.harness.connector import ConnectorDouble
from tests.harness.running import RunningBot


async def test_a_reply_on_a_dropped_idle_connection_is_sent_again_once(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    assert (await bot.post(a.personal_message(connector.url, "apua"))).status == 200
    await connector.wait_for(1)
    connector.drop_idle()  # the connection the reply came on is pooled; the double forgets it
    second = a.personal_message(connector.url, "help", locale="en-US")
    assert (await bot.post(second)).status == 200
    sent = await connector.wait_for(2)
    assert connector.dropped == 1
    assert len(sent) == 2 and sent[1].path.endswith(f"/activities/{second['id']}")
    assert "Hi, I'm Vertaisbotti" in str(sent[1].body)


@pytest.fixture
async def conversations(connector: ConnectorDouble) -> AsyncIterator[_Conversations]:
    async with aiohttp.ClientSession(trace_configs=[reuse_trace()]) as session:
        yield _Conversations(None, session, connector.url, _Token(None))


def _message() -> Activity:
    return Activity(type="message", text="hei")


async def test_an_update_on_a_dropped_connection_is_sent_again(
    conversations: _Conversations, connector: ConnectorDouble
) -> None:
    await conversations.send_to_conversation("a:chat", _message())
    connector.drop_idle()
    await conversations.update_activity("a:chat", "1", _message())
    assert connector.dropped == 1
    assert [s.method for s in connector.sent] == ["POST", "PUT"]


async def test_a_post_reset_on_a_new_connection_is_not_sent_twice(
    conversations: _Conversations, connector: ConnectorDouble
) -> None:
    connector.reset_next()
    with pytest.raises(aiohttp.ClientError):
        await conversations.send_to_conversation("a:chat", _message())
    assert connector.dropped == 1 and connector.sent == []
