"""Polls in network channels, and theme votes whose winning themes the meetings keep.

A poll belongs to the channel it was posted in: a vote arriving from any other conversation is treated as a
vote on an unknown poll. Each voter has one ballot per poll (the latest answer replaces the earlier one); a
ballot holds one option, or several in a multiple-choice poll. In an anonymous poll the ballot is keyed by
`voter_key` (a keyed hash of poll id and user id under a server secret), so the database holds no link
from a vote to a person beyond what stops double voting. The closing time is checked by the server.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from core.errors import Conflict, Invalid, NotAllowed, NotFound
from core.keys import ServerKey
from core.networks import Network, NetworkStore, may_lead, network_of_channel
from core.people import PeopleStore, display_names

MIN_OPTIONS = 2
MAX_OPTIONS = 10
MAX_QUESTION = 300
MAX_OPTION = 120
# Teams refreshes a card per user only for the people named in `refresh.userIds`, at most 60 of them.
MAX_REFRESH_AUDIENCE = 60


class PollKind(StrEnum):
    GENERAL = "general"
    THEME = "theme"


class Results(StrEnum):
    """Who sees the counts: everyone, or only the poll's author."""

    ALL = "all"
    AUTHOR = "author"


@dataclass(frozen=True)
class PollDraft:
    """What a facilitator fills in; `validated()` applies the rules or raises `Invalid`."""

    question: str
    options: tuple[str, ...]
    multiple: bool = False
    anonymous: bool = False
    results: Results = Results.ALL
    kind: PollKind = PollKind.GENERAL
    closes_at: datetime | None = None

    def validated(self, now: datetime) -> PollDraft:
        question = " ".join(self.question.split())
        options = tuple(" ".join(o.split()) for o in self.options if o and o.strip())
        if not question:
            raise Invalid("polls.error.no_question")
        if len(question) > MAX_QUESTION:
            raise Invalid("polls.error.question_too_long", limit=MAX_QUESTION)
        if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            raise Invalid("polls.error.option_count", min=MIN_OPTIONS, max=MAX_OPTIONS)
        if any(len(o) > MAX_OPTION for o in options):
            raise Invalid("polls.error.option_too_long", limit=MAX_OPTION)
        if len({o.casefold() for o in options}) != len(options):
            raise Invalid("polls.error.duplicate_option")
        if self.closes_at is not None:
            if self.closes_at.tzinfo is None:
                raise ValueError("closes_at must be timezone-aware")
            if self.closes_at <= now:
                raise Invalid("polls.error.closes_in_past")
        return PollDraft(
            question, options, self.multiple, self.anonymous, self.results, self.kind, self.closes_at
        )


@dataclass(frozen=True)
class Poll:
    """A posted poll. `channel_id` is the Teams channel (`19:...`) it lives in; `conversation_id` and
    `activity_id` name the shared card message, written in `lang`; `audience` holds the member ids
    (`29:...`) whose cards refresh per user, empty when the channel has more than `MAX_REFRESH_AUDIENCE`
    members (then the shared card is updated instead)."""

    id: str
    channel_id: str
    author: str
    question: str
    options: tuple[str, ...]
    multiple: bool
    anonymous: bool
    results: Results
    kind: PollKind
    created_at: datetime
    network: str | None = None
    closes_at: datetime | None = None
    closed_at: datetime | None = None
    conversation_id: str | None = None
    activity_id: str | None = None
    audience: tuple[str, ...] = ()
    lang: str = "fi"
    service_url: str | None = None  # where the card's message is updated from the scheduler

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and (self.closes_at is None or now < self.closes_at)

    def ended_at(self, now: datetime) -> datetime | None:
        """When voting ended (closed by hand, or the closing time passed), None while open."""
        if self.closed_at is not None:
            return self.closed_at
        if self.closes_at is not None and now >= self.closes_at:
            return self.closes_at
        return None

    @property
    def per_user_refresh(self) -> bool:
        return bool(self.audience)

    def results_visible_to(self, user: str | None) -> bool:
        return self.results == Results.ALL or (user is not None and user == self.author)

    def voters_visible_to(self, user: str | None, is_coordinator: bool) -> bool:
        """Who answered what: never in an anonymous poll; in a named one to its author and the coordinator."""
        return not self.anonymous and user is not None and (user == self.author or is_coordinator)


