"""Alembic environment: runs only inside `store.migrate`, on the connection it hands over."""

from __future__ import annotations

from typing import Literal

from alembic import context

from store.base import UtcDateTime
from store.schema import metadata


def render_item(kind: str, obj: object, autogen_context: object) -> str | Literal[False]:
    """Generated revisions spell the store's column types in plain SQLAlchemy (no import of `store`)."""
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("store migrations run through store.migrate.upgrade_to_head (online, on a connection)")

context.configure(
    connection=connection,
    target_metadata=metadata(),
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
