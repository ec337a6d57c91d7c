"""`tietoni` / `mydata`: everything the bot keeps about one person, gathered for them to see, to take away
as files (GDPR art. 15) and to erase (art. 17).

What stays after an erasure, and why: audit entries (who changed what) with the person replaced by a
pseudonym; anonymous ballots, which hold only a keyed hash and so cannot be tied to anyone (they still
count); files the person filed into a network's channel, which belong to the network (the record of who
filed them is cleared). Everything else that names the person is deleted, or the mention replaced by the
pseudonym in records that belong to others (a meeting's description, a coaching round's notes).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from core.audit import AuditLog
from core.i18n import Translator
from core.networks import Network, NetworkStore
from core.people import Organization, PeopleStore, Person
from core.survey import Answer, SurveyStore

# A name shorter than this is not searched for inside other people's texts (it would match common words).
MIN_NAME_LENGTH = 5
PSEUDONYM_PREFIX = "erased-"
SUMMARY_VALUE_CHARS = 160


class MyDataStore(PeopleStore, NetworkStore, SurveyStore, Protocol):
    """The parts of the store that hold personal data."""


@dataclass(frozen=True)
class MyData:
    person: Person | None
    organization: Organization | None
    member_of: Sequence[Network]
    facilitates: Sequence[Network]
    survey_answer: Answer | None


async def my_data(store: MyDataStore, aad_object_id: str) -> MyData:
    """What is stored about `aad_object_id`: person record, network memberships and roles, survey answer."""
    person = await store.get_person(aad_object_id)
    networks = await store.list_networks()
    member_of = [n for n in networks if aad_object_id in await store.network_members(n.key)]
    facilitates = [n for n in networks if n.facilitator == aad_object_id]
    survey = await store.latest_survey()
    answer = await store.get_answer(survey.id, aad_object_id) if survey else None
    # The organisation from the email domain, else the one the person chose in the survey.
    key = (person.organization if person else None) or (answer.organization if answer else None)
    organization = await store.get_organization(key) if key else None
    return MyData(person, organization, member_of, facilitates, answer)


@dataclass(frozen=True)
class Identity:
    """Every string that identifies one person: the Entra object id (the key of every record), their Teams
    ids (`29:...`), names and email addresses."""

    aad_object_id: str
    teams_ids: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()

    def identifiers(self) -> tuple[str, ...]:
        """What is searched for in other people's records, longest first (a name inside an email address
        is replaced with the address)."""
        found = {self.aad_object_id, *self.teams_ids, *self.emails, *(e.lower() for e in self.emails)}
        found |= {n for n in self.names if len(n) >= MIN_NAME_LENGTH}
        return tuple(sorted((s for s in found if s), key=lambda s: (-len(s), s)))


@dataclass(frozen=True)
class Mention:
    """A record that belongs to someone else (or to a network) and mentions the person in `columns`."""

    key: Mapping[str, Any]
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Records:
    """Everything stored about a person, by table: the rows that are about them, in full, and where others'
    records mention them (only where, so the export hands out nobody else's data)."""

    rows: Mapping[str, Sequence[Mapping[str, Any]]]
    mentions: Mapping[str, Sequence[Mention]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(r) for r in self.rows.values()) + sum(len(m) for m in self.mentions.values())


@dataclass(frozen=True)
class Erasure:
    """What an erasure did, by table: rows deleted, rows kept with the person taken out."""

    pseudonym: str
    deleted: Mapping[str, int]
    anonymised: Mapping[str, int]
    files_kept: int  # files the person filed: they stay in the network's channel

    @property
    def total(self) -> int:
        return sum(self.deleted.values()) + sum(self.anonymised.values())


class PersonalDataStore(PeopleStore, AuditLog, Protocol):
    async def personal_records(self, who: Identity) -> Records:
        """Every row of every table that holds `who`, as JSON-ready values."""
        ...

    async def erase_person(self, who: Identity, pseudonym: str) -> Erasure:
        """In one transaction: delete what is the person's, clear or replace by `pseudonym` what mentions
        them in records that stay."""
        ...


async def identity(
    store: PeopleStore, aad_object_id: str, teams_id: str | None, name: str | None
) -> Identity:
    """The person's identifiers: the stored record's, and those of the message they just sent."""
    person = await store.get_person(aad_object_id)
    names = {n for n in (name, person.name if person else None) if n}
    emails = {e for e in (person.email, person.upn) if e} if person else set()
    return Identity(
        aad_object_id, (teams_id,) if teams_id else (), tuple(sorted(names)), tuple(sorted(emails))
    )


@dataclass(frozen=True)
class Export:
    who: Identity
    exported_at: datetime
    records: Records

    def json_text(self) -> str:
        document = {
            "format": "vertaisbotti-personal-data/1",
            "exported_at": self.exported_at.isoformat(),
            "person": self.who.aad_object_id,
            "tables": {table: list(rows) for table, rows in sorted(self.records.rows.items())},
            "mentioned_in": {
                table: [{"key": dict(m.key), "columns": list(m.columns)} for m in mentions]
                for table, mentions in sorted(self.records.mentions.items())
            },
        }
        return json.dumps(document, ensure_ascii=False, indent=2, default=_json_default) + "\n"


async def export_my_data(store: PersonalDataStore, who: Identity, now: datetime) -> Export:
    return Export(who, now, await store.personal_records(who))


def summary_text(t: Translator, export: Export) -> str:
    """The export as plain text a person can read: a section per kind of record, a line per row."""
    lines = [
        t("mydata.summary.title"),
        t("mydata.summary.exported", when=t.datetime(export.exported_at)),
        "",
        t("mydata.summary.intro"),
        "",
    ]
    for table, rows in sorted(export.records.rows.items()):
        if not rows:
            continue
        lines.append(f"{t(f'mydata.table.{table}')} ({len(rows)})")
        for row in rows:
            shown = ", ".join(
                f"{column}: {_short(value)}"
                for column, value in row.items()
                if value not in (None, "", [], {})
            )
            lines.append(f"  - {shown}")
        lines.append("")
    mentioned = {table: len(m) for table, m in export.records.mentions.items() if m}
    if mentioned:
        lines.append(t("mydata.summary.mentions"))
        lines += [f"  - {t(f'mydata.table.{table}')}: {count}" for table, count in sorted(mentioned.items())]
        lines.append("")
    lines.append(t("mydata.summary.not_included"))
    return "\n".join(lines) + "\n"


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=_json_default)
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_VALUE_CHARS else text[: SUMMARY_VALUE_CHARS - 1] + "…"


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def new_pseudonym() -> str:
    """A fresh pseudonym for one erased person: random, so nothing leads back from it to them."""
    return PSEUDONYM_PREFIX + secrets.token_hex(8)


async def erase_my_data(store: PersonalDataStore, who: Identity) -> Erasure:
    """Erase the person; the audit log keeps that it happened, under the pseudonym."""
    pseudonym = new_pseudonym()
    erasure = await store.erase_person(who, pseudonym)
    await store.record(
        pseudonym,
        "person.erase",
        f"person:{pseudonym}",
        {"deleted": dict(erasure.deleted), "anonymised": dict(erasure.anonymised)},
    )
    return erasure


def scrub(value: Any, identifiers: Sequence[str], pseudonym: str) -> Any:
    """`value` (a string, or JSON of lists and objects) with every identifier replaced by the pseudonym,
    case-insensitively; object keys too."""
    if not identifiers:
        return value
    pattern = re.compile("|".join(re.escape(i) for i in identifiers), re.IGNORECASE)
    return _scrub(value, pattern, pseudonym)


def _scrub(value: Any, pattern: re.Pattern[str], pseudonym: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(pseudonym, value)
    if isinstance(value, list | tuple):
        return [_scrub(v, pattern, pseudonym) for v in value]
    if isinstance(value, dict):
        return {_scrub(k, pattern, pseudonym): _scrub(v, pattern, pseudonym) for k, v in value.items()}
    return value
