"""`bot.seen.SeenMiddleware` on the real store: one handling per activity id; senders, conversations kept."""

from __future__ import annotations

import asyncio
import copy
import logging
from dataclasses import replace

import pytest

from bot.seen import SeenMiddleware
from core.errors import Unavailable
from core.people import Person
from store import SqlStore, open_store
from tests.harness import activities as teams
from tests.store.proxy import free_port
from tests.store.turns import Logic, turn_for

SERVICE = "https://smba.example/emea/"


async def test_personal_message_is_handled_and_remembered(store: SqlStore) -> None:
    logic = Logic()
    await SeenMiddleware(store).on_turn(turn_for(teams.personal_message(SERVICE, "apua")), logic)
    assert logic.calls == 1
    person = await store.get_person(teams.MAIJA.aad)
    assert person is not None
    assert (person.name, person.locale, person.tenant_id) == (teams.MAIJA.name, "fi-FI", teams.TENANT)
    ref = await store.personal_conversation(teams.MAIJA.aad)
    assert ref is not None
    assert (ref.conversation_id, ref.service_url, ref.scope, ref.bot_id, ref.tenant_id) == (
        "a:personal-maija",
        SERVICE,
        "personal",
        teams.BOT_ID,
        teams.TENANT,
    )


async def test_redelivered_activity_is_handled_once(
    store: SqlStore, caplog: pytest.LogCaptureFixture
) -> None:
    payload = teams.personal_message(SERVICE, "verkostot")
    logic = Logic()
    middleware = SeenMiddleware(store)
    with caplog.at_level(logging.INFO, logger="bot.seen"):
        await middleware.on_turn(turn_for(payload), logic)
        await middleware.on_turn(turn_for(copy.deepcopy(payload)), logic)
    assert logic.calls == 1
    assert any("duplicate activity" in record.getMessage() for record in caplog.records)


async def test_two_concurrent_deliveries_on_two_instances_run_once(
    store: SqlStore, database_url: str
) -> None:
    payload = teams.channel_message(SERVICE, "tapaamiset", teams.MATTI)
    other = await open_store(database_url)
    logic = Logic()
    try:
        await asyncio.gather(
            SeenMiddleware(store).on_turn(turn_for(payload), logic),
            SeenMiddleware(other).on_turn(turn_for(copy.deepcopy(payload)), logic),
        )
    finally:
        await other.close()
    assert logic.calls == 1


async def test_activities_without_id_always_pass(store: SqlStore) -> None:
    payload = teams.personal_message(SERVICE, "apua")
    payload["id"] = None
    logic = Logic()
    await SeenMiddleware(store).on_turn(turn_for(payload), logic)
    await SeenMiddleware(store).on_turn(turn_for(copy.deepcopy(payload)), logic)
    assert logic.calls == 2


async def test_channel_conversation_is_kept_per_channel(store: SqlStore) -> None:
    logic = Logic()
    await SeenMiddleware(store).on_turn(turn_for(teams.channel_message(SERVICE, "apua")), logic)
    [ref] = await store.team_conversations(teams.TEAM_AAD)
    assert (ref.conversation_id, ref.channel_id, ref.scope, ref.user_aad_id) == (
        teams.TEAM_CHANNEL,
        teams.TEAM_CHANNEL,
        "channel",
        None,
    )


async def test_an_address_in_the_activity_sets_the_organisation(store: SqlStore) -> None:
    payload = teams.personal_message(SERVICE, "apua", teams.LIISA)
    payload["from"]["properties"] = {"email": teams.LIISA.email}
    await SeenMiddleware(store).on_turn(turn_for(payload), Logic())
    person = await store.get_person(teams.LIISA.aad)
    assert person is not None and (person.email, person.organization) == (teams.LIISA.email, "vamia")


async def test_sender_without_entra_id_is_not_a_person(store: SqlStore) -> None:
    payload = teams.personal_message(SERVICE, "apua")
    payload["from"] = {"id": "28:other-bot", "name": "Other", "role": "bot"}
    logic = Logic()
    await SeenMiddleware(store).on_turn(turn_for(payload), logic)
    assert logic.calls == 1
    assert await store.people_of_organization("omnia") == []
    assert await store.get_conversation("a:personal-maija") is not None


async def test_unreachable_store_fails_the_turn() -> None:
    store = await open_store(f"postgresql://postgres@127.0.0.1:{free_port()}/nothing")
    logic = Logic()
    try:
        with pytest.raises(Unavailable):
            await SeenMiddleware(store).on_turn(turn_for(teams.personal_message(SERVICE, "apua")), logic)
    finally:
        await store.close()
    assert logic.calls == 0


async def test_a_sender_stored_alike_lately_is_read_not_written_again(store: SqlStore) -> None:
    roster = Person(
        teams.MAIJA.aad,
        name=teams.MAIJA.name,
        email=teams.MAIJA.email,
        locale="fi-FI",
        tenant_id=teams.TENANT,
    )
    stored = await store.upsert_person(roster)  # as the team's roster stored her, email included
    await SeenMiddleware(store).on_turn(turn_for(teams.personal_message(SERVICE, "apua")), Logic())
    again = await store.get_person(teams.MAIJA.aad)
    assert again is not None and again.last_seen == stored.last_seen  # nothing new: not written
    renamed = replace(teams.MAIJA, name="Maija Virtanen")
    await SeenMiddleware(store).on_turn(turn_for(teams.personal_message(SERVICE, "apua", renamed)), Logic())
    changed = await store.get_person(teams.MAIJA.aad)
    assert changed is not None and (changed.name, changed.email) == ("Maija Virtanen", teams.MAIJA.email)
