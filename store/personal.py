"""A person's data across every table: gathered for their export, erased or anonymised on request.

`PLAN` says, for each table that can hold a person, in which columns and what erasure does there; every
other table is listed in `NO_PERSON` with the reason. A test fails when a table is in neither, so a new
feature's table cannot be forgotten by erasure.

- `own`: the row is the person's (their id in that column): exported in full, deleted.
- `clear`: the row belongs to a network or a round but names the person (a facilitator, who filed a file,
  a badge's recipient): exported in full; the column is set to NULL.
- `actor`: the row records something the person did (an audit entry, a poll they started): exported in
  full; their identifiers in these columns are replaced by the pseudonym.
- `mentions`: text or JSON that may name them among others (a meeting's description, a round's pairs, a
  message queued to someone else): only where is exported; identifiers replaced by the pseudonym.
- `personal_chat`: the column holds the id of a personal chat of theirs: the row is deleted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, Text, cast, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.mydata import Erasure, Identity, Mention, Records, scrub
from store.base import Base
from store.database import Database


@dataclass(frozen=True)
class Holds:
    own: tuple[str, ...] = ()
    clear: tuple[str, ...] = ()
    actor: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    personal_chat: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.own, *self.clear, *self.actor, *self.mentions, *self.personal_chat)


PLAN: Mapping[str, Holds] = {
    "people": Holds(own=("aad_object_id",)),
    "team_members": Holds(own=("person", "member_id")),
    "conversations": Holds(own=("user_aad_id",)),
    "processed_activities": Holds(personal_chat=("conversation_id",)),
    "audit_log": Holds(actor=("actor", "target"), mentions=("details",)),
    "outbox": Holds(
        own=("recipient",), personal_chat=("conversation_id",), mentions=("key", "target", "activity")
    ),
    "delivery_reports": Holds(own=("recipient",)),  # a broadcast's report asked for by them
    "networks": Holds(clear=("facilitator",)),
    "network_members": Holds(own=("person",)),
    "surveys": Holds(actor=("started_by",)),
    "survey_answers": Holds(own=("person",)),
    "polls": Holds(actor=("author",), mentions=("question", "options", "audience")),
    "poll_ballots": Holds(own=("voter",)),  # named ballots; an anonymous one holds a keyed hash instead
    "materials": Holds(clear=("added_by",)),
    "material_drafts": Holds(own=("owner",), personal_chat=("conversation_id",)),
    "meetings": Holds(
        clear=("facilitator",), mentions=("theme", "description", "agenda", "questions", "contributions")
    ),
    "meeting_presenters": Holds(own=("person",)),
    "meeting_attendees": Holds(own=("person",)),
    "meeting_groups": Holds(own=("person",)),
    "assessments": Holds(own=("person",)),
    "badge_awards": Holds(clear=("person", "awarded_by")),  # the credential stays verifiable, unnamed
    "coaching_profiles": Holds(own=("person",)),
    "coaching_leads": Holds(own=("person",)),
    "coaching_rounds": Holds(actor=("created_by", "confirmed_by"), mentions=("unmatched",)),
    "coaching_groups": Holds(mentions=("repeats", "same_organization")),
    "coaching_members": Holds(own=("person",)),
    "coaching_checkins": Holds(own=("person",)),
    # their own requests (by user id once known, and by invitation); an invitation they sent names them
    "join_requests": Holds(own=("user_id",), actor=("invited_by", "decided_by"), mentions=("email", "name")),
}

NO_PERSON: Mapping[str, str] = {
    "organizations": "partner organisations: names of providers, not of people",
    "organization_domains": "email domains of the organisations",
    "teams": "the Teams teams the bot is installed in",
    "used_consents": "random ids of FileConsent offers already used, and when they expire",
    "questionnaires": "the self-assessment's questions",
    "badge_classes": "badge definitions",
    "badge_keys": "the issuer's public signing keys",
    "alembic_version": "the schema version",
}


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _forms(identifier: str) -> set[str]:
    """How an identifier can appear in a column's text: as is, lower-cased, and escaped inside JSON."""
    escaped = json.dumps(identifier)[1:-1]
    return {identifier, identifier.lower(), escaped, escaped.lower()}


def _contains_any(column: Any, identifiers: Sequence[str]) -> ColumnElement[bool]:
    text = cast(column, Text)
    forms = {form for identifier in identifiers for form in _forms(identifier)}
    return or_(*(func.lower(text).contains(form.lower(), autoescape=True) for form in forms))


