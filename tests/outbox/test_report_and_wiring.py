"""The delivery report in Finnish and English, the catalog keys of the outbox, and the worker inside the
running service: `send_later` from a feature reaches the connector, and shutdown stops the worker."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.app import SERVICES
from bot.i18n import Catalogs
from bot.outbox import OutboxWorker, send_later
from bot.outbox.report import describe, report_text
from core.errors import NotFound
from core.outbox import DeliveryReport, NotReached, Reason
from store import SqlStore
from tests.harness.running import make_settings, running_bot
from tests.outbox.helpers import broadcast, person_key, until_done
from tests.outbox.throttling import ThrottlingConnector

REPORT = DeliveryReport(
    "survey-1",
    sent=240,
    pending=3,
    failed={Reason.UNREACHABLE: 22, Reason.EXHAUSTED: 1},
    not_reached=[NotReached(f"Henkilö {i}", Reason.UNREACHABLE, "403") for i in range(22)]
    + [NotReached("Maija", Reason.EXHAUSTED, "502")],
)


def test_report_in_finnish_and_english() -> None:
    fi = describe(REPORT, Catalogs().for_locale("fi-FI"))
    en = describe(REPORT, Catalogs().for_locale("en-US"))
    assert "240/266" in fi and "Jonossa odottaa vielä 3 viestiä." in fi and "22 vastaanottajaa jäi" in fi
    assert "Delivered to 240 of 266" in en and "22 recipients could not be reached" in en
    assert "Henkilö 0" in en and "Henkilö 19" in en and "Henkilö 20" not in en  # 20 named, then a count
    assert "…and 3 more." in en and "…ja 3 muuta." in fi
    assert "rejected" not in en.lower() and "refused" not in en  # no line for a reason with no failures
    assert "1 message was not delivered" in en and "1 viesti jäi toimittamatta" in fi


def test_report_says_nothing_of_an_empty_queue_and_counts_one_recipient_as_one() -> None:
    done = DeliveryReport("survey-2", sent=1, pending=0, failed={}, not_reached=[])
    assert describe(done, Catalogs().for_locale("fi")) == "Viesti on toimitettu 1/1 vastaanottajalle."
    assert describe(done, Catalogs().for_locale("en")) == "Delivered to 1 of 1 recipient."


@pytest.mark.parametrize("locale", ["fi", "en"])
def test_every_outbox_message_exists_and_formats(locale: str) -> None:
    t = Catalogs().for_locale(locale)
    params = {"kind": "x", "broadcast": "b", "count": 2, "names": "n", "sent": 1}
    params |= {"size": 90, "limit": 80}
    keys = [f"outbox.report.failed.{reason.value}" for reason in Reason] + [
        "outbox.report.summary",
        "outbox.report.pending",
        "outbox.report.not_reached",
        "outbox.report.and_more",
        "outbox.error.bad_target",
        "outbox.error.no_service_url",
        "outbox.error.no_user",
        "outbox.error.no_conversation",
        "outbox.error.incomplete",
        "outbox.error.not_a_message",
        "outbox.error.unknown_broadcast",
        "outbox.error.not_json",
        "outbox.error.too_large",
    ]
    for key in keys:
        assert t(key, **params).strip()


async def test_report_of_unknown_broadcast_is_not_found(sqlite_store: SqlStore) -> None:
    with pytest.raises(NotFound):
        await report_text(sqlite_store, "no-such-broadcast", Catalogs().for_locale("fi"))
    await sqlite_store.enqueue(broadcast("http://connector.invalid/", 2))
    text = await report_text(sqlite_store, "survey-1", Catalogs().for_locale("en"))
    assert text == "Delivered to 0 of 2 recipients.\n\n2 messages are still waiting in the queue."


async def test_the_service_runs_the_worker_and_send_later_reaches_people(tmp_path: Path) -> None:
    async with ThrottlingConnector(global_rate=200.0, global_burst=10.0) as double:
        async with running_bot(make_settings(tmp_path)) as bot:
            assert bot.app is not None
            services = bot.app[SERVICES]
            assert isinstance(services.outbox, OutboxWorker)
            assert await send_later(services, broadcast(double.url, 5)) == 5
            assert await send_later(services, broadcast(double.url, 5)) == 0  # the same keys again
            report = await until_done(services.store, "survey-1", within=20)
            await asyncio.sleep(0.2)  # the outcomes counted when their batch is written
            _, metrics = await bot.get("/metrics")
        assert report.sent == 5
        assert 'vertaisbotti_outbox_outcomes_total{reason="",state="sent"} 5.0' in metrics
        assert sorted(s.conversation_id for s in double.sent) == [person_key(i) for i in range(5)]


async def test_a_person_who_already_chats_with_the_bot_is_reached_in_that_chat(tmp_path: Path) -> None:
    from core.conversations import ConversationRef

    async with ThrottlingConnector(global_rate=200.0, global_burst=10.0) as double:
        async with running_bot(make_settings(tmp_path)) as bot:
            assert bot.app is not None
            services = bot.app[SERVICES]
            messages = broadcast(double.url, 2, kind="person")
            known = messages[0].target.user_id
            assert known is not None
            await services.store.save_conversation(
                ConversationRef(double.url, "a:existing-chat", None, "personal", user_aad_id=known)
            )
            await send_later(services, messages)
            report = await until_done(services.store, "survey-1", within=20)
        assert report.sent == 2
        created = [s for s in double.sent if s.path == "/v3/conversations"]
        assert len(created) == 1, "only the person without a chat gets a new one"
        assert "a:existing-chat" in [s.conversation_id for s in double.sent]
