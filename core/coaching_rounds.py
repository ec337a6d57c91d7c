"""Coaching rounds: proposed by a coordinator or coaching lead, shown before anything is sent, confirmed once.

A round has a group size (2 = pairs), a theme focus (or any theme), a history window (how many earlier
confirmed rounds count as "met before"; all by default) and the weeks until the follow-up. `propose_round`
matches the pool (`core.coaching_match`) and stores the proposal with everyone who is not in a group and
why; nothing is sent. `confirm_round` turns the one proposal into a confirmed round and queues each
person's introduction card in the same transaction (a second confirmation is refused: one round). The
follow-up check-ins and their reminder are queued by the scheduler (`due_followups`), exactly once each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from core.coaching import MAX_SIZE, MIN_SIZE, Actor, CoachingStore, Method, PoolStatus, Profile, Theme
from core.coaching_match import Candidate, Group, Matching, Past, Reason, match, pair
from core.errors import Conflict, Invalid, NotAllowed, NotFound
from core.meetings import Reach
from core.outbox import OutgoingMessage
from core.people import same_person

MAX_FOLLOWUP_WEEKS = 12
DEFAULT_FOLLOWUP_WEEKS = 4
REMINDER_AFTER = timedelta(days=7)
LEARNED_MAX = 300


class RoundStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class ChatState(StrEnum):
    """The optional Graph group chat of a group: not asked for, to be created, created, or refused."""

    NONE = "none"
    PENDING = "pending"
    CREATED = "created"
    FAILED = "failed"


class Decision(StrEnum):
    CONTINUE = "continue"
    END = "end"


@dataclass(frozen=True)
class RoundSpec:
    size: int = 2
    theme: str | None = None  # a theme key, or None for any
    window: int | None = None  # earlier confirmed rounds that count as history; None = all
    followup_weeks: int = DEFAULT_FOLLOWUP_WEEKS

    def validated(self, themes: Sequence[Theme]) -> RoundSpec:
        if not MIN_SIZE <= self.size <= MAX_SIZE:
            raise Invalid("coaching.error.bad_size", min=MIN_SIZE, max=MAX_SIZE)
        if self.theme is not None and self.theme not in {t.key for t in themes}:
            raise Invalid("coaching.error.unknown_theme")
        if self.window is not None and not 1 <= self.window <= 100:
            raise Invalid("coaching.error.bad_window")
        if not 1 <= self.followup_weeks <= MAX_FOLLOWUP_WEEKS:
            raise Invalid("coaching.error.bad_followup", max=MAX_FOLLOWUP_WEEKS)
        return self


@dataclass(frozen=True)
class RoundGroup:
    number: int  # 1-based within the round
    members: tuple[str, ...]
    method: Method
    themes: tuple[str, ...]
    repeats: tuple[tuple[str, str], ...] = ()
    same_organization: tuple[tuple[str, str], ...] = ()
    chat: ChatState = ChatState.NONE
    chat_id: str | None = None


@dataclass(frozen=True)
class Round:
    id: str
    spec: RoundSpec
    status: RoundStatus
    created_by: str
    created_at: datetime
    groups: tuple[RoundGroup, ...]
    unmatched: tuple[tuple[str, Reason], ...]
    reach: Reach
    pool: int = 0  # people in the pool (not left) when it was proposed
    confirmed_at: datetime | None = None
    confirmed_by: str | None = None
    checkin_due: datetime | None = None
    checkins_sent_at: datetime | None = None
    reminders_sent_at: datetime | None = None

    @property
    def matched(self) -> int:
        return sum(len(g.members) for g in self.groups)

    def group_of(self, person: str) -> RoundGroup | None:
        return next((g for g in self.groups if any(same_person(person, m) for m in g.members)), None)


@dataclass(frozen=True)
class CheckIn:
    round_id: str
    person: str
    met: bool
    method: Method | None = None
    learned: str = ""  # one line, optional; only the coordinator's aggregate shows it, without names
    decision: Decision = Decision.END
    answered_at: datetime | None = field(default=None, compare=False)


class RoundStore(CoachingStore, Protocol):
    async def save_proposal(self, proposal: Round) -> Round:
        """Store a proposed round; any other proposal still open is cancelled in the same transaction."""
        ...

    async def get_round(self, round_id: str) -> Round | None: ...

    async def proposal(self) -> Round | None:
        """The proposal still waiting for confirmation, if any."""
        ...

    async def confirmed_rounds(self) -> Sequence[Round]:
        """Every confirmed round with its groups, the newest confirmation first."""
        ...

    async def confirm_round(
        self,
        round_id: str,
        by: str,
        now: datetime,
        checkin_due: datetime,
        messages: Sequence[OutgoingMessage],
        *,
        chats: bool,
    ) -> Round:
        """Proposed -> confirmed and the `messages` queued, in one transaction; with `chats` every group's
        chat becomes `PENDING`. Raises `Conflict` when the round is no longer a proposal, `NotFound`."""
        ...

    async def cancel_round(self, round_id: str) -> Round:
        """Proposed -> cancelled; raises `Conflict` for a confirmed round, `NotFound`."""
        ...

    async def save_checkin(self, checkin: CheckIn) -> CheckIn: ...

    async def checkins(self, round_id: str | None = None) -> Sequence[CheckIn]:
        """The check-ins of a round (of every round with None)."""
        ...

    async def rounds_to_follow_up(self, now: datetime) -> Sequence[Round]:
        """Confirmed rounds whose check-ins are due and unsent, or whose reminder is due and unsent."""
        ...

    async def claim_followup(
        self, round_id: str, now: datetime, messages: Sequence[OutgoingMessage], *, reminder: bool
    ) -> int:
        """Mark the check-ins (or the reminder) of a round sent and queue `messages`, in one transaction;
        0 when another instance already did. Returns how many were queued."""
        ...

    async def pending_chats(self, limit: int) -> Sequence[tuple[Round, RoundGroup]]:
        """Groups of confirmed rounds whose Graph chat is still to be created, oldest first."""
        ...

    async def record_chat(
        self,
        round_id: str,
        number: int,
        state: ChatState,
        chat_id: str | None,
        messages: Sequence[OutgoingMessage] = (),
    ) -> None:
        """The group's chat outcome, with `messages` (its introduction in the chat) in one transaction."""
        ...