class PersonalDataQueries(Database):
    async def personal_records(self, who: Identity) -> Records:
        rows: dict[str, list[dict[str, Any]]] = {}
        mentions: dict[str, list[Mention]] = {}
        async with self._read() as conn:
            chats = await _personal_chats(conn, who)
            for name, holds in PLAN.items():
                table = _table(name)
                whole = _whole_row_match(table, holds, who, chats)
                found = []
                if whole is not None:
                    found = [
                        {k: _plain(v) for k, v in row._mapping.items()}
                        for row in await conn.execute(select(table).where(whole))
                    ]
                if found:
                    rows[name] = found
                if holds.mentions:
                    keys = {tuple(r[c.name] for c in table.primary_key.columns) for r in found}
                    located = await _mentions(conn, table, holds.mentions, who.identifiers(), keys)
                    if located:
                        mentions[name] = located
        return Records(rows, mentions)

    async def erase_person(self, who: Identity, pseudonym: str) -> Erasure:
        deleted: dict[str, int] = {}
        anonymised: dict[str, int] = {}
        identifiers = who.identifiers()
        async with self._tx() as conn:
            chats = await _personal_chats(conn, who)
            files = _table("materials")
            files_kept = len(
                (await conn.execute(select(files.c.id).where(files.c.added_by == who.aad_object_id))).all()
            )
            for name, holds in PLAN.items():
                table = _table(name)
                gone = _own_match(table, holds, who, chats)
                if gone is not None:
                    count = (await conn.execute(delete(table).where(gone))).rowcount or 0
                    if count:
                        deleted[name] = count
                changed: set[tuple[Any, ...]] = set()
                for column in holds.clear:
                    result = await conn.execute(
                        update(table)
                        .where(table.c[column].in_(_ids(who)))
                        .values({column: None})
                        .returning(*table.primary_key.columns)
                    )
                    changed |= {tuple(row) for row in result}
                changed |= await _replace(
                    conn, table, (*holds.actor, *holds.mentions), identifiers, pseudonym
                )
                if changed:
                    anonymised[name] = len(changed)
        return Erasure(pseudonym, deleted, anonymised, files_kept)


def _ids(who: Identity) -> list[str]:
    return [who.aad_object_id, *who.teams_ids]


async def _personal_chats(conn: AsyncConnection, who: Identity) -> list[str]:
    table = _table("conversations")
    query = select(table.c.conversation_id).where(
        table.c.user_aad_id == who.aad_object_id, table.c.scope == "personal"
    )
    chats: Sequence[str] = (await conn.scalars(query)).all()
    return list(chats)


def _own_match(table: Table, holds: Holds, who: Identity, chats: Sequence[str]) -> ColumnElement[bool] | None:
    conditions: list[ColumnElement[bool]] = [table.c[column].in_(_ids(who)) for column in holds.own]
    if chats:
        conditions += [table.c[column].in_(chats) for column in holds.personal_chat]
    return or_(*conditions) if conditions else None


def _whole_row_match(
    table: Table, holds: Holds, who: Identity, chats: Sequence[str]
) -> ColumnElement[bool] | None:
    """Rows exported in full: the person's own, those naming them in a cleared column or as the actor."""
    conditions: list[ColumnElement[bool]] = [table.c[column].in_(_ids(who)) for column in holds.clear]
    conditions += [_contains_any(table.c[column], who.identifiers()) for column in holds.actor]
    own = _own_match(table, holds, who, chats)
    if own is not None:
        conditions.append(own)
    return or_(*conditions) if conditions else None


async def _mentions(
    conn: AsyncConnection,
    table: Table,
    columns: Sequence[str],
    identifiers: Sequence[str],
    exported: set[tuple[Any, ...]],
) -> list[Mention]:
    keys = list(table.primary_key.columns)
    query = select(*keys, *(table.c[c] for c in columns)).where(
        or_(*(_contains_any(table.c[c], identifiers) for c in columns))
    )
    found = []
    for row in await conn.execute(query):
        key = tuple(row[: len(keys)])
        if key in exported:
            continue
        named = tuple(
            c for c, value in zip(columns, row[len(keys) :], strict=True) if _names(value, identifiers)
        )
        if named:
            found.append(Mention({k.name: _plain(v) for k, v in zip(keys, key, strict=True)}, named))
    return found


def _names(value: Any, identifiers: Sequence[str]) -> bool:
    return value is not None and scrub(value, identifiers, "\x00") != value


async def _replace(
    conn: AsyncConnection, table: Table, columns: Sequence[str], identifiers: Sequence[str], pseudonym: str
) -> set[tuple[Any, ...]]:
    """Replace the identifiers by the pseudonym in `columns`; the primary keys of the rows changed."""
    if not columns or not identifiers:
        return set()
    keys = list(table.primary_key.columns)
    query = select(*keys, *(table.c[c] for c in columns)).where(
        or_(*(_contains_any(table.c[c], identifiers) for c in columns))
    )
    changed: set[tuple[Any, ...]] = set()
    for row in (await conn.execute(query)).all():
        key = tuple(row[: len(keys)])
        values = {}
        for column, value in zip(columns, row[len(keys) :], strict=True):
            if value is None:
                continue
            cleaned = scrub(value, identifiers, pseudonym)
            if cleaned != value:
                values[column] = cleaned
        if values:
            where = [k == v for k, v in zip(keys, key, strict=True)]
            await conn.execute(update(table).where(*where).values(values))
            changed.add(key)
    return changed
