"""`python -m store upgrade` migrates DATABASE_URL (as the bot does at start);
`python -m store revision "what changed"` writes a new revision from the models' difference to the scripts.

A new concern: put its tables (on `store.base.Base`) and queries in `store/<concern>.py`, import the module in
`store/schema.py`, add its query mixin to `store.sql_store.SqlStore`, then run `revision` and read the file it
wrote in `store/migrations/versions/` before committing it. Write the revision before starting the bot on a
new database: a new database is built from the models and stamped at the newest revision there is, so one
made from a changed model before its revision exists already has the change, which the revision then adds
again (delete that `var/*.db` if it happened).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

from alembic import command

from store.engine import create_engine
from store.migrate import alembic_config, upgrade_to_head
from store.sql_store import open_store
from store.urls import describe, normalize_url

DEFAULT_URL = "sqlite:///var/vertaisbotti.db"


async def upgrade(database_url: str) -> int:
    store = await open_store(database_url)
    try:
        await store.ping()
    finally:
        await store.close()
    print(f"{describe(normalize_url(database_url))} is at the newest schema")
    return 0


async def revision(message: str) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(normalize_url(f"sqlite:///{Path(scratch) / 'scratch.db'}"))
        try:
            async with engine.begin() as conn:
                # The migrations' schema (a new `open_store` database is the models' own: nothing to compare).
                await upgrade_to_head(conn)
                await conn.run_sync(
                    lambda sync: command.revision(alembic_config(sync), message=message, autogenerate=True)
                )
        finally:
            await engine.dispose()
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m store", description=__doc__.split("\n", 1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("upgrade", help="migrate DATABASE_URL to the newest schema")
    new = commands.add_parser("revision", help="write a new migration from the models")
    new.add_argument("message")
    args = parser.parse_args(argv)
    if args.command == "upgrade":
        return asyncio.run(upgrade(os.environ.get("DATABASE_URL") or DEFAULT_URL))
    return asyncio.run(revision(args.message))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
