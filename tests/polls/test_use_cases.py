"""The poll use cases (`core.polls`) straight against the store, with no bot and no HTTP: a recording
`PollChannel` stands in for the Teams channel."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from core import nonces, polls
from core.errors import Conflict, Invalid, NotAllowed, NotFound
from core.keys import ServerKey
from core.networks import LaunchStep, Network, NetworkStatus
from core.outbox import OutgoingMessage, Target
from core.people import Person
from core.poll_deadlines import close_due
from core.polls import Poll, PollDraft, PollKind, RecentPolls, Results
from store import SqlStore

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
KEY = ServerKey(b"k" * 32)
HR = "19:hr@thread.tacv2"
OTHER = "19:other@thread.tacv2"


class RecordingChannel:
    """A `PollChannel` that keeps what the use cases asked of it."""

    def __init__(self, members: Sequence[str] = ()) -> None:
        self._members = list(members)
        self.published: list[Poll] = []
        self.changes: list[Poll] = []

    async def members(self) -> Sequence[str]:
        return self._members

    async def publish(self, poll: Poll) -> tuple[str, str] | None:
        self.published.append(poll)
        return f"{poll.channel_id};messageid=1", "activity-1"

    def changed(self, poll: Poll) -> None:
        self.changes.append(poll)


async def hr_network(store: SqlStore, facilitator: str = "AAD-LIISA") -> None:
    await store.save_network(Network("hr-kehittajat", "HR-verkosto", "HR network", "", ""))
    await store.record_launch("hr-kehittajat", LaunchStep.DONE, channel_id=HR, status=NetworkStatus.ACTIVE)
    await store.set_facilitator("hr-kehittajat", facilitator)


async def post(store: SqlStore, channel: RecordingChannel, **draft: object) -> Poll:
    return (await post_form(store, channel, None, **draft)).poll


async def post_form(
    store: SqlStore, channel: RecordingChannel, poll_id: str | None, channel_id: str = HR, **draft: object
) -> polls.Posted:
    return await polls.post(
        store,
        channel,
        PollDraft("Mikä teema?", ("Arviointi", "Hyvinvointi"), **draft),  # type: ignore[arg-type]
        channel_id=channel_id,
        user="aad-maija",
        is_coordinator=True,
        now=NOW,
        lang="fi",
        poll_id=poll_id,
    )


async def test_a_form_submitted_twice_or_at_once_posts_one_poll(store: SqlStore) -> None:
    channel = RecordingChannel()
    nonce = nonces.issue(KEY, "poll")
    poll_id = nonces.id_of(KEY, "poll", nonce)
    first, second = await asyncio.gather(*(post_form(store, channel, poll_id) for _ in range(2)))
    again = await post_form(store, channel, poll_id)
    assert sorted([first.new, second.new, again.new]) == [False, False, True]
    assert {first.poll.id, second.poll.id, again.poll.id} == {poll_id}
    assert [p.id for p in channel.published] == [poll_id]  # one card in the channel
    with pytest.raises(NotFound):  # the same form's id replayed in another channel finds nothing there
        await post_form(store, channel, poll_id, channel_id=OTHER)


@pytest.mark.parametrize(
    "nonce",
    ["", "x", "A" * 22 + "." + "B" * 22, 42, ["a"], "a" * 22 + ".." + "b" * 21, "é" * 22 + "." + "b" * 22],
)
def test_a_forged_or_malformed_nonce_is_refused(nonce: object) -> None:
    with pytest.raises(Invalid) as refused:
        nonces.id_of(KEY, "poll", nonce)
    assert refused.value.key == "form.error.bad_nonce"


def test_a_nonce_fits_only_its_own_form_and_server() -> None:
    nonce = nonces.issue(KEY, "poll")
    assert nonces.id_of(KEY, "poll", nonce) == nonce.split(".")[0]
    assert nonces.id_of(KEY, "poll", None) is None  # a form sent before forms had nonces
    for key, purpose in ((KEY, "meeting"), (ServerKey(b"o" * 32), "poll")):
        with pytest.raises(Invalid):
            nonces.id_of(key, purpose, nonce)


async def test_the_facilitator_posts_whatever_the_letter_case_of_their_id(store: SqlStore) -> None:
    """One rule with meetings (`core.networks.may_lead`): Entra ids compare without letter case."""
    await hr_network(store, facilitator="AAD-LIISA")
    channel = RecordingChannel(["29:a", "29:b"])
    posted = await polls.post(
        store,
        channel,
        PollDraft("Teemat?", ("Rekry", "Perehdytys"), kind=PollKind.THEME),
        channel_id=HR,
        user="aad-liisa",
        is_coordinator=False,
        now=NOW,
        lang="en",
    )
    poll = posted.poll
    stored = await store.get_poll(poll.id)
    assert stored is not None and stored.network == "hr-kehittajat" and stored.author == "aad-liisa"
    assert stored.audience == ("29:a", "29:b") and stored.lang == "en"
    assert (stored.conversation_id, stored.activity_id) == (f"{HR};messageid=1", "activity-1")
    assert channel.published == [poll]


async def test_who_may_post_where(store: SqlStore) -> None:
    await hr_network(store)
    channel = RecordingChannel()
    draft = PollDraft("Q?", ("A", "B"))
    with pytest.raises(NotAllowed):
        await polls.post(
            store, channel, draft, channel_id=HR, user="aad-matti", is_coordinator=False, now=NOW, lang="fi"
        )
    with pytest.raises(NotAllowed):  # a facilitator outside their network's channel
        await polls.post(
            store,
            channel,
            draft,
            channel_id=OTHER,
            user="aad-liisa",
            is_coordinator=False,
            now=NOW,
            lang="fi",
        )
    with pytest.raises(Invalid):  # not in a channel at all
        await polls.post(
            store, channel, draft, channel_id=None, user="aad-maija", is_coordinator=True, now=NOW, lang="fi"
        )
    with pytest.raises(Invalid):  # a theme vote needs a network channel
        await polls.post(
            store,
            channel,
            PollDraft("Q?", ("A", "B"), kind=PollKind.THEME),
            channel_id=OTHER,
            user="aad-maija",
            is_coordinator=True,
            now=NOW,
            lang="fi",
        )
    assert channel.published == [] and await polls.posting_place(store, OTHER, "x", True) is None


async def test_votes_replace_and_the_shared_card_is_told(store: SqlStore) -> None:
    channel = RecordingChannel()
    poll = await post(store, channel)
    recent = RecentPolls()

    async def vote(user: str, choice: object) -> polls.PollState:
        return await polls.vote(
            store,
            KEY,
            channel,
            poll_id=poll.id,
            channel_id=HR,
            user=user,
            choice=choice,
            now=NOW,
            recent=recent,
        )

    await vote("aad-liisa", "0")
    state = await vote("AAD-Liisa", 1)  # the same person: the latest answer wins
    assert state.mine == frozenset({1}) and state.viewer == "aad-liisa"
    assert state.tally is not None and state.tally.counts == (0, 1) and state.tally.voters == 1
    assert len(channel.changes) == 2  # no per-user refresh: the shared card shows the counts
    with pytest.raises(Invalid):
        await vote("aad-matti", "7")
    with pytest.raises(NotFound):  # the poll lives in another channel
        await polls.vote(
            store, KEY, channel, poll_id=poll.id, channel_id=OTHER, user="aad-matti", choice="0", now=NOW
        )
    with pytest.raises(NotAllowed):
        await vote("", "0")


async def test_results_for_the_author_only_stay_hidden_from_voters(store: SqlStore) -> None:
    channel = RecordingChannel()
    poll = await post(store, channel, results=Results.AUTHOR, anonymous=True)
    state = await polls.vote(
        store, KEY, channel, poll_id=poll.id, channel_id=HR, user="aad-liisa", choice="0", now=NOW
    )
    assert state.tally is None and channel.changes == []
    mine = await polls.view(store, KEY, channel, poll_id=poll.id, channel_id=HR, user="aad-maija", now=NOW)
    assert mine.tally is not None and mine.tally.voters == 1 and mine.mine == frozenset()
    shared = await polls.shared_view(store, poll.id, NOW)
    assert shared is not None and shared.tally is None


async def test_a_passed_closing_time_closes_the_poll_on_first_touch(store: SqlStore) -> None:
    channel = RecordingChannel()
    poll = await post(store, channel, closes_at=NOW + timedelta(hours=1))
    later = NOW + timedelta(hours=2)
    with pytest.raises(Conflict):
        await polls.vote(
            store, KEY, channel, poll_id=poll.id, channel_id=HR, user="aad-liisa", choice="0", now=later
        )
    [closed] = channel.changes
    assert closed.closed_at is not None
    stored = await store.get_poll(poll.id)
    assert stored is not None and stored.closed_at is not None


async def test_only_the_author_or_a_coordinator_closes(store: SqlStore) -> None:
    channel = RecordingChannel()
    poll = await post(store, channel)
    recent = RecentPolls()
    await polls.view(
        store, KEY, channel, poll_id=poll.id, channel_id=HR, user="aad-liisa", now=NOW, recent=recent
    )
    with pytest.raises(NotAllowed):
        await polls.close(
            store,
            KEY,
            channel,
            poll_id=poll.id,
            channel_id=HR,
            user="aad-liisa",
            is_coordinator=False,
            now=NOW,
            recent=recent,
        )
    state = await polls.close(
        store,
        KEY,
        channel,
        poll_id=poll.id,
        channel_id=HR,
        user="aad-maija",
        is_coordinator=False,
        now=NOW,
        recent=recent,
    )
    assert state.poll.closed_at is not None and channel.changes[-1].id == poll.id
    with pytest.raises(Conflict):  # the cache forgot the open poll: the vote sees it closed
        await polls.vote(
            store,
            KEY,
            channel,
            poll_id=poll.id,
            channel_id=HR,
            user="aad-liisa",
            choice="0",
            now=NOW,
            recent=recent,
        )


def test_the_read_cache_expires_and_stays_bounded() -> None:
    clock = [0.0]
    recent = RecentPolls(ttl=2.0, size=2, clock=lambda: clock[0])
    poll = Poll("p1", HR, "a", "Q", ("A", "B"), False, False, Results.ALL, PollKind.GENERAL, NOW)
    recent.put(poll)
    assert recent.get("p1") is poll
    clock[0] = 2.5
    assert recent.get("p1") is None
    for name in ("p2", "p3", "p4"):
        recent.put(Poll(name, HR, "a", "Q", ("A", "B"), False, False, Results.ALL, PollKind.GENERAL, NOW))
    assert recent.get("p1") is None and recent.get("p4") is not None


class ClosedNotices:
    """A `core.poll_deadlines.ClosedNotices` that records the states it was asked about."""

    def __init__(self) -> None:
        self.states: list[polls.PollState] = []

    def messages(self, state: polls.PollState) -> list[OutgoingMessage]:
        self.states.append(state)
        where = Target(
            "update", "https://smba.example/", conversation_id=f"{HR};messageid=1", activity_id="1"
        )
        key = f"poll:{state.poll.id}:closed"
        return [OutgoingMessage(key, key, HR, where, {"type": "message", "text": "closed"})]


async def test_polls_past_their_time_are_closed_once_with_their_card_update(store: SqlStore) -> None:
    channel = RecordingChannel()
    due = await post(store, channel, closes_at=NOW + timedelta(hours=1))
    later = await post(store, channel, closes_at=NOW + timedelta(days=1))
    await polls.vote(
        store, KEY, channel, poll_id=due.id, channel_id=HR, user="aad-liisa", choice="1", now=NOW
    )
    notices, at = ClosedNotices(), NOW + timedelta(hours=2)
    both = await asyncio.gather(close_due(store, notices, at), close_due(store, notices, at))
    assert [p.id for p in both[0] + both[1]] == [due.id]  # two instances: closed once
    [state] = notices.states
    assert state.poll.closed_at == NOW + timedelta(hours=1) and state.tally == polls.Tally((0, 1), 1)
    assert (await store.get_poll(due.id)).closed_at == NOW + timedelta(hours=1)  # type: ignore[union-attr]
    assert (await store.get_poll(later.id)).closed_at is None  # type: ignore[union-attr]
    assert (await store.delivery_counts(f"poll:{due.id}:closed")).pending == 1
    assert await close_due(store, notices, at) == []
    with pytest.raises(Conflict):
        await polls.vote(
            store, KEY, channel, poll_id=due.id, channel_id=HR, user="aad-matti", choice="0", now=NOW
        )


async def test_who_voted_what_for_the_author_and_the_coordinator_only(store: SqlStore) -> None:
    await hr_network(store, facilitator="aad-liisa")
    for aad, name in (("aad-matti", "Matti"), ("aad-anna", "Anna")):
        await store.upsert_person(Person(aad, name=name))
    channel = RecordingChannel()

    async def posted(anonymous: bool) -> Poll:
        draft = PollDraft("Q?", ("A", "B", "C"), multiple=True, anonymous=anonymous)
        done = await polls.post(
            store, channel, draft, channel_id=HR, user="aad-liisa", is_coordinator=False, now=NOW, lang="fi"
        )
        for voter, choice in (("aad-matti", "0,2"), ("aad-anna", "2")):
            await polls.vote(
                store, KEY, channel, poll_id=done.poll.id, channel_id=HR, user=voter, choice=choice, now=NOW
            )
        return done.poll

    named, anonymous = await posted(False), await posted(True)

    async def ask(poll: Poll, user: str, coordinator: bool = False) -> polls.Voters:
        return await polls.who_voted(
            store, KEY, poll_id=poll.id, channel_id=HR, user=user, is_coordinator=coordinator, now=NOW
        )

    for user, coordinator in (("AAD-LIISA", False), ("aad-maija", True)):
        listing = await ask(named, user, coordinator)
        assert listing.ballots == (("aad-anna", frozenset({2})), ("aad-matti", frozenset({0, 2})))
        assert listing.names == {"aad-anna": "Anna", "aad-matti": "Matti"}
        assert listing.state.tally == polls.Tally((1, 0, 2), 2)
    with pytest.raises(NotAllowed, match="voters_not_allowed"):
        await ask(named, "aad-matti")
    for user, coordinator in (("aad-liisa", False), ("aad-maija", True)):
        with pytest.raises(NotAllowed, match="voters_anonymous"):
            await ask(anonymous, user, coordinator)
    with pytest.raises(NotAllowed, match="voters_not_allowed"):
        await ask(anonymous, "aad-matti")
    with pytest.raises(NotFound):
        await polls.who_voted(
            store, KEY, poll_id=named.id, channel_id=OTHER, user="aad-liisa", is_coordinator=False, now=NOW
        )