def history_of(rounds: Sequence[Round], window: int | None) -> dict[frozenset[str], Past]:
    """Who met whom in the newest `window` confirmed rounds (all with None); `rounds` newest first."""
    history: dict[frozenset[str], Past] = {}
    for ago, past_round in enumerate(rounds if window is None else rounds[:window]):
        for group in past_round.groups:
            for i, a in enumerate(group.members):
                for b in group.members[i + 1 :]:
                    key = pair(a, b)
                    met = history.get(key)
                    history[key] = Past(met.times + 1, met.rounds_ago) if met else Past(1, ago)
    return history


def continuing(rounds: Sequence[Round], checkins: Sequence[CheckIn]) -> set[str]:
    """People whose latest group agreed to go on together: everyone of it who answered said continue, and at
    least two did. Only the newest confirmed round each person was in counts."""
    answers = {(c.round_id, c.person): c for c in checkins}
    latest: dict[str, tuple[Round, RoundGroup]] = {}
    for past_round in rounds:
        for group in past_round.groups:
            for member in group.members:
                latest.setdefault(member, (past_round, group))
    going_on: set[str] = set()
    for member, (past_round, group) in latest.items():
        said = [answers.get((past_round.id, m)) for m in group.members]
        given = [a for a in said if a is not None]
        mine = answers.get((past_round.id, member))
        if mine is None or mine.decision is not Decision.CONTINUE:
            continue
        if len(given) >= 2 and all(a.decision is Decision.CONTINUE for a in given):
            going_on.add(member)
    return going_on


