"""The survey's delivery report: the coordinator gets it as a card in personal chat once the announcement and
every form are out (once, even with two instances), and `kartoitus tila` shows the same at any time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.app import DELIVERY_REPORTS
from core import delivery_reports
from core.delivery_reports import ReportRequest
from core.outbox import Outcome, OutgoingMessage, State, Target
from store import SqlStore
from store.delivery_reports import DeliveryReportRow
from tests.harness.activities import MAIJA, MATTI, TENANT, User
from tests.networks.conftest import World, card_text

PEKKA = User("pekka", "Pekka Estäjä", "pekka@sakky.fi")


def report_cards(world: World, topic: str = "toimitusraportti") -> list[dict[str, object]]:
    return [s.card for s in world.connector.sent if s.card and topic in card_text(s.card).casefold()]


async def test_the_coordinator_gets_the_report_once_the_survey_is_out(world: World) -> None:
    world.connector.members.append(PEKKA.member())  # in the project team, and has blocked the bot
    world.connector.blocked.add(PEKKA.aad)
    replies = await world.say("kartoitus aloita")
    assert "Kartoitus on aloitettu" in replies[0]["text"]
    survey = await world.store.open_survey()
    assert survey is not None
    report = await world.delivered(survey.broadcast, 5)
    assert (report.sent, report.total) == (4, 5)

    reporter = world.bot.app[DELIVERY_REPORTS]  # type: ignore[index]
    await reporter.stop()  # its own rounds (every 15 s) would race this test's
    assert await reporter.tick() == 1
    assert await reporter.tick() == 0  # once
    await world.delivered(f"report:{survey.broadcast}", 1)
    [card] = [c for c in await world.chat_cards(MAIJA) if "Kartoituksen toimitusraportti" in card_text(c)]
    text = card_text(card)
    assert "Viesti on toimitettu 4/5 vastaanottajalle." in text and "Lähetys on valmis" in text
    assert (
        '"title": "Ei tavoitettu", "value": "1"' in text and '"title": "Jonossa vielä", "value": "0"' in text
    )
    assert "hän on estänyt tai poistanut botin" in text and "Tavoittamatta jäivät: Pekka Estäjä" in text

    # `survey status` in English: the same counts, in the asker's personal chat.
    replies = await world.say("survey status", locale="en-US")
    [status] = [r["attachments"][0]["content"] for r in replies if r.get("attachments")]
    shown = card_text(status)
    assert "Survey delivery report" in shown and "Delivered to 4 of 5 recipients." in shown
    assert '"title": "Not reachable", "value": "1"' in shown and "Pekka Estäjä" in shown


async def test_only_the_coordinator_sees_the_delivery_report(world: World) -> None:
    await world.say("kartoitus aloita")
    replies = await world.say("kartoitus tila", MATTI)
    assert replies[0]["text"] == "Only the project coordinator can see the delivery report."
    assert not report_cards(world)


def request(url: str, broadcast: str) -> ReportRequest:
    where = Target("person", url, user_id="aad-maija", tenant_id=TENANT)
    return ReportRequest(broadcast, "aad-maija", where, "survey", datetime(2026, 12, 1, tzinfo=UTC), "fi")


class Cards:
    def messages(self, request: ReportRequest, delivery: delivery_reports.Delivery) -> list[OutgoingMessage]:
        key = f"report:{request.broadcast}"
        text = f"{delivery.report.sent}/{delivery.report.total}"
        return [
            OutgoingMessage(key, key, request.recipient, request.target, {"type": "message", "text": text})
        ]


async def test_a_finished_broadcast_is_reported_once_across_instances(store: SqlStore) -> None:
    url = "https://smba.example/teams/"
    form = OutgoingMessage(
        "survey:s1:person:a",
        "survey:s1",
        "aad-a",
        Target("person", url, user_id="aad-a"),
        {"type": "message", "text": "lomake"},
    )
    await store.start_survey("s1", "team-1", "aad-maija", [form], request(url, "survey:s1"))
    assert await delivery_reports.send_finished(store, Cards()) == 0  # the form is still queued
    [claimed] = await store.claim_due("w", 10, 30.0)
    await store.record_outcomes("w", [Outcome(claimed.id, State.SENT, datetime.now(UTC))])
    both = await asyncio.gather(*(delivery_reports.send_finished(store, Cards()) for _ in range(2)))
    assert sorted(both) == [0, 1]  # two instances: one report
    [queued] = await store.claim_due("w", 10, 30.0)
    assert queued.message.recipient == "aad-maija" and queued.message.activity["text"] == "1/1"
    # Retention: the request goes with the last row of its broadcast.
    await store.purge_outbox_before(datetime.now(UTC) + timedelta(days=1))
    async with store.engine.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(DeliveryReportRow))).scalar_one() == 0
