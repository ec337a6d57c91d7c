"""The one declarative Base every concern's tables hang on, and small column and index helpers shared by them.

Nothing here imports a dialect: a process on SQLite never loads SQLAlchemy's PostgreSQL dialect (about 2 MiB
resident), nor one on PostgreSQL the SQLite one (issue 18)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Index, MetaData, Table, TextClause, text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.schema import CreateIndex
from sqlalchemy.sql.compiler import DDLCompiler
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so migrations can refer to them on every engine.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table_of(row: type[Base]) -> Table:
    """The Core table of a mapped row class: SQLAlchemy declares `__table__` a `FromClause`, and every
    class here maps one `Table`."""
    table = row.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{row.__name__} is not mapped to a table")
    return table


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every engine (SQLite hands back naive values: they are UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class PartialIndex(Index):
    """An index over the rows `where` holds for: `CREATE [UNIQUE] INDEX ... WHERE <where>` on SQLite and on
    PostgreSQL alike. SQLAlchemy knows such a WHERE only as a dialect option (`sqlite_where=`,
    `postgresql_where=`), and validating `postgresql_where` imports the PostgreSQL dialect into a process on
    SQLite; this WHERE is dialect-neutral, added by `_create_index` for whichever engine creates the index.
    A migration that creates one spells its WHERE per dialect as usual (autogenerate does not render it)."""

    def __init__(self, name: str, *columns: str, where: str, unique: bool = False) -> None:
        super().__init__(name, *columns, unique=unique)
        self.where: TextClause = text(where)


@compiles(CreateIndex)
def _create_index(create: CreateIndex, compiler: DDLCompiler, **kw: Any) -> str:
    """The dialect's own CREATE INDEX, then a `PartialIndex`'s WHERE, compiled as the dialects do theirs."""
    visit: Callable[..., str] = compiler.visit_create_index  # unannotated in SQLAlchemy
    statement = visit(create, **kw)
    index = create.element
    if isinstance(index, PartialIndex):
        where = compiler.sql_compiler.process(index.where, include_table=False, literal_binds=True)
        statement += " WHERE " + where
    return statement


def utcnow() -> datetime:
    return datetime.now(UTC)


def insert_for(dialect_name: str, table: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (`on_conflict_do_update` / `_do_nothing`). The dialect
    is imported here, by its engine's first upsert: it is loaded by then (its engine uses it)."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    if dialect_name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table)
    raise ValueError(f"no upsert for dialect {dialect_name!r}")


class EncodedJSON(str):
    """JSON text already encoded: bound to a JSON column it is stored as it is (`json_serializer`), where a
    plain `str` would be encoded as a JSON string."""


def json_serializer(value: Any) -> str:
    """The engines' JSON encoder (SQLAlchemy's default, `json.dumps`), passing `EncodedJSON` through."""
    return value if isinstance(value, EncodedJSON) else json.dumps(value)