def eligibility(
    profiles: Sequence[Profile], spec: RoundSpec, today: date, going_on: set[str]
) -> tuple[list[Profile], list[tuple[str, Reason]]]:
    """Who takes part in a round of `spec` and, for everyone else in the pool, why not (left people are not
    in the pool and not listed)."""
    taking_part: list[Profile] = []
    out: list[tuple[str, Reason]] = []
    for profile in profiles:
        if profile.status is PoolStatus.LEFT:
            continue
        if profile.paused_on(today):
            out.append((profile.person, Reason.PAUSED))
        elif profile.person in going_on:
            out.append((profile.person, Reason.CONTINUING))
        elif spec.theme is not None and spec.theme not in profile.themes:
            out.append((profile.person, Reason.THEME))
        elif not profile.accepts(spec.size):
            out.append((profile.person, Reason.GROUP_SIZE))
        else:
            taking_part.append(profile)
    return taking_part, out


def candidate(profile: Profile) -> Candidate:
    return Candidate(
        profile.person,
        profile.organization,
        frozenset(profile.themes),
        frozenset(profile.methods),
        frozenset(profile.languages),
        profile.role,
        frozenset(profile.sizes),
        profile.allow_same_organization,
    )


async def propose_round(
    store: RoundStore,
    who: Actor,
    spec: RoundSpec,
    themes: Sequence[Theme],
    *,
    round_id: str,
    now: datetime,
    today: date,
    reach: Reach,
) -> Round:
    """Match the pool for a round of `spec` and store it as the proposal (nothing is sent). Raises
    `NotAllowed` for anyone but a coordinator or coaching lead, `Invalid` for a bad spec."""
    person = who.require_rounds()
    spec = spec.validated(themes)
    profiles = await store.list_profiles()
    rounds = await store.confirmed_rounds()
    going_on = continuing(rounds, await store.checkins())
    taking_part, out = eligibility(profiles, spec, today, going_on)
    history = history_of(rounds, spec.window)
    matching = match([candidate(p) for p in taking_part], spec.size, history, seed=round_id)
    proposal = Round(
        id=round_id,
        spec=spec,
        status=RoundStatus.PROPOSED,
        created_by=person,
        created_at=now,
        groups=_numbered(matching),
        unmatched=tuple(sorted([*out, *matching.unmatched])),
        reach=reach,
        pool=sum(1 for p in profiles if p.status is not PoolStatus.LEFT),
    )
    return await store.save_proposal(proposal)


def _numbered(matching: Matching) -> tuple[RoundGroup, ...]:
    def numbered(number: int, group: Group) -> RoundGroup:
        return RoundGroup(
            number, group.members, group.method, group.themes, group.repeats, group.same_organization
        )

    return tuple(numbered(n, g) for n, g in enumerate(matching.groups, start=1))


class Introductions(Protocol):
    """Builds the outbox messages of a confirmed round (the bot renders the cards)."""

    async def personal(self, confirmed: Round) -> Sequence[OutgoingMessage]:
        """Each matched person's introduction card in their personal chat."""
        ...


async def confirm_round(
    store: RoundStore,
    who: Actor,
    intros: Introductions,
    round_id: str,
    *,
    now: datetime,
    chats: bool,
) -> Round:
    """Confirm the proposal and queue the introductions with it. Raises `Conflict` when it was confirmed
    (or cancelled) already: confirming twice makes one round."""
    person = who.require_rounds()
    proposal = await store.get_round(round_id)
    if proposal is None:
        raise NotFound("coaching.error.unknown_round")
    if proposal.status is not RoundStatus.PROPOSED:
        raise Conflict(f"coaching.error.round_{proposal.status.value}")
    if not proposal.groups:
        raise Invalid("coaching.error.empty_round")
    due = now + timedelta(weeks=proposal.spec.followup_weeks)
    confirmed = replace(proposal, status=RoundStatus.CONFIRMED, confirmed_at=now, checkin_due=due)
    messages = await intros.personal(confirmed)
    return await store.confirm_round(round_id, person, now, due, messages, chats=chats)


