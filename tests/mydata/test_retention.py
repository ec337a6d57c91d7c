"""Retention: the hourly job of the running bot forgets finished outbox rows, claimed activity ids and audit
entries older than the settings say, on SQLite and PostgreSQL, and never a message still on its way."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, update

from bot.app import RETENTION
from bot.retention import policy_of
from bot.settings import Settings
from core.outbox import OutgoingMessage, Target
from core.retention import RetentionPolicy, apply_retention
from store.activities import ProcessedActivityRow
from store.audit import AuditRow
from store.outbox import OutboxRow
from tests.conftest import ENGINES
from tests.harness.activities import LIISA, MATTI, TENANT
from tests.networks.conftest import World, open_world
from tests.store.databases import fresh_database

LONG_AGO = datetime.now(UTC) - timedelta(days=3)


@pytest.fixture(params=ENGINES)
async def short_world(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[World]:
    """The bot keeping finished outbox rows and audit entries a day, activity ids an hour."""
    settings = {"OUTBOX_RETENTION_DAYS": 1, "AUDIT_RETENTION_DAYS": 1, "ACTIVITY_RETENTION_HOURS": 1}
    async with fresh_database(request.param, tmp_path) as url:
        async for opened in open_world(tmp_path, url, **settings):
            yield opened


def note(key: str, service_url: str) -> OutgoingMessage:
    return OutgoingMessage(
        key=key,
        broadcast="note",
        recipient=LIISA.aad,
        target=Target("person", service_url, user_id=LIISA.aad, tenant_id=TENANT),
        activity={"type": "message", "text": key},
    )


async def count(world: World, query: object) -> int:
    async with world.store.engine.connect() as conn:
        return (await conn.execute(query)).scalar_one()  # type: ignore[call-overload]


async def test_the_job_forgets_what_is_kept_no_longer_and_nothing_else(short_world: World) -> None:
    world = short_world
    store = world.store
    await world.say("apua", LIISA)  # a claimed activity id
    await store.enqueue(
        [note(k, world.connector.url) for k in ("old-sent", "new-sent", "old-failed", "waiting")]
    )
    await world.delivered("note", 4)
    await store.record(MATTI.aad, "network.save", "network:old", {})
    await store.record(MATTI.aad, "network.save", "network:new", {})
    async with store.engine.begin() as conn:
        rows = OutboxRow.__table__
        await conn.execute(update(rows).where(rows.c.key == "old-sent").values(sent_at=LONG_AGO))
        await conn.execute(
            update(rows)
            .where(rows.c.key == "old-failed")
            .values(state="failed", sent_at=None, next_attempt_at=LONG_AGO, reason="unreachable")
        )
        # Waiting since long ago (the recipient was throttled): still on its way, never purged.
        await conn.execute(
            update(rows)
            .where(rows.c.key == "waiting")
            .values(state="pending", sent_at=None, next_attempt_at=datetime.now(UTC) + timedelta(days=1))
        )
        await conn.execute(update(rows).where(rows.c.key == "waiting").values(created_at=LONG_AGO))
        await conn.execute(
            update(AuditRow.__table__).where(AuditRow.target == "network:old").values(at=LONG_AGO)
        )
        await conn.execute(update(ProcessedActivityRow.__table__).values(claimed_at=LONG_AGO))
    # Used FileConsent contexts: one whose offer has expired, one still valid (a replay is refused).
    assert await store.use_once("materials:old", LONG_AGO)
    assert await store.use_once("materials:new", datetime.now(UTC) + timedelta(hours=1))

    assert world.bot.app is not None
    purged = await world.bot.app[RETENTION].tick()

    assert (purged.outbox, purged.activities, purged.audit, purged.consents) == (2, 1, 1, 1)
    assert not await store.use_once("materials:new", datetime.now(UTC) + timedelta(hours=1))
    async with store.engine.connect() as conn:
        kept = sorted(k for (k,) in await conn.execute(select(OutboxRow.key)))
        audit = [t for (t,) in await conn.execute(select(AuditRow.target))]
        claims = (await conn.execute(select(func.count()).select_from(ProcessedActivityRow))).scalar_one()
    assert kept == ["new-sent", "waiting"]
    assert audit == ["network:new"]
    assert claims == 0
    assert (await world.bot.app[RETENTION].tick()).total == 0  # a second run (or instance) finds nothing
    replies = await world.say("apua", LIISA)  # the bot works on after the purge
    assert replies


async def test_zero_days_keeps_outbox_rows_and_audit_entries_for_good(short_world: World) -> None:
    store = short_world.store
    await store.record(MATTI.aad, "network.save", "network:old", {})
    async with store.engine.begin() as conn:
        await conn.execute(update(AuditRow.__table__).values(at=LONG_AGO - timedelta(days=3650)))
    forever = RetentionPolicy(outbox=None, activities=timedelta(hours=1), audit=None)
    assert (await apply_retention(store, forever, datetime.now(UTC))).total == 0
    assert len(await store.audit_entries()) == 1


def test_defaults_and_bounds_of_the_settings(tmp_path: Path) -> None:
    policy = policy_of(Settings(_env_file=None))
    assert policy == RetentionPolicy(timedelta(days=30), timedelta(hours=48), timedelta(days=730))
    assert policy_of(Settings(_env_file=None, OUTBOX_RETENTION_DAYS=0)).outbox is None
    for name, value in (
        ("OUTBOX_RETENTION_DAYS", -1),
        ("ACTIVITY_RETENTION_HOURS", 0),
        ("AUDIT_RETENTION_DAYS", "x"),
    ):
        with pytest.raises(ValidationError, match=name):
            Settings(_env_file=None, **{name: value})