def new_poll(
    draft: PollDraft,
    *,
    channel_id: str,
    author: str,
    now: datetime,
    network: str | None = None,
    audience: Sequence[str] = (),
    lang: str = "fi",
    poll_id: str | None = None,
    service_url: str | None = None,
) -> Poll:
    """A poll from a validated draft, with `poll_id` (a form's nonce, `core.nonces`) or a fresh unguessable
    id. A theme poll needs a network."""
    if draft.kind == PollKind.THEME and not network:
        raise Invalid("polls.error.theme_needs_network")
    audience = tuple(audience) if len(audience) <= MAX_REFRESH_AUDIENCE else ()
    return Poll(
        id=poll_id or secrets.token_urlsafe(12),
        channel_id=channel_id,
        author=author,
        question=draft.question,
        options=draft.options,
        multiple=draft.multiple,
        anonymous=draft.anonymous,
        results=draft.results,
        kind=draft.kind,
        created_at=now,
        network=network,
        closes_at=draft.closes_at,
        audience=audience,
        lang=lang,
        service_url=service_url,
    )


@dataclass(frozen=True)
class Tally:
    """Counts per option (same order as `Poll.options`) and how many people voted."""

    counts: tuple[int, ...]
    voters: int

    def winners(self) -> tuple[int, ...]:
        """The indexes of the options with the most votes (ties all win); none before the first vote."""
        top = max(self.counts, default=0)
        return tuple(i for i, c in enumerate(self.counts) if top and c == top)


def tally_of(option_count: int, ballots: Iterable[tuple[frozenset[int], int]]) -> Tally:
    """A tally from (choices, how many ballots chose exactly that) pairs."""
    counts = [0] * option_count
    voters = 0
    for choices, number in ballots:
        voters += number
        for index in choices:
            if 0 <= index < option_count:
                counts[index] += number
    return Tally(tuple(counts), voters)


def voter_key(secret: bytes, poll: Poll, user: str) -> str:
    """Who a ballot belongs to: the user id in a named poll, a keyed hash of poll and user in an anonymous.

    The hash differs per poll, so anonymous ballots cannot be joined across polls either.
    """
    if not poll.anonymous:
        return user
    digest = hmac.new(secret, f"{poll.id}\x00{user.lower()}".encode(), hashlib.sha256).hexdigest()
    return f"h:{digest}"