async def cancel_round(store: RoundStore, who: Actor, round_id: str) -> Round:
    who.require_rounds()
    return await store.cancel_round(round_id)


async def round_for(store: RoundStore, who: Actor, round_id: str) -> Round:
    """A round as its proposer sees it (coordinators and leads only)."""
    who.require_rounds()
    found = await store.get_round(round_id)
    if found is None:
        raise NotFound("coaching.error.unknown_round")
    return found


async def stats_of(store: RoundStore, shown: Round) -> dict[str, float]:
    """`round_stats` of a round with the pool's current themes."""
    return round_stats(shown, await store.list_profiles())


def round_stats(shown: Round, profiles: Sequence[Profile]) -> dict[str, float]:
    """The numbers a round is judged by, over every pair of people inside its groups: how many pairs,
    repeats and same-organisation pairs, and the mean number of themes a pair shares."""
    themes = {p.person: set(p.themes) for p in profiles}
    pairs = shared = 0
    for group in shown.groups:
        for i, a in enumerate(group.members):
            for b in group.members[i + 1 :]:
                pairs += 1
                shared += len(themes.get(a, set()) & themes.get(b, set()))
    return {
        "pairs": pairs,
        "repeats": sum(len(g.repeats) for g in shown.groups),
        "same_organization": sum(len(g.same_organization) for g in shown.groups),
        "overlap": shared / pairs if pairs else 0.0,
    }


@dataclass(frozen=True)
class CheckedIn:
    answer: CheckIn
    round: Round
    group: RoundGroup


async def check_in(store: RoundStore, who: Actor, answer: CheckIn, now: datetime) -> CheckedIn:
    """Save one's check-in for a confirmed round one was matched in (it may be changed later)."""
    person = who.require_person()
    found = await store.get_round(answer.round_id)
    if found is None or found.status is not RoundStatus.CONFIRMED:
        raise NotFound("coaching.error.unknown_round")
    group = found.group_of(person)
    if group is None:
        raise NotAllowed("coaching.error.not_in_round")
    learned = " ".join(answer.learned.split())
    if len(learned) > LEARNED_MAX:
        raise Invalid("coaching.error.learned_too_long", max=LEARNED_MAX)
    own = next(m for m in group.members if same_person(m, person))
    saved = await store.save_checkin(replace(answer, person=own, learned=learned, answered_at=now))
    return CheckedIn(saved, found, group)


class FollowUps(Protocol):
    """Builds the check-in cards (and their reminder) of a round, for the people still in the pool."""

    async def checkins(
        self, due: Round, people: Sequence[str], *, reminder: bool
    ) -> Sequence[OutgoingMessage]: ...


async def due_followups(store: RoundStore, followups: FollowUps, now: datetime) -> int:
    """Queue the check-ins of rounds that are due, and a reminder a week later to whoever has not answered
    (people who left the pool get neither). Safe to run on every instance at once."""
    queued = 0
    in_pool = {p.person for p in await store.list_profiles() if p.status is PoolStatus.ACTIVE}
    for due in await store.rounds_to_follow_up(now):
        members = [m for g in due.groups for m in g.members if m in in_pool]
        if due.checkins_sent_at is None:
            messages = await followups.checkins(due, members, reminder=False)
            queued += await store.claim_followup(due.id, now, messages, reminder=False)
        elif due.reminders_sent_at is None and now >= due.checkins_sent_at + REMINDER_AFTER:
            answered = {c.person for c in await store.checkins(due.id)}
            waiting = [m for m in members if m not in answered]
            messages = await followups.checkins(due, waiting, reminder=True)
            queued += await store.claim_followup(due.id, now, messages, reminder=True)
    return queued
