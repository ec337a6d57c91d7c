"""PeopleStore contract: upserts, organisation from the email domain, concurrency, organisation edits."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select

from core.errors import Conflict, Invalid
from core.people import Organization, Person
from store import SqlStore
from store.people import PEOPLE_BATCH, PersonRow


async def _count_people(store: SqlStore) -> int:
    async with store.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(PersonRow))).scalar_one()


async def test_new_person_is_stored_with_organisation_from_email(store: SqlStore) -> None:
    saved = await store.upsert_person(
        Person("aad-1", name="Maija Meikäläinen", email="Maija.M@Omnia.fi", locale="fi-FI", tenant_id="t1")
    )
    assert saved.organization == "omnia"
    assert saved.first_seen is not None and saved.first_seen == saved.last_seen
    assert await store.get_person("aad-1") == saved


async def test_missing_fields_keep_stored_values(store: SqlStore) -> None:
    first = await store.upsert_person(Person("aad-1", name="Maija", email="maija@tredu.fi", locale="fi-FI"))
    second = await store.upsert_person(Person("aad-1", name="Maija M", locale="en-US"))
    assert (second.name, second.email, second.locale, second.organization) == (
        "Maija M",
        "maija@tredu.fi",
        "en-US",
        "tredu",
    )
    assert second.first_seen == first.first_seen
    assert second.last_seen is not None and first.last_seen is not None
    assert second.last_seen >= first.last_seen


async def test_upn_decides_when_there_is_no_email(store: SqlStore) -> None:
    saved = await store.upsert_person(Person("aad-1", upn="pekka@luksia.fi"))
    assert saved.organization == "luksia"


async def test_subdomain_and_most_specific_domain(store: SqlStore) -> None:
    student = await store.upsert_person(Person("aad-1", email="x@opiskelija.omnia.fi"))
    city = await store.upsert_person(Person("aad-2", email="y@hel.fi"))
    school = await store.upsert_person(Person("aad-3", email="z@edu.hel.fi"))
    lookalike = await store.upsert_person(Person("aad-4", email="w@notomnia.fi"))
    assert (student.organization, city.organization, school.organization, lookalike.organization) == (
        "omnia",
        "stadin-ao",
        "stadin-ao",
        None,
    )


async def test_new_address_rederives_organisation(store: SqlStore) -> None:
    await store.upsert_person(Person("aad-1", email="a@omnia.fi"))
    moved = await store.upsert_person(Person("aad-1", email="a@redu.fi"))
    assert moved.organization == "redu"
    gone = await store.upsert_person(Person("aad-1", email="a@example.com"))
    assert gone.organization is None


async def test_explicit_organisation_wins(store: SqlStore) -> None:
    saved = await store.upsert_person(Person("aad-1", email="a@gmail.com", organization="kao"))
    assert saved.organization == "kao"


async def test_unknown_explicit_organisation_is_refused(store: SqlStore) -> None:
    with pytest.raises(Invalid) as caught:
        await store.upsert_person(Person("aad-1", organization="no-such-org"))
    assert caught.value.params == {"organization": "no-such-org"}
    assert await store.get_person("aad-1") is None


async def test_unknown_person_is_none(store: SqlStore) -> None:
    assert await store.get_person("nobody") is None


async def test_person_without_id_is_refused(store: SqlStore) -> None:
    with pytest.raises(Invalid) as caught:
        await store.upsert_person(Person(""))
    assert caught.value.key == "store.person.no_id"


async def test_people_of_organisation(store: SqlStore) -> None:
    await store.upsert_person(Person("aad-2", name="Bertta", email="b@jedu.fi"))
    await store.upsert_person(Person("aad-1", name="Aino", email="a@jedu.fi"))
    await store.upsert_person(Person("aad-3", name="Cecilia", email="c@omnia.fi"))
    assert [p.name for p in await store.people_of_organization("jedu")] == ["Aino", "Bertta"]


async def test_fifty_concurrent_upserts_of_one_person_end_as_one_row(store: SqlStore) -> None:
    results = await asyncio.gather(
        *(store.upsert_person(Person("aad-same", name=f"Name {i}", email="same@osao.fi")) for i in range(50))
    )
    assert await _count_people(store) == 1
    stored = await store.get_person("aad-same")
    assert stored is not None and stored.organization == "osao"
    assert stored.name in {r.name for r in results}
    assert len({r.first_seen for r in results}) == 1


async def test_seeded_organisations(store: SqlStore) -> None:
    organizations = {o.key: o for o in await store.list_organizations()}
    assert len(organizations) == 15
    assert organizations["omnia"].short_name == "Omnia"
    assert organizations["stadin-ao"].domains == ("edu.hel.fi", "hel.fi")


async def test_organisation_edit_replaces_domains(store: SqlStore) -> None:
    await store.save_organization(Organization("omnia", "Omnia", "Omnia", ("omnia.fi", "Edu.Omnia.fi.")))
    saved = await store.get_organization("omnia")
    assert saved is not None and saved.domains == ("edu.omnia.fi", "omnia.fi")
    await store.save_organization(Organization("omnia", "Omnia", "Omnia", ("omnia.fi",)))
    saved = await store.get_organization("omnia")
    assert saved is not None and saved.domains == ("omnia.fi",)


async def test_new_organisation_is_used_for_people(store: SqlStore) -> None:
    await store.save_organization(Organization("savo", "Savon koulutuskuntayhtymä", "Sakky", ("sakky.fi",)))
    saved = await store.upsert_person(Person("aad-1", email="x@sakky.fi"))
    assert saved.organization == "savo"


async def test_domain_of_another_organisation_is_a_conflict(store: SqlStore) -> None:
    with pytest.raises(Conflict) as caught:
        await store.save_organization(Organization("other", "Other", "Other", ("omnia.fi",)))
    assert caught.value.params == {"domain": "omnia.fi", "organization": "omnia"}
    assert await store.get_organization("other") is None


@pytest.mark.parametrize("domain", ["", "someone@omnia.fi", "no dots", "two words.fi"])
async def test_bad_domain_is_invalid(store: SqlStore, domain: str) -> None:
    with pytest.raises(Invalid) as caught:
        await store.save_organization(Organization("x", "X", "X", (domain,)))
    assert caught.value.key == "store.organization.bad_domain"


# A roster: more people than one transaction takes, on several domains (and one no organisation owns).
ROSTER_DOMAINS = {
    "omnia.fi": "omnia",
    "opiskelija.omnia.fi": "omnia",
    "edu.hel.fi": "stadin-ao",
    "example.com": None,
}
ROSTER_SIZE = PEOPLE_BATCH + 50


def _roster() -> list[Person]:
    domains = list(ROSTER_DOMAINS)
    return [
        Person(f"aad-{i:04d}", name=f"Jäsen {i}", email=f"m{i}@{domains[i % len(domains)]}", tenant_id="t1")
        for i in range(ROSTER_SIZE)
    ]


@contextmanager
def _statements(store: SqlStore) -> Iterator[list[tuple[str, bool]]]:
    """The statements the store sends to the database meanwhile: (SQL, whether an executemany)."""
    seen: list[tuple[str, bool]] = []

    def record(_conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, many: bool) -> None:
        seen.append((statement, many))

    event.listen(store.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine.sync_engine, "before_cursor_execute", record)


async def test_a_roster_is_saved_with_existing_people_updated(store: SqlStore) -> None:
    moved = await store.upsert_person(Person("aad-0001", name="Old", email="old@omnia.fi", locale="fi-FI"))
    kept = await store.upsert_person(
        Person("aad-0002", email="x@tredu.fi", locale="en-US", organization="kao")
    )
    await store.upsert_person(Person("aad-0003", name="Gone", email="y@redu.fi", upn="y@redu.fi"))
    roster = _roster()
    roster[1] = Person("aad-0001", name="New", email="new@vamia.fi", tenant_id="t1")  # moved organisation
    roster[2] = Person("aad-0002", name="No address", tenant_id="t1")  # the stored organisation stays
    roster[3] = Person("aad-0003", email="y@example.com")  # a new address no organisation owns
    roster.append(Person("aad-0004", name="Twice, the later wins", email="z@edu.hel.fi"))

    assert await store.upsert_people(roster) == len(roster)

    assert await _count_people(store) == ROSTER_SIZE
    domains = list(ROSTER_DOMAINS)
    for i in (0, *range(4, ROSTER_SIZE)):
        stored = await store.get_person(f"aad-{i:04d}")
        expected_name = "Twice, the later wins" if i == 4 else f"Jäsen {i}"
        expected_email = "z@edu.hel.fi" if i == 4 else f"m{i}@{domains[i % len(domains)]}"
        assert stored is not None and (stored.name, stored.email, stored.tenant_id, stored.organization) == (
            expected_name,
            expected_email,
            "t1",
            ROSTER_DOMAINS[expected_email.split("@")[1]],
        ), i
        assert stored.first_seen == stored.last_seen
    assert await store.get_person("aad-0001") == Person(
        "aad-0001", name="New", email="new@vamia.fi", locale="fi-FI", tenant_id="t1", organization="vamia"
    )
    after = await store.get_person("aad-0002")
    assert after == Person(
        "aad-0002", name="No address", email="x@tredu.fi", locale="en-US", tenant_id="t1", organization="kao"
    )
    assert await store.get_person("aad-0003") == Person(
        "aad-0003", name="Gone", email="y@example.com", upn="y@redu.fi", organization=None
    )
    assert after is not None and after.first_seen == kept.first_seen
    assert after.last_seen is not None and kept.last_seen is not None and after.last_seen > kept.last_seen
    again = await store.get_person("aad-0001")
    assert again is not None and again.first_seen == moved.first_seen


async def test_a_roster_is_one_upsert_statement_per_transaction(store: SqlStore) -> None:
    await store.upsert_people(_roster())  # and once more, every one of them already stored
    with _statements(store) as seen:
        assert await store.upsert_people(_roster()) == ROSTER_SIZE
    upserts = [many for sql, many in seen if sql.lstrip().upper().startswith("INSERT INTO PEOPLE")]
    lookups = [sql for sql, _many in seen if "organization_domains" in sql]
    assert upserts == [True, True]  # two transactions of at most PEOPLE_BATCH, one executemany each
    assert len(lookups) == 2  # every domain of a transaction looked up at once


async def test_an_unknown_organisation_refuses_its_transaction_only(store: SqlStore) -> None:
    roster = _roster()
    roster[-1] = Person(roster[-1].aad_object_id, name="Unknown", organization="no-such-org")
    with pytest.raises(Invalid) as caught:
        await store.upsert_people(roster)
    assert caught.value.params == {"organization": "no-such-org"}
    # The first PEOPLE_BATCH (by id) were committed before the second transaction was refused whole.
    assert await _count_people(store) == PEOPLE_BATCH
    assert await store.get_person(roster[PEOPLE_BATCH].aad_object_id) is None
