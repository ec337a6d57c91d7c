"""`bot.roster.sync_roster` against the connector double's paged members, on the real store."""

from __future__ import annotations

import pytest

from bot.roster import sync_roster
from store import SqlStore
from tests.harness import activities as teams
from tests.harness.connector import ConnectorDouble
from tests.store.turns import turn_for

MEMBERS = [teams.MAIJA, teams.MATTI, teams.LIISA]


async def test_every_page_is_read_and_every_member_upserted(store: SqlStore) -> None:
    stranger = {"id": "29:guest", "name": "Vieras", "email": "guest@example.com", "aadObjectId": "aad-guest"}
    no_entra = {"id": "29:nobody", "name": "No Entra id"}
    async with ConnectorDouble(members=[m.member() for m in MEMBERS] + [stranger, no_entra]) as connector:
        assert connector.page_size < 5  # more than one page
        count = await sync_roster(turn_for(teams.team_install(connector.url), connector.url), store)
    assert count == 4
    for member, expected in zip(MEMBERS, ["omnia", "tredu", "vamia"], strict=True):
        person = await store.get_person(member.aad)
        assert person is not None
        assert (person.name, person.email, person.upn) == (member.name, member.email, member.email)
        assert person.organization == expected
    guest = await store.get_person("aad-guest")
    assert guest is not None and guest.organization is None


async def test_the_team_is_recorded_and_audited(store: SqlStore) -> None:
    async with ConnectorDouble(members=[teams.MAIJA.member()]) as connector:
        await sync_roster(turn_for(teams.team_install(connector.url), connector.url), store)
        team = await store.get_team(teams.TEAM_AAD)
        assert team is not None
        assert (team.name, team.thread_id, team.tenant_id, team.service_url) == (
            "Vertaansa vailla",
            teams.TEAM_CHANNEL,
            teams.TENANT,
            connector.url,
        )
    [entry] = await store.audit_entries(target=f"team:{teams.TEAM_AAD}")
    assert (entry.actor, entry.action, entry.details) == (teams.MAIJA.aad, "roster.sync", {"members": 1})


async def test_graph_team_id_is_accepted(store: SqlStore) -> None:
    async with ConnectorDouble(members=[teams.MATTI.member()]) as connector:
        count = await sync_roster(
            turn_for(teams.team_install(connector.url), connector.url), store, teams.TEAM_AAD
        )
    assert count == 1


async def test_outside_a_team_it_refuses(store: SqlStore) -> None:
    async with ConnectorDouble() as connector:
        with pytest.raises(ValueError, match="needs a team"):
            await sync_roster(turn_for(teams.personal_message(connector.url, "apua"), connector.url), store)
