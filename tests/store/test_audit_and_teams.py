"""AuditLog and TeamStore contracts."""

from __future__ import annotations

import pytest

from core.errors import Invalid
from core.teams import Team
from store import SqlStore


async def test_audit_entries_newest_first_with_details(store: SqlStore) -> None:
    first = await store.record(
        "aad-coord", "organization.save", "organization:omnia", {"domains": ["omnia.fi"]}
    )
    second = await store.record("system", "roster.sync", "team:t1", {"members": 3})
    await store.record("aad-coord", "organization.save", "organization:redu")
    entries = await store.audit_entries()
    assert [e.target for e in entries] == ["organization:redu", "team:t1", "organization:omnia"]
    assert entries[1] == second and entries[2] == first
    assert first.details == {"domains": ["omnia.fi"]} and first.at.tzinfo is not None


async def test_audit_entries_by_target_and_limit(store: SqlStore) -> None:
    for n in range(3):
        await store.record("aad-coord", "network.rename", "network:hr", {"n": n})
    await store.record("aad-coord", "network.rename", "network:other")
    about_hr = await store.audit_entries(target="network:hr", limit=2)
    assert [e.details["n"] for e in about_hr] == [2, 1]


async def test_team_is_saved_and_updated(store: SqlStore) -> None:
    team = Team(
        "graph-id", "Vertaansa vailla", "tenant", "https://smba.example/", thread_id="19:x@thread.skype"
    )
    await store.save_team(team)
    assert await store.get_team("graph-id") == team
    await store.save_team(Team("graph-id", None, None, "https://smba.example/emea/"))
    updated = await store.get_team("graph-id")
    assert updated == Team(
        "graph-id", "Vertaansa vailla", "tenant", "https://smba.example/emea/", thread_id="19:x@thread.skype"
    )
    assert [t.team_id for t in await store.list_teams()] == ["graph-id"]
    assert await store.get_team("missing") is None


async def test_team_without_service_url_is_refused(store: SqlStore) -> None:
    with pytest.raises(Invalid):
        await store.save_team(Team("graph-id", "x", "t", ""))
