"""Store throughput: `claim_activity` against the same INSERT ... ON CONFLICT without the store layer.

Every variant runs CONCURRENCY callers for SECONDS in this process, on a fresh database:
(a) the bare driver (aiosqlite on one connection / an asyncpg pool), (b) SQLAlchemy's async engine
running the same SQL text in a transaction, (c) `SqlStore.claim_activity`. b/a is what SQLAlchemy's
async layer costs (a given, by design); c/b is what this store adds on top, and that is the goal.
`upsert_person` (a domain lookup plus an upsert) is reported alongside. PostgreSQL rows need
TEST_POSTGRES_URL (a fresh database is created and dropped).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiosqlite
import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from core.people import Person
from store import open_store
from tests.bench.report import BenchRow

SECONDS = 3.0
CONCURRENCY = 16
GOAL = 0.6  # the store keeps at least 60% of SQLAlchemy's own rate for the same statement
CREATE = (
    "CREATE TABLE claims (channel_id TEXT, conversation_id TEXT, activity_id TEXT, "
    "PRIMARY KEY (channel_id, conversation_id, activity_id))"
)
CLAIM = (
    "INSERT INTO claims (channel_id, conversation_id, activity_id) VALUES ({0}, {1}, {2}) "
    "ON CONFLICT DO NOTHING RETURNING activity_id"
)
SA_CLAIM = text(CLAIM.format(":c", ":v", ":a"))


async def _rate(operation: Callable[[int], Awaitable[object]]) -> float:
    counter = itertools.count()
    done = 0
    deadline = time.perf_counter() + SECONDS

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await operation(next(counter))
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return done / (time.perf_counter() - started)


async def _through_store(url: str, sql_alone: Callable[..., Awaitable[float]]) -> tuple[float, float, float]:
    store = await open_store(url)
    try:
        async with store.engine.begin() as conn:
            await conn.execute(text(CREATE))
        alone = await sql_alone(store)
        ours = await _rate(lambda i: store.claim_activity("msteams", "a:bench", str(i)))
        upserts = await _rate(lambda i: store.upsert_person(Person(f"aad-{i % 500}", email=f"p{i}@omnia.fi")))
    finally:
        await store.close()
    return alone, ours, upserts


async def _sqlalchemy_alone(store) -> float:  # type: ignore[no-untyped-def]
    async def claim(i: int) -> None:
        async with store.engine.begin() as conn:
            (await conn.execute(SA_CLAIM, {"c": "msteams", "v": "a:sa", "a": str(i)})).first()

    return await _rate(claim)


def _rows(engine: str, bare: float, alone: float, ours: float, upserts: float) -> list[BenchRow]:
    ratio = ours / alone if alone else 0.0
    return [
        BenchRow("store", f"{engine} claim: (a) bare driver, ops/s", f"{bare:.0f}"),
        BenchRow("store", f"{engine} claim: (b) SQLAlchemy async, same SQL, ops/s", f"{alone:.0f}"),
        BenchRow("store", f"{engine} claim: (c) SqlStore.claim_activity, ops/s", f"{ours:.0f}"),
        BenchRow(
            "store", f"{engine} claim: ratio b/a (SQLAlchemy's cost)", f"{alone / bare if bare else 0:.2f}x"
        ),
        BenchRow(
            "store",
            f"{engine} claim: ratio c/b (the store's cost)",
            f"{ratio:.2f}x",
            f">= {GOAL}x",
            ratio >= GOAL,
        ),
        BenchRow("store", f"{engine} upsert_person (lookup + upsert), ops/s", f"{upserts:.0f}"),
    ]


async def _sqlite(directory: Path) -> list[BenchRow]:
    db = await aiosqlite.connect(directory / "bare.db", isolation_level=None)
    await db.execute("PRAGMA journal_mode=WAL")
    await db.execute("PRAGMA synchronous=NORMAL")
    await db.execute(CREATE)
    one_at_a_time = asyncio.Lock()  # one connection: its transactions must not interleave

    async def bare_claim(i: int) -> None:
        async with one_at_a_time:
            await db.execute("BEGIN IMMEDIATE")
            async with db.execute(CLAIM.format("?", "?", "?"), ("msteams", "a:bench", str(i))) as cursor:
                await cursor.fetchall()
            await db.execute("COMMIT")

    bare = await _rate(bare_claim)
    await db.close()
    alone, ours, upserts = await _through_store(f"sqlite:///{directory / 'store.db'}", _sqlalchemy_alone)
    return _rows("SQLite", bare, alone, ours, upserts)


async def _postgres() -> list[BenchRow]:
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        return [BenchRow("store", "PostgreSQL rows", "skipped: TEST_POSTGRES_URL is not set")]
    admin = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"vb_bench_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    dsn = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        pool = await asyncpg.create_pool(dsn, min_size=5, max_size=15)
        await pool.execute(CREATE.replace("claims", "bare_claims"))

        async def bare_claim(i: int) -> None:
            async with pool.acquire() as c, c.transaction():
                await c.fetch(
                    CLAIM.replace("claims", "bare_claims").format("$1", "$2", "$3"), "m", "a", str(i)
                )

        bare = await _rate(bare_claim)
        await pool.close()
        alone, ours, upserts = await _through_store(dsn, _sqlalchemy_alone)
    finally:
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()
    return _rows("PostgreSQL", bare, alone, ours, upserts)


async def run() -> list[BenchRow]:
    with tempfile.TemporaryDirectory() as tmp:
        rows = await _sqlite(Path(tmp))
    return rows + await _postgres()
