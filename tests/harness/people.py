"""The harness's users as the bot knows people once Teams has told it about them (name, address, locale and
tenant), for tests that need them in the store before their first message."""

from __future__ import annotations

from core.people import PeopleStore, Person
from tests.harness.activities import TENANT, User


async def seed_people(store: PeopleStore, *users: User) -> None:
    for user in users:
        await store.upsert_person(
            Person(user.aad, name=user.name, email=user.email, locale=user.locale, tenant_id=TENANT)
        )
