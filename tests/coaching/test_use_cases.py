"""The coaching use cases straight against the store, on SQLite and PostgreSQL: no bot, no HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from core.coaching import Actor, Method, Profile, save_profile
from core.coaching_orgs import add_organizations
from core.coaching_rounds import (
    CheckIn,
    Decision,
    Round,
    RoundSpec,
    check_in,
    confirm_round,
    due_followups,
    propose_round,
)
from core.errors import Conflict, Invalid, NotAllowed
from core.meetings import Reach
from core.outbox import OutgoingMessage, Target
from store import SqlStore
from store.coaching_file import load_themes

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
BOSS = Actor("aad-boss", coordinator=True)


class Cards:
    """Introductions and follow-ups as plain outbox rows (the bot renders real cards)."""

    def _one(self, key: str, person: str) -> OutgoingMessage:
        return OutgoingMessage(
            key,
            key.rsplit(":", 1)[0],
            person,
            Target("person", "https://x/", user_id=person),
            {"type": "message", "text": key},
        )

    async def personal(self, confirmed: Round) -> Sequence[OutgoingMessage]:
        return [self._one(f"c:{confirmed.id}:intro:{m}", m) for g in confirmed.groups for m in g.members]

    async def checkins(
        self, due: Round, people: Sequence[str], *, reminder: bool
    ) -> Sequence[OutgoingMessage]:
        kind = "reminder" if reminder else "checkin"
        return [self._one(f"c:{due.id}:{kind}:{m}", m) for m in people]


async def _pool(store: SqlStore, count: int) -> None:
    themes = await load_themes()
    orgs = [o.key for o in await store.list_organizations()]
    for i in range(count):
        profile = Profile(f"aad-{i}", orgs[i % len(orgs)], themes=("hoks",), methods=(Method.SPARRING,))
        await save_profile(store, Actor(f"aad-{i}"), profile, themes, orgs)


async def test_confirming_twice_at_once_makes_one_round(store: SqlStore) -> None:
    await _pool(store, 6)
    themes = await load_themes()
    proposal = await propose_round(
        store, BOSS, RoundSpec(2), themes, round_id="r1", now=NOW, today=NOW.date(), reach=Reach("https://x/")
    )
    assert len(proposal.groups) == 3
    outcomes = await asyncio.gather(
        *(confirm_round(store, BOSS, Cards(), "r1", now=NOW, chats=False) for _ in range(3)),
        return_exceptions=True,
    )
    assert sum(isinstance(o, Round) for o in outcomes) == 1
    assert sum(isinstance(o, Conflict) for o in outcomes) == 2
    assert (await store.delivery_counts("c:r1:intro")).total == 6


async def test_follow_ups_go_once_even_from_two_instances(store: SqlStore) -> None:
    await _pool(store, 4)
    themes = await load_themes()
    await propose_round(
        store,
        BOSS,
        RoundSpec(2, followup_weeks=1),
        themes,
        round_id="r2",
        now=NOW,
        today=NOW.date(),
        reach=Reach("https://x/"),
    )
    await confirm_round(store, BOSS, Cards(), "r2", now=NOW, chats=False)
    assert await due_followups(store, Cards(), NOW + timedelta(days=6)) == 0
    later = NOW + timedelta(weeks=1, minutes=1)
    sent = await asyncio.gather(due_followups(store, Cards(), later), due_followups(store, Cards(), later))
    assert sum(sent) == 4
    await check_in(
        store, Actor("aad-0"), CheckIn("r2", "", True, Method.SPARRING, "opin", Decision.END), later
    )
    with pytest.raises(NotAllowed):
        await check_in(store, Actor("aad-99"), CheckIn("r2", "", True), later)
    assert await due_followups(store, Cards(), later + timedelta(days=8)) == 3  # the reminder skips aad-0


async def test_the_catalogue_grows_to_76_organisations(store: SqlStore) -> None:
    before = len(await store.list_organizations())
    lines = "\n".join(
        f"Koulutuksen järjestäjä {i} (KJ{i}); kj{i}.fi, edu.kj{i}.fi" for i in range(76 - before)
    )
    saved = await add_organizations(store, BOSS, lines, frozenset())
    assert len(saved) == 76 - before and len(await store.list_organizations()) == 76
    with pytest.raises(Conflict):  # a domain another organisation has: nothing is saved
        await add_organizations(store, BOSS, "Uusi opisto; kj1.fi", frozenset())
    assert len(await store.list_organizations()) == 76
    with pytest.raises(Invalid):
        await add_organizations(store, BOSS, "Opisto; ei domain", frozenset())
    with pytest.raises(NotAllowed):
        await add_organizations(store, Actor("aad-1"), "Opisto; opisto.fi", frozenset())