def parse_choices(poll: Poll, raw: object) -> frozenset[int]:
    """The option indexes a card sent back ("2" or "0,3"); `Invalid` for anything not in the poll."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        parts = [str(raw)]
    elif isinstance(raw, str):
        parts = [p.strip() for p in raw.split(",") if p.strip()]
    else:
        raise Invalid("polls.error.no_choice")
    if not parts:
        raise Invalid("polls.error.no_choice")
    if not all(p.isascii() and p.isdigit() and len(p) <= 2 for p in parts):
        raise Invalid("polls.error.bad_option")
    choices = frozenset(int(p) for p in parts)
    if any(i >= len(poll.options) for i in choices):
        raise Invalid("polls.error.bad_option")
    if len(choices) > 1 and not poll.multiple:
        raise Invalid("polls.error.one_choice")
    return choices


def require_poll(poll: Poll | None, channel_id: str | None) -> Poll:
    """The poll when it exists and lives in this channel; otherwise `NotFound` (never say which)."""
    if poll is None or not channel_id or poll.channel_id != channel_id:
        raise NotFound("polls.error.unknown")
    return poll


def require_open(poll: Poll, now: datetime) -> None:
    if not poll.is_open(now):
        raise Conflict("polls.error.closed")


@dataclass(frozen=True)
class ThemeResult:
    """The winning themes of one closed theme poll of a network."""

    poll_id: str
    question: str
    themes: tuple[str, ...]
    closed_at: datetime
    votes: tuple[int, ...] = field(default=())


class ThemeResults(Protocol):
    """What planning a meeting reads from the polls."""

    async def winning_themes(self, network: str, now: datetime | None = None) -> Sequence[ThemeResult]:
        """The winning themes of the network's theme polls whose voting has ended (by `now`, default the
        current time), newest first; the meetings use them to plan coming meetings."""
        ...


class PollStore(ThemeResults, Protocol):
    async def create_poll(self, poll: Poll) -> bool:
        """Store a new poll; False (and nothing stored) when a poll with its id exists already."""
        ...

    async def set_poll_message(self, poll_id: str, conversation_id: str, activity_id: str) -> None:
        """Remember the shared card message of a poll, for activity updates."""
        ...

    async def get_poll(self, poll_id: str) -> Poll | None: ...

    async def cast_vote(self, poll_id: str, voter: str, choices: frozenset[int], now: datetime) -> Tally:
        """Replace the voter's ballot atomically and return the tally with it; `NotFound` for no poll,
        `Conflict` once voting has ended (checked under a lock on the poll: no vote lands after the close)."""
        ...

    async def ballot_of(self, poll_id: str, voter: str) -> frozenset[int]:
        """The voter's current choices, empty when they have not voted."""
        ...

    async def tally(self, poll_id: str) -> Tally: ...

    async def close_poll(self, poll_id: str, now: datetime) -> Poll:
        """End voting now (idempotent: an ended poll keeps its end time); `NotFound` for no poll."""
        ...

    async def ballots(self, poll_id: str) -> Sequence[tuple[str, frozenset[int]]]:
        """Every ballot of the poll: (voter key, choices), in no promised order."""
        ...

    async def polls_past_closing(self, now: datetime, limit: int = 100) -> Sequence[Poll]:
        """Polls whose closing time has passed by `now` and that nobody has marked closed yet."""
        ...

    async def claim_closing(
        self, poll_id: str, notices: Callable[[Poll, Tally], Sequence[Any]]
    ) -> Poll | None:
        """Mark the poll closed at its closing time and queue `notices(closed poll, final tally)` (outbox
        messages) in one transaction; None and nothing queued when it was closed already (by another
        instance, by its author, or by the first vote after the time)."""
        ...


class PollPlaces(PollStore, NetworkStore, Protocol):
    """What posting needs: the polls, and the networks that own the channels."""


class PollChannel(Protocol):
    """The Teams channel a poll lives in, as the use cases need it (the bot implements it per turn)."""

    async def members(self) -> Sequence[str]:
        """The member ids (`29:...`) for per-user refresh, empty when there are too many or the roster
        cannot be read (the shared card is updated instead)."""
        ...

    async def publish(self, poll: Poll) -> tuple[str, str] | None:
        """Post the poll's card in the channel; (conversation id, activity id) of the message, if known."""
        ...

    def changed(self, poll: Poll) -> None:
        """The shared card should show the poll's newest state: best effort, coalesced, never raises."""
        ...


