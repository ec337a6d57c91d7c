"""The poll store contract on SQLite and PostgreSQL: ballots replace, close is enforced, counts stay exact."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from core.errors import Conflict, NotFound
from core.polls import Poll, PollDraft, PollKind, new_poll, voter_key
from store import SqlStore

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SECRET = b"test-secret"


def make_poll(**overrides: object) -> Poll:
    draft = PollDraft(
        question=str(overrides.pop("question", "Mikä teema?")),
        options=tuple(overrides.pop("options", ("Arviointi", "Hyvinvointi", "Digitaidot"))),  # type: ignore[arg-type]
        multiple=bool(overrides.pop("multiple", False)),
        anonymous=bool(overrides.pop("anonymous", False)),
        kind=overrides.pop("kind", PollKind.GENERAL),  # type: ignore[arg-type]
        closes_at=overrides.pop("closes_at", None),  # type: ignore[arg-type]
    ).validated(NOW)
    return new_poll(draft, channel_id="19:hr@thread.tacv2", author="aad-maija", now=NOW, **overrides)  # type: ignore[arg-type]


async def test_poll_round_trips_with_its_message(store: SqlStore) -> None:
    poll = make_poll(closes_at=NOW + timedelta(days=1), audience=("29:a", "29:b"))
    await store.create_poll(poll)
    await store.set_poll_message(poll.id, "19:hr@thread.tacv2;messageid=5", "6")
    stored = await store.get_poll(poll.id)
    assert stored is not None
    assert stored.options == poll.options and stored.closes_at == poll.closes_at
    assert stored.audience == ("29:a", "29:b") and stored.activity_id == "6"
    assert await store.get_poll("nope") is None
    with pytest.raises(NotFound):
        await store.set_poll_message("nope", "c", "1")


async def test_latest_answer_replaces_the_earlier_one(store: SqlStore) -> None:
    poll = make_poll()
    await store.create_poll(poll)
    await store.cast_vote(poll.id, "aad-liisa", frozenset({0}), NOW)
    await store.cast_vote(poll.id, "aad-liisa", frozenset({2}), NOW)
    returned = await store.cast_vote(poll.id, "aad-matti", frozenset({2}), NOW)
    tally = await store.tally(poll.id)
    assert tally.counts == (0, 0, 2) and tally.voters == 2 and returned == tally
    assert await store.ballot_of(poll.id, "aad-liisa") == frozenset({2})
    assert await store.ballot_of(poll.id, "aad-nobody") == frozenset()


async def test_multiple_choice_keeps_every_chosen_option(store: SqlStore) -> None:
    poll = make_poll(multiple=True)
    await store.create_poll(poll)
    await store.cast_vote(poll.id, "aad-liisa", frozenset({0, 2}), NOW)
    await store.cast_vote(poll.id, "aad-matti", frozenset({1, 2}), NOW)
    await store.cast_vote(poll.id, "aad-matti", frozenset({0, 1, 2}), NOW)
    tally = await store.tally(poll.id)
    assert tally.counts == (2, 1, 2) and tally.voters == 2


async def test_votes_written_together_each_get_their_own_answer(store: SqlStore) -> None:
    poll, other = make_poll(closes_at=NOW + timedelta(hours=1)), make_poll(question="Toinen?")
    await store.create_poll(poll)
    await store.create_poll(other)
    votes = [
        (poll.id, "aad-liisa", {0}, NOW),
        (poll.id, "aad-matti", {7}, NOW),  # not an option of the poll
        ("no-such-poll", "aad-liisa", {0}, NOW),
        (poll.id, "aad-maija", {1}, NOW + timedelta(hours=2)),  # after the closing time
        (other.id, "aad-liisa", {2}, NOW),
        (poll.id, "aad-liisa", {2}, NOW),  # the same voter again: the later answer counts
        *((poll.id, f"aad-{i}", {1}, NOW) for i in range(300)),  # more than one batch
    ]
    outcomes = await asyncio.gather(
        *(store.cast_vote(p, v, frozenset(c), at) for p, v, c, at in votes), return_exceptions=True
    )
    assert isinstance(outcomes[1], ValueError)
    assert isinstance(outcomes[2], NotFound)
    assert isinstance(outcomes[3], Conflict)
    assert outcomes[4].counts == (0, 0, 1)  # type: ignore[union-attr]
    assert (await store.tally(poll.id)).counts == (0, 300, 1)
    assert await store.ballot_of(poll.id, "aad-liisa") == frozenset({2})
    assert await store.ballot_of(poll.id, "aad-maija") == frozenset()


async def test_closed_unknown_and_ill_fitting_votes_are_refused(store: SqlStore) -> None:
    poll = make_poll(closes_at=NOW + timedelta(hours=1))
    await store.create_poll(poll)
    with pytest.raises(NotFound):
        await store.cast_vote("no-such-poll", "aad-liisa", frozenset({0}), NOW)
    with pytest.raises(ValueError):
        await store.cast_vote(poll.id, "aad-liisa", frozenset({7}), NOW)
    with pytest.raises(ValueError):
        await store.cast_vote(poll.id, "aad-liisa", frozenset({0, 1}), NOW)
    with pytest.raises(Conflict):  # the closing time has passed on the server's clock
        await store.cast_vote(poll.id, "aad-liisa", frozenset({0}), NOW + timedelta(hours=1))
    await store.cast_vote(poll.id, "aad-liisa", frozenset({1}), NOW)
    closed = await store.close_poll(poll.id, NOW + timedelta(minutes=5))
    assert closed.closed_at == NOW + timedelta(minutes=5)
    again = await store.close_poll(poll.id, NOW + timedelta(minutes=9))
    assert again.closed_at == closed.closed_at
    with pytest.raises(Conflict):
        await store.cast_vote(poll.id, "aad-liisa", frozenset({0}), NOW + timedelta(minutes=6))
    assert (await store.tally(poll.id)).counts == (0, 1, 0)
    with pytest.raises(NotFound):
        await store.close_poll("no-such-poll", NOW)
    with pytest.raises(NotFound):
        await store.tally("no-such-poll")


async def test_250_members_voting_at_once_are_counted_exactly(store: SqlStore) -> None:
    poll = make_poll(options=tuple(f"Teema {i}" for i in range(5)))
    await store.create_poll(poll)
    voters = [f"aad-member-{i}" for i in range(250)]
    # Everyone votes at once, and everyone changes their mind at once: each must count once, as the latest.
    await asyncio.gather(
        *(store.cast_vote(poll.id, v, frozenset({i % 5}), NOW) for i, v in enumerate(voters))
    )
    await asyncio.gather(
        *(store.cast_vote(poll.id, v, frozenset({i % 3}), NOW) for i, v in enumerate(voters))
    )
    tally = await store.tally(poll.id)
    assert tally.voters == 250
    assert tally.counts == (84, 83, 83, 0, 0)


async def test_one_person_racing_themselves_keeps_one_ballot(store: SqlStore) -> None:
    poll = make_poll()
    await store.create_poll(poll)
    await asyncio.gather(*(store.cast_vote(poll.id, "aad-liisa", frozenset({i % 3}), NOW) for i in range(30)))
    tally = await store.tally(poll.id)
    assert tally.voters == 1 and sum(tally.counts) == 1


async def test_anonymous_ballots_hold_no_user_id(store: SqlStore) -> None:
    poll = make_poll(anonymous=True)
    await store.create_poll(poll)
    for user in ("aad-liisa", "aad-matti"):
        await store.cast_vote(poll.id, voter_key(SECRET, poll, user), frozenset({1}), NOW)
    await store.cast_vote(poll.id, voter_key(SECRET, poll, "aad-liisa"), frozenset({0}), NOW)
    assert (await store.tally(poll.id)).counts == (1, 1, 0)
    async with store.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT * FROM poll_ballots"))).mappings().all()
    assert len(rows) == 2
    assert set(rows[0].keys()) == {"poll_id", "voter", "choices"}  # no time stamp to join with logs
    dumped = repr([dict(r) for r in rows])
    assert "liisa" not in dumped and "matti" not in dumped
    assert all(str(r["voter"]).startswith("h:") for r in rows)


async def test_winning_themes_come_from_ended_theme_polls_of_the_network(store: SqlStore) -> None:
    first = make_poll(
        kind=PollKind.THEME, network="hr-kehittajat", options=("Rekrytointi", "Perehdytys", "Työhyvinvointi")
    )
    second = make_poll(
        kind=PollKind.THEME,
        network="hr-kehittajat",
        options=("Palkitseminen", "Mentorointi"),
        closes_at=NOW + timedelta(days=2),
    )
    running = make_poll(kind=PollKind.THEME, network="hr-kehittajat", options=("A", "B"))
    other = make_poll(kind=PollKind.THEME, network="pedagogiikka", options=("C", "D"))
    general = make_poll(network="hr-kehittajat", options=("E", "F"))
    for poll in (first, second, running, other, general):
        await store.create_poll(poll)
        await store.cast_vote(poll.id, "aad-liisa", frozenset({1}), NOW)
    await store.cast_vote(first.id, "aad-matti", frozenset({2}), NOW)
    await store.cast_vote(second.id, "aad-matti", frozenset({1}), NOW)
    await store.close_poll(first.id, NOW + timedelta(hours=1))

    soon = await store.winning_themes("hr-kehittajat", NOW + timedelta(days=1))
    assert [r.poll_id for r in soon] == [first.id]
    later = await store.winning_themes("hr-kehittajat", NOW + timedelta(days=3))
    assert [r.poll_id for r in later] == [second.id, first.id]
    assert later[0].themes == ("Mentorointi",) and later[0].votes == (2,)
    assert later[1].themes == ("Perehdytys", "Työhyvinvointi") and later[1].votes == (1, 1)
    assert await store.winning_themes("nobody") == []
    async with store.engine.connect() as conn:
        assert (await conn.execute(select(text("count(*)")).select_from(text("polls")))).scalar() == 5
