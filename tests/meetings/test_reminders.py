"""Day-before reminders: two service instances on one database, each running its reminder scheduler and
outbox worker, send every member exactly one reminder; meetings not yet due are left alone."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import REMINDERS, SERVICES
from bot.schedules.reminders import ReminderScheduler
from core.meetings import Meeting, Reach, reminder_time
from core.networks import LaunchStep, NetworkStatus
from core.people import Person
from store.networks import load_catalogue
from tests.harness.activities import BOT_ID, LIISA, MATTI, TENANT
from tests.harness.connector import ConnectorDouble
from tests.harness.running import make_settings, running_bot
from tests.meetings.conftest import HR, PEKKA


def _meeting(meeting_id: str, hours: float) -> Meeting:
    now = datetime.now(UTC)
    return Meeting(
        id=meeting_id,
        network_key=HR,
        theme=f"Teema {meeting_id}",
        starts_at=now + timedelta(hours=hours),
        presenters=(MATTI.aad,),
        facilitator=LIISA.aad,
        created_at=now,
    )


async def test_two_instances_remind_each_member_once(database_url: str, tmp_path: Path) -> None:
    url = database_url
    async with AsyncExitStack() as stack:
        connector = await stack.enter_async_context(ConnectorDouble())
        bots = [
            await stack.enter_async_context(
                running_bot(make_settings(tmp_path / name, DATABASE_URL=url, VAR_DIR=str(tmp_path / name)))
            )
            for name in ("a", "b")
        ]
        store = bots[0].app[SERVICES].store  # type: ignore[index]
        await store.seed_networks(await load_catalogue())
        await store.record_launch(
            HR, LaunchStep.DONE, channel_id="19:hr@thread.tacv2", status=NetworkStatus.ACTIVE
        )
        for user in (MATTI, LIISA, PEKKA):
            await store.upsert_person(
                Person(user.aad, name=user.name, email=user.email, locale=user.locale, tenant_id=TENANT)
            )
        for user in (LIISA, PEKKA):
            await store.join_network(HR, user.aad)
        reach = Reach(connector.url, TENANT, BOT_ID)
        await store.create_meeting(_meeting("soon", hours=3), reach)  # due: 09:00 yesterday has passed
        await store.create_meeting(_meeting("later", hours=24 * 5), reach)  # not due for days

        # Each instance runs its scheduler often, so the two race for every round.
        schedulers = []
        for bot in bots:
            services = bot.app[SERVICES]  # type: ignore[index]
            await bot.app[REMINDERS].stop()  # type: ignore[index]
            scheduler = ReminderScheduler(services, interval=0.02)
            scheduler.start()
            stack.push_async_callback(scheduler.stop)
            schedulers.append(scheduler)

        deadline = asyncio.get_running_loop().time() + 20
        while True:
            report = await store.delivery_counts("meeting:soon:reminder")
            if report.total == 3 and report.done:
                break
            assert asyncio.get_running_loop().time() < deadline, report
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # many more scheduler rounds on both instances
        sent = await connector.settle(0.2)

        assert report.sent == 3
        chats = Counter(
            s.body["members"][0]["id"]
            for s in sent
            if s.path == "/v3/conversations" and s.body.get("members")
        )
        assert chats == {MATTI.aad: 1, LIISA.aad: 1, PEKKA.aad: 1}
        reminders = [json.dumps(s.body, ensure_ascii=False) for s in sent if "/activities" in s.path]
        assert len(reminders) == 3
        assert sum("Muistutus: tapaaminen ”Teema soon” on huomenna" in r for r in reminders) == 2
        assert (
            sum("Reminder: the meeting “Teema soon” is tomorrow" in r for r in reminders) == 1
        )  # Matti: English
        assert (await store.delivery_counts("meeting:later:reminder")).total == 0
        assert [m.id for m, _ in await store.meetings_to_remind(datetime.now(UTC), timedelta(days=7))] == [
            "later"
        ]


async def test_concurrent_ticks_queue_one_set(tmp_path: Path) -> None:
    async with AsyncExitStack() as stack:
        connector = await stack.enter_async_context(ConnectorDouble())
        bot = await stack.enter_async_context(running_bot(make_settings(tmp_path)))
        services = bot.app[SERVICES]  # type: ignore[index]
        store = services.store
        await store.seed_networks(await load_catalogue())
        await store.join_network(HR, PEKKA.aad)
        await store.create_meeting(_meeting("m1", hours=10), Reach(connector.url, TENANT, BOT_ID))
        now = datetime.now(UTC)
        ticks = [ReminderScheduler(services, clock=lambda: now).tick() for _ in range(6)]
        assert sorted(await asyncio.gather(*ticks)) == [0, 0, 0, 0, 0, 2]  # Pekka and presenter Matti
        # 09:00 Helsinki time the day before is when a reminder becomes due, not a minute earlier.
        later = _meeting("m2", hours=24 * 4)
        await store.create_meeting(later, Reach(connector.url, TENANT, BOT_ID))
        due = reminder_time(later)
        assert await ReminderScheduler(services, clock=lambda: due - timedelta(minutes=1)).tick() == 0
        assert await ReminderScheduler(services, clock=lambda: due).tick() == 2
        assert await ReminderScheduler(services, clock=lambda: due).tick() == 0