class RecentPolls:
    """Polls read in the last `ttl` seconds, so a vote storm reads its poll once: what can change (closing)
    is checked again inside each vote's transaction. Bounded: emptied when it holds `size` polls."""

    def __init__(
        self, ttl: float = 2.0, size: int = 1000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._size = size
        self._clock = clock
        self._polls: dict[str, tuple[Poll, float]] = {}

    def get(self, poll_id: str) -> Poll | None:
        cached = self._polls.get(poll_id)
        if cached is None or self._clock() - cached[1] >= self._ttl:
            return None
        return cached[0]

    def put(self, poll: Poll) -> None:
        if len(self._polls) > self._size:
            self._polls.clear()
        self._polls[poll.id] = (poll, self._clock())

    def forget(self, poll_id: str) -> None:
        self._polls.pop(poll_id, None)


@dataclass(frozen=True)
class PollState:
    """A poll as one person (or, `viewer` None, the whole channel on the shared card) may see it at `now`:
    `tally` is None when the counts are not theirs to see, `mine` their current choices."""

    poll: Poll
    now: datetime
    tally: Tally | None = None
    viewer: str | None = None
    mine: frozenset[int] = frozenset()


def _voter(user: str | None) -> str:
    """A user id as polls keep it (lower case); `NotAllowed` without one."""
    if not user:
        raise NotAllowed("polls.error.not_allowed")
    return user.lower()


async def posting_place(
    store: NetworkStore, channel_id: str | None, user: str | None, is_coordinator: bool
) -> Network | None:
    """The network of the channel when this user may post a poll there (the coordinator anywhere in a
    channel, a facilitator in their network's channel: `core.networks.may_lead`); `Invalid` outside a
    channel, `NotAllowed` for anyone else."""
    if channel_id is None:
        raise Invalid("polls.error.channel_only")
    network = await network_of_channel(store, channel_id)
    if not may_lead(network, user, is_coordinator):
        raise NotAllowed("polls.error.not_allowed")
    return network


@dataclass(frozen=True)
class Posted:
    """What posting did: `new` False when the form had been submitted already (`poll` is that poll)."""

    poll: Poll
    new: bool = True


async def _posted_before(store: PollStore, poll_id: str | None, channel_id: str | None) -> Posted | None:
    existing = await store.get_poll(poll_id) if poll_id else None
    return Posted(require_poll(existing, channel_id), new=False) if existing else None


async def post(
    store: PollPlaces,
    channel: PollChannel,
    draft: PollDraft,
    *,
    channel_id: str | None,
    user: str | None,
    is_coordinator: bool,
    now: datetime,
    lang: str,
    poll_id: str | None = None,
    service_url: str | None = None,
) -> Posted:
    """Post a poll: who may post, the draft's rules (a theme vote needs a network channel), the poll stored
    and its card published, the card's message remembered for updates. With `poll_id` (the form's nonce) a
    second submit, or a concurrent one, posts nothing and returns the poll the first one made."""
    network = await posting_place(store, channel_id, user, is_coordinator)
    if (before := await _posted_before(store, poll_id, channel_id)) is not None:
        return before
    draft = draft.validated(now)
    if draft.kind == PollKind.THEME and network is None:
        raise Invalid("polls.error.theme_needs_network")
    poll = new_poll(
        draft,
        channel_id=channel_id or "",
        author=_voter(user),
        now=now,
        network=network.key if network else None,
        audience=await channel.members(),
        lang=lang,
        poll_id=poll_id,
        service_url=service_url,
    )
    if not await store.create_poll(poll):  # the same form, submitted at the same moment, won
        return await _posted_before(store, poll.id, channel_id) or Posted(poll, new=False)
    where = await channel.publish(poll)
    if where is not None:
        await store.set_poll_message(poll.id, *where)
    return Posted(poll)


async def _find(store: PollStore, recent: RecentPolls | None, poll_id: str, channel_id: str | None) -> Poll:
    poll = recent.get(poll_id) if recent is not None else None
    if poll is None:
        poll = await store.get_poll(poll_id)
        if poll is not None and recent is not None:
            recent.put(poll)
    return require_poll(poll, channel_id)


async def _ended(
    store: PollStore, recent: RecentPolls | None, channel: PollChannel, poll: Poll, now: datetime
) -> Poll:
    """A poll whose closing time has passed is marked closed the first time anyone touches it, and its
    shared card updated, so the channel sees it closed without a timer."""
    if poll.closed_at is not None or poll.ended_at(now) is None:
        return poll
    closed = await store.close_poll(poll.id, now)
    if recent is not None:
        recent.forget(closed.id)
    channel.changed(closed)
    return closed


async def vote(
    store: PollStore,
    key: ServerKey,
    channel: PollChannel,
    *,
    poll_id: str,
    channel_id: str | None,
    user: str | None,
    choice: object,
    now: datetime,
    recent: RecentPolls | None = None,
) -> PollState:
    """Count one ballot (the latest answer replaces the voter's earlier one) and return the poll as the
    voter now sees it. `NotFound` for a poll of another channel, `Conflict` once voting has ended,
    `Invalid` for a choice the poll does not have."""
    poll = await _ended(store, recent, channel, await _find(store, recent, poll_id, channel_id), now)
    require_open(poll, now)
    choices = parse_choices(poll, choice)
    voter = _voter(user)
    tally = await store.cast_vote(poll.id, voter_key(key.secret, poll, voter), choices, now)
    if not poll.per_user_refresh and poll.results_visible_to(None):
        channel.changed(poll)
    shown = tally if poll.results_visible_to(voter) else None
    return PollState(poll, now, shown, voter, choices)


async def _seen_by(
    store: PollStore, key: ServerKey, poll: Poll, user: str | None, now: datetime
) -> PollState:
    viewer = _voter(user)
    mine = await store.ballot_of(poll.id, voter_key(key.secret, poll, viewer))
    tally = await store.tally(poll.id) if poll.results_visible_to(viewer) else None
    return PollState(poll, now, tally, viewer, mine)


async def view(
    store: PollStore,
    key: ServerKey,
    channel: PollChannel,
    *,
    poll_id: str,
    channel_id: str | None,
    user: str | None,
    now: datetime,
    recent: RecentPolls | None = None,
) -> PollState:
    """The poll as this person sees it (their choices; the counts when they may see them)."""
    poll = await _ended(store, recent, channel, await _find(store, recent, poll_id, channel_id), now)
    return await _seen_by(store, key, poll, user, now)


async def close(
    store: PollStore,
    key: ServerKey,
    channel: PollChannel,
    *,
    poll_id: str,
    channel_id: str | None,
    user: str | None,
    is_coordinator: bool,
    now: datetime,
    recent: RecentPolls | None = None,
) -> PollState:
    """End voting now: the poll's author or a coordinator (`NotAllowed` for anyone else)."""
    poll = await _find(store, recent, poll_id, channel_id)
    if _voter(user) != poll.author and not is_coordinator:
        raise NotAllowed("polls.error.not_author")
    closed = await store.close_poll(poll.id, now)
    if recent is not None:
        recent.forget(closed.id)
    channel.changed(closed)
    return await _seen_by(store, key, closed, user, now)


async def shared_view(store: PollStore, poll_id: str, now: datetime) -> PollState | None:
    """The poll as the shared card shows it to everyone (counts only when everyone may see them)."""
    poll = await store.get_poll(poll_id)
    if poll is None:
        return None
    tally = await store.tally(poll.id) if poll.results_visible_to(None) else None
    return PollState(poll, now, tally)


@dataclass(frozen=True)
class Voters:
    """Who answered what in a named poll (`ballots`: voter id and choices, sorted by name), and the poll as
    the asker sees it (`state`)."""

    state: PollState
    names: dict[str, str]
    ballots: tuple[tuple[str, frozenset[int]], ...]


class VoterStore(PollStore, PeopleStore, Protocol):
    """What listing the voters reads: the ballots, and the people's names."""


async def who_voted(
    store: VoterStore,
    key: ServerKey,
    *,
    poll_id: str,
    channel_id: str | None,
    user: str | None,
    is_coordinator: bool,
    now: datetime,
) -> Voters:
    """Who answered what: for the poll's author and the coordinator only (`NotAllowed` for anyone else),
    and never for an anonymous poll (`NotAllowed`: its ballots name nobody, and it was promised so)."""
    poll = require_poll(await store.get_poll(poll_id), channel_id)
    if not poll.voters_visible_to(_voter(user), is_coordinator):
        anonymous = poll.anonymous and (_voter(user) == poll.author or is_coordinator)
        raise NotAllowed("polls.error.voters_anonymous" if anonymous else "polls.error.voters_not_allowed")
    ballots = list(await store.ballots(poll.id))
    names = await display_names(store, [voter for voter, _ in ballots])
    ballots.sort(key=lambda ballot: (names[ballot[0]].casefold(), ballot[0]))
    return Voters(await _seen_by(store, key, poll, user, now), names, tuple(ballots))
