"""Matching a coaching round: pairs or groups of 3-5 across organisations, without repeats while possible.

The rules, from the strongest down:
1. Hard: never two people of one organisation (unless both allow it), a shared language, and someone who
   only wants mentoring gets a complementary role (a coach with someone to be coached). Each person is only
   in a group of a size they accept.
2. Everyone who can be placed is placed: the size plan splits the people into groups of the chosen size
   (an odd person of a pair round joins a group of three; remainders of a group round make a group one
   larger or smaller); whoever is left gets a reason (`NO_PARTNER`, `CAPACITY`), never silence.
3. No partner is repeated while a new compatible one exists: a pair that met before (history over the rounds
   in the window) costs more than any difference in fit can win back; recent and frequent repeats cost more.
4. Fit: shared themes weigh most, then shared methods, then complementary roles; colleagues who both allow
   a same-organisation match are matched across organisations when possible.

Every pair gets one integer weight (`weights`): `FORBIDDEN` for a hard rule, penalties for rule 3 and rule
4's same-organisation case, bonuses for fit. A group's score is the sum over its pairs. The search is a
constructive greedy followed by local search with swaps, for pairs and groups alike:
- build: the most constrained people first (fewest allowed partners), each into the group where their
  best-fitting candidates already are, or the next empty one; groups of an off size are filled first, with
  people who accept that size;
- repair: first, everyone stuck with a forbidden pair, a repeat or a colleague tries every swap in the
  round, regardless of the time limit (so a busy machine costs fit, never the rules);
- improve: for each person, try swapping them with a member of the groups of their 24 best candidates (for
  pairs, this is the classic 2-opt exchange of partners); a person stuck as above tries every swap. Only
  strict improvements are kept, sweeps run until none is found or the time limit (default 2.5 s) passes,
  then a large-neighbourhood search (a few groups dealt out again and polished) uses at most 0.5 s more;
- finish: a group that still breaks a hard rule loses the member who breaks it most; each person left over
  joins the group they fit best (at most one larger than the round's size, if everyone there accepts the
  size), or pairs up with another one left over, or is reported `NO_PARTNER`.

Why this and not the libraries the issue names. networkx's `max_weight_matching` (exact, blossom) took 8.5 s
for 1,000 coaches even with only 3 candidate edges per person, 18 s with 20, and 473 s for the full
compatibility graph (measured on this machine, which other engineers share: its implementation walks all
vertices at every stage). It also has no answer for groups of 3-5, which is NP-hard, and OR-Tools' CP-SAT
would need a boolean per (person, group) and per (pair, group) for the pair terms of a group score:
250,000 + ~125 million variables for 1,000 people in groups of four, so a time limit would cut it off long
before a good solution. One local search over the same pair weights serves both, runs in about a second for
1,000 people, and is checked against networkx's exact optimum on small rounds in the tests (networkx is a
dev dependency for that). The search is deterministic for a given seed (a round id).
"""

from __future__ import annotations

import random
import time
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from core.coaching import MAX_SIZE, MIN_SIZE, Method, Role
from core.errors import Invalid

FORBIDDEN = -10_000_000
REPEAT = 200_000  # a pair that met before, once
REPEAT_AGAIN = 50_000  # each earlier meeting beyond the first
REPEAT_RECENT = 10_000  # per round closer to now than the window's far end
SAME_ORGANIZATION = 5_000  # colleagues who both allow it: allowed, but a match across is preferred
THEME = 100  # per shared theme
METHOD = 30  # per shared method
ROLES = 20  # one can coach and the other be coached
CANDIDATES = 24  # best-fitting partners tried per person in the local search
MAX_PEOPLE = 3000  # the pair weights are kept whole in memory (n * n * 4 bytes)
TIME_LIMIT_S = 2.5
REPAIRS = 5  # passes of the repair over everyone stuck with a broken rule or a repeat
SHAKE_GROUPS = 4  # groups dealt out again in one step of the large-neighbourhood search
SHAKE_SECONDS = 0.5  # at most this long
SHAKES = 20  # and at most this many steps per person in a round
STALL = 10  # ... and it stops after this many per person without a better score


class Reason(StrEnum):
    """Why someone of the pool is in no group of a round."""

    PAUSED = "paused"
    THEME = "theme"  # the round has a theme focus they did not choose
    GROUP_SIZE = "group_size"  # they do not accept the round's group size
    CONTINUING = "continuing"  # they and their partners chose to go on together
    NO_PARTNER = "no_partner"  # no compatible partner was free
    CAPACITY = "capacity"  # the group sizes they accept had no room left


@dataclass(frozen=True)
class Candidate:
    """Who may be matched in this round, as the algorithm sees them."""

    id: str
    organization: str | None
    themes: frozenset[str]
    methods: frozenset[Method]
    languages: frozenset[str]
    role: Role = Role.EITHER
    sizes: frozenset[int] = frozenset({2, 3})
    allow_same_organization: bool = False

    @property
    def only_mentoring(self) -> bool:
        return self.methods == {Method.MENTORING}


@dataclass(frozen=True)
class Past:
    """How a pair met before within the history window: how often, and how many rounds ago the last time
    (0 = the latest confirmed round)."""

    times: int
    rounds_ago: int


History = Mapping[frozenset[str], Past]


def pair(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


@dataclass(frozen=True)
class Group:
    members: tuple[str, ...]
    method: Method
    themes: tuple[str, ...]  # shared by at least two members, most shared first
    repeats: tuple[tuple[str, str], ...] = ()  # pairs inside that met before
    same_organization: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Matching:
    groups: tuple[Group, ...]
    unmatched: tuple[tuple[str, Reason], ...]


@dataclass(frozen=True)
class PairStats:
    """Counted over every pair of people inside the groups (a group of four has six)."""

    groups: int
    people: int
    pairs: int
    repeats: int
    same_organization: int
    shared_themes: int  # summed over the pairs

    @property
    def repeat_rate(self) -> float:
        return self.repeats / self.pairs if self.pairs else 0.0

    @property
    def same_organization_rate(self) -> float:
        return self.same_organization / self.pairs if self.pairs else 0.0

    @property
    def mean_theme_overlap(self) -> float:
        return self.shared_themes / self.pairs if self.pairs else 0.0


def measure(groups: Sequence[Sequence[str]], people: Mapping[str, Candidate], history: History) -> PairStats:
    """Repeats, same-organisation pairs and shared themes of any grouping (ours or a random shuffle)."""
    pairs = repeats = same = shared = 0
    for members in groups:
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pairs += 1
                repeats += pair(a, b) in history
                org = people[a].organization
                same += org is not None and org == people[b].organization
                shared += len(people[a].themes & people[b].themes)
    return PairStats(len(groups), sum(len(g) for g in groups), pairs, repeats, same, shared)


def plan_sizes(count: int, size: int) -> list[list[int]]:
    """The ways to split `count` people into groups as close to `size` as possible (each within 2-5), best
    first: the smallest deviation from `size`, then the fewest groups of another size."""
    options: list[tuple[int, int, list[int]]] = []
    for groups in sorted({count // size, -(-count // size)}):
        if groups < 1:
            continue
        base, extra = divmod(count, groups)
        sizes = [base + 1] * extra + [base] * (groups - extra)
        if min(sizes) < MIN_SIZE or max(sizes) > MAX_SIZE:
            continue
        off = sum(1 for s in sizes if s != size)
        options.append((max(abs(s - size) for s in sizes), off, sizes))
    return [sizes for _, _, sizes in sorted(options, key=lambda o: (o[0], o[1]))]


def match(
    people: Sequence[Candidate],
    size: int,
    history: History,
    *,
    seed: str | int = 0,
    time_limit: float = TIME_LIMIT_S,
    clock: Callable[[], float] = time.perf_counter,
) -> Matching:
    """Groups of `size` (2 = pairs) from `people` (everyone accepts `size`); raises `Invalid` for a size
    outside 2-5 or more than `MAX_PEOPLE` people."""
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise Invalid("coaching.error.bad_size", min=MIN_SIZE, max=MAX_SIZE)
    if len(people) > MAX_PEOPLE:
        raise Invalid("coaching.error.too_many", max=MAX_PEOPLE)
    ordered = sorted({p.id: p for p in people}.values(), key=lambda p: p.id)
    return _Search(ordered, size, history, random.Random(str(seed)), clock() + time_limit, clock).run()


# ---- the weights -------------------------------------------------------------------------------------

_ROLE_BITS = {Role.COACH: 1, Role.COACHEE: 2, Role.EITHER: 3}


def _complementary(a: int, b: int) -> bool:
    """Role bits (1 coaches, 2 is coached): one of the two can coach and the other can be coached."""
    return bool((a & 1 and b & 2) or (b & 1 and a & 2))


def weights(people: Sequence[Candidate], history: History) -> list[array[int]]:
    """The symmetric pair-weight matrix (rows of int32), `FORBIDDEN` on the diagonal."""
    n = len(people)
    theme_bits: dict[str, int] = {}
    for person in people:
        for theme in sorted(person.themes):
            theme_bits.setdefault(theme, len(theme_bits))
    shift = len(theme_bits)
    method_bits = {m: shift + i for i, m in enumerate(Method)}
    features = [
        sum(1 << theme_bits[t] for t in p.themes) + sum(1 << method_bits[m] for m in p.methods)
        for p in people
    ]
    roles = [_ROLE_BITS[p.role] for p in people]
    rows_of = _fit_rows(features, roles, shift + len(Method))
    language_bits = {lang: 1 << i for i, lang in enumerate(sorted({x for p in people for x in p.languages}))}
    languages = [sum(language_bits[x] for x in p.languages) for p in people]
    by_language: dict[int, list[int]] = {}
    by_organization: dict[str, list[int]] = {}
    mentoring_only = [i for i, p in enumerate(people) if p.only_mentoring]
    for i, person in enumerate(people):
        by_language.setdefault(languages[i], []).append(i)
        if person.organization is not None:
            by_organization.setdefault(person.organization, []).append(i)
    past = _past(people, history)
    rows: list[array[int]] = []
    for i, person in enumerate(people):
        row = rows_of(i)
        for j, cost in past.get(i, ()):
            row[j] -= cost
        if person.organization is not None:
            for j in by_organization[person.organization]:
                both = person.allow_same_organization and people[j].allow_same_organization
                row[j] = row[j] - SAME_ORGANIZATION if both else FORBIDDEN
        for mask, members in by_language.items():
            if not mask & languages[i]:
                for j in members:
                    row[j] = FORBIDDEN
        for j in range(n) if person.only_mentoring else mentoring_only:
            if not _complementary(roles[i], roles[j]):
                row[j] = FORBIDDEN
        row[i] = FORBIDDEN
        rows.append(array("i", row))
    return rows


def _fit_rows(features: list[int], roles: list[int], width: int) -> Callable[[int], list[int]]:
    """`rows_of(i)`: the fit of person `i` with everyone (themes, methods, roles; no rules yet).

    Fit is a popcount of shared bits plus a role bonus; with few themes it is one table look-up per pair:
    the other's role bits ride above the feature bits and survive the AND (`mine` has them all set)."""
    themes_mask = (1 << (width - len(Method))) - 1

    def fit(shared: int) -> int:
        return (
            THEME * (shared & themes_mask).bit_count()
            + METHOD * (shared >> (width - len(Method))).bit_count()
        )

    if width > 16:
        bonus = [[ROLES if _complementary(a, b) else 0 for b in range(4)] for a in range(4)]
        tagged = list(zip(features, roles, strict=True))

        def slow(i: int) -> list[int]:
            mine, extra = features[i], bonus[roles[i]]
            return [fit(mine & f) + extra[r] for f, r in tagged]

        return slow
    size = 1 << width
    scores = [fit(x) for x in range(size)]
    tables = {
        r: [score + (ROLES if _complementary(r, other) else 0) for other in range(4) for score in scores]
        for r in set(roles)
    }
    coded = [f | (r << width) for f, r in zip(features, roles, strict=True)]
    everything = (size - 1) | (3 << width)

    def fast(i: int) -> list[int]:
        table, mine = tables[roles[i]], features[i] | (everything & ~(size - 1))
        return [table[mine & c] for c in coded]

    return fast


def _past(people: Sequence[Candidate], history: History) -> dict[int, list[tuple[int, int]]]:
    """Each person's earlier partners (indices) with what meeting them again would cost."""
    index = {p.id: i for i, p in enumerate(people)}
    window = max((p.rounds_ago for p in history.values()), default=0) + 1
    past: dict[int, list[tuple[int, int]]] = {}
    for key, met in history.items():
        ids = tuple(key)
        if len(ids) != 2 or ids[0] not in index or ids[1] not in index:
            continue
        i, j = index[ids[0]], index[ids[1]]
        cost = REPEAT + REPEAT_AGAIN * (met.times - 1) + REPEAT_RECENT * max(0, window - 1 - met.rounds_ago)
        past.setdefault(i, []).append((j, cost))
        past.setdefault(j, []).append((i, cost))
    return past


def allowed(weight: int) -> bool:
    return weight > FORBIDDEN // 2


# ---- the search --------------------------------------------------------------------------------------


class _Search:
    def __init__(
        self,
        people: list[Candidate],
        size: int,
        history: History,
        rng: random.Random,
        deadline: float,
        clock: Callable[[], float],
    ) -> None:
        self.people = people
        self.size = size
        self.history = history
        self.rng = rng
        self.deadline = deadline
        self.clock = clock
        self.w = weights(people, history)
        self.unmatched: list[tuple[int, Reason]] = []

    # the whole run

    def run(self) -> Matching:
        n = len(self.people)
        partners = [n - row.count(FORBIDDEN) for row in self.w]
        live = [i for i in range(n) if partners[i] > 0]
        self.unmatched += [(i, Reason.NO_PARTNER) for i in range(n) if partners[i] == 0]
        order = live[:]
        self.rng.shuffle(order)
        order.sort(key=lambda i: partners[i])  # the most constrained first (stable: seeded ties)
        self.rank = {person: place for place, person in enumerate(order)}
        sizes, placed = self._plan(order)
        self.top = [self._best(i) for i in range(n)]
        self.groups: list[list[int]] = []
        self.group_of: dict[int, int] = {}
        self._build(sizes, placed)
        self._improve()
        self._shake()
        self._finish()
        return self._result()

    def _plan(self, order: list[int]) -> tuple[list[int], list[int]]:
        """Group sizes that the people accept; people dropped for lack of room get `CAPACITY`."""
        people = order[:]
        while len(people) >= MIN_SIZE:
            for sizes in plan_sizes(len(people), self.size):
                if self._staffable(sizes, people):
                    return sizes, people
            # Drop who can least be placed elsewhere: not accepting another size, matched most recently.
            other = [p for p in people if not self.people[p].sizes - {self.size}] or people
            last = self._last_matched()
            drop = min(other, key=lambda p: (last.get(p, 10**9), -self.rank[p]))
            people.remove(drop)
            self.unmatched.append((drop, Reason.CAPACITY))
        self.unmatched += [(p, Reason.NO_PARTNER) for p in people]
        return [], []

    def _staffable(self, sizes: list[int], people: list[int]) -> bool:
        for off in set(sizes) - {self.size}:
            needed = off * sizes.count(off)
            if sum(1 for p in people if off in self.people[p].sizes) < needed:
                return False
        return True

    def _last_matched(self) -> dict[int, int]:
        index = {p.id: i for i, p in enumerate(self.people)}
        last: dict[int, int] = {}
        for key, met in self.history.items():
            for person in key:
                if person in index:
                    i = index[person]
                    last[i] = min(last.get(i, met.rounds_ago), met.rounds_ago)
        return last

    def _best(self, i: int) -> list[int]:
        row = self.w[i]
        best = sorted(range(len(row)), key=row.__getitem__, reverse=True)[:CANDIDATES]
        return [j for j in best if allowed(row[j])]

    # build

    def _gain(self, person: int, members: Sequence[int]) -> int:
        row = self.w[person]
        return sum(row[m] for m in members)

    def _build(self, sizes: list[int], placed: list[int]) -> None:
        targets = sorted(sizes, key=lambda s: s == self.size)  # groups of another size first
        self.groups = [[] for _ in targets]
        self.capacity = targets
        waiting = set(placed)
        for g, target in enumerate(targets):
            if target == self.size:
                break
            fits = [p for p in placed if p in waiting and target in self.people[p].sizes]
            while len(self.groups[g]) < target and fits:
                members = self.groups[g]
                choice = max(fits, key=lambda p: (self._gain(p, members), -self.rank[p]))
                self._join(choice, g)
                fits.remove(choice)
                waiting.discard(choice)
        empty = [g for g, target in enumerate(targets) if target == self.size]
        empty.reverse()
        for person in placed:
            if person not in waiting:
                continue
            options = {
                self.group_of[c]
                for c in self.top[person]
                if c in self.group_of and len(self.groups[self.group_of[c]]) < self.capacity[self.group_of[c]]
            }
            best, score = None, 0
            for g in options:
                gain = self._gain(person, self.groups[g])
                if gain > score:
                    best, score = g, gain
            if best is None:
                while empty and self.groups[empty[-1]]:
                    empty.pop()
                if empty:
                    best = empty.pop()
                else:
                    best = next(g for g, members in enumerate(self.groups) if len(members) < self.capacity[g])
            self._join(person, best)

    def _join(self, person: int, g: int) -> None:
        self.groups[g].append(person)
        self.group_of[person] = g

    # improve

    def _improve(self) -> None:
        self.contrib = {p: self._gain(p, self.groups[g]) - self.w[p][p] for p, g in self.group_of.items()}
        people = list(self.group_of)
        self.rng.shuffle(people)
        self._repair(people)
        improved = True
        while improved and self.clock() < self.deadline:
            improved = False
            for person in people:
                if self._improve_one(person):
                    improved = True
                if self.clock() >= self.deadline:
                    return

    def _repair(self, people: list[int]) -> None:
        """Before any polishing, and whatever the time limit: everyone stuck with a forbidden pair, a repeat
        or a colleague tries every swap in the round, until no such swap helps (at most `REPAIRS` passes).
        So a busy machine costs fit, never the rules."""
        for _ in range(REPAIRS):
            stuck = [p for p in people if any(self.w[p][m] < 0 for m in self._mates(p))]
            if not any([self._improve_one(p) for p in stuck]):
                return

    def _mates(self, person: int) -> list[int]:
        return [m for m in self.groups[self.group_of[person]] if m != person]

    def _improve_one(self, a: int, within: Sequence[int] | None = None) -> bool:
        """Make the first swap of `a` with someone in another group (of `within`, when given) that raises
        the total score."""
        ga = self.group_of[a]
        mine = self.groups[ga]
        row_a = self.w[a]
        here = self.contrib[a]
        troubled = any(row_a[m] < 0 for m in mine if m != a)
        if within is not None:
            candidates = list(within)
        elif troubled:
            candidates = [g for g in range(len(self.groups)) if g != ga]
        else:
            candidates = list(dict.fromkeys(self.group_of[c] for c in self.top[a] if c in self.group_of))
        size_a = len(mine)
        sizes_a = self.people[a].sizes
        for g in candidates:
            theirs = self.groups[g]
            if g == ga or len(theirs) not in sizes_a:
                continue
            there_a = sum(map(row_a.__getitem__, theirs))
            for x in theirs:
                if size_a not in self.people[x].sizes:
                    continue
                row_x = self.w[x]
                here_x = sum(map(row_x.__getitem__, mine)) - row_x[a]
                if there_a - row_a[x] - here + here_x - self.contrib[x] > 0:
                    self._swap(a, x)
                    return True
        return False

    def _shake(self) -> None:
        """Large-neighbourhood search until the deadline: deal the members of a few neighbouring groups out
        again at random, polish them with swaps among those groups, and keep the new split unless its score
        fell (an equal score is kept too, so the search can walk along plateaus)."""
        people = list(self.group_of)
        if len(self.groups) < 2:
            return
        tries = stalled = 0
        until = min(self.deadline, self.clock() + SHAKE_SECONDS)
        while self.clock() < until and tries < SHAKES * len(people) and stalled < STALL * len(people):
            tries += 1
            stalled += 1
            a = self.rng.choice(people)
            near = list(
                dict.fromkeys(
                    [self.group_of[a], *(self.group_of[c] for c in self.top[a] if c in self.group_of)]
                )
            )
            near = near[:SHAKE_GROUPS]
            if len(near) < 2:
                continue
            before = {g: list(self.groups[g]) for g in near}
            members = [m for g in near for m in before[g]]
            score = sum(self.contrib[m] for m in members)
            self.rng.shuffle(members)
            start = 0
            for g in near:
                self.groups[g] = members[start : start + len(before[g])]
                start += len(before[g])
            if not all(len(self.groups[g]) in self.people[m].sizes for g in near for m in self.groups[g]):
                self._restore(before, near)
                continue
            self._restore(self.groups, near)
            while any(self._improve_one(m, near) for m in members):
                pass
            after = sum(self.contrib[m] for m in members)
            if after < score:
                self._restore(before, near)
            elif after > score:
                stalled = 0

    def _restore(self, groups: Mapping[int, list[int]] | Sequence[list[int]], near: Sequence[int]) -> None:
        """Put groups `near` (indexes into `groups`) in place and refresh who is where and each member's
        score."""
        for g in near:
            members = list(groups[g])
            self.groups[g] = members
            for m in members:
                self.group_of[m] = g
            for m in members:
                self.contrib[m] = sum(map(self.w[m].__getitem__, members)) - self.w[m][m]

    def _swap(self, a: int, x: int) -> None:
        ga, gx = self.group_of[a], self.group_of[x]
        self.groups[ga][self.groups[ga].index(a)] = x
        self.groups[gx][self.groups[gx].index(x)] = a
        self.group_of[a], self.group_of[x] = gx, ga
        for g in (ga, gx):
            members = self.groups[g]
            for m in members:
                self.contrib[m] = sum(map(self.w[m].__getitem__, members)) - self.w[m][m]

    # finish

    def _finish(self) -> None:
        left: list[int] = []
        for members in self.groups:
            while members:
                worst = self._worst(members)
                if worst is None:
                    break
                members.remove(worst)
                left.append(worst)
            if len(members) < MIN_SIZE or any(len(members) not in self.people[m].sizes for m in members):
                left += members
                members.clear()
        self.groups = [members for members in self.groups if members]
        self.group_of = {p: g for g, members in enumerate(self.groups) for p in members}
        left.sort(key=lambda p: self.rank.get(p, 0))
        while left:
            person = left.pop(0)
            if self._insert(person):
                continue
            mate = self._mate(person, left)
            if mate is None:
                self.unmatched.append((person, Reason.NO_PARTNER))
                continue
            left.remove(mate)
            self.groups.append([person, mate])
            self.group_of[person] = self.group_of[mate] = len(self.groups) - 1

    def _worst(self, members: list[int]) -> int | None:
        """The member breaking a hard rule most (forbidden pairs, or no language shared by all)."""
        counts = {m: sum(1 for o in members if o != m and not allowed(self.w[m][o])) for m in members}
        if max(counts.values()) == 0:
            if self._common_language(members):
                return None
            counts = {m: 1 for m in members}
        return max(members, key=lambda m: (counts[m], -self._gain(m, members), self.rank.get(m, 0)))

    def _common_language(self, members: Sequence[int]) -> bool:
        shared = set(self.people[members[0]].languages)
        for m in members[1:]:
            shared &= self.people[m].languages
        return bool(shared)

    def _insert(self, person: int) -> bool:
        """Join the group `person` fits best that can grow by one (the odd person joins a group of three)."""
        best, score = None, FORBIDDEN
        for g, members in enumerate(self.groups):
            grown = len(members) + 1
            if grown > min(MAX_SIZE, self.size + 1) or grown not in self.people[person].sizes:
                continue
            if any(grown not in self.people[m].sizes or not allowed(self.w[person][m]) for m in members):
                continue
            if not self._common_language([*members, person]):
                continue
            gain = self._gain(person, members)
            if gain > score:
                best, score = g, gain
        if best is None:
            return False
        self._join(person, best)
        return True

    def _mate(self, person: int, left: list[int]) -> int | None:
        if MIN_SIZE not in self.people[person].sizes:
            return None
        mates = [o for o in left if allowed(self.w[person][o]) and MIN_SIZE in self.people[o].sizes]
        return max(mates, key=lambda o: self.w[person][o]) if mates else None

    # the result

    def _result(self) -> Matching:
        groups = []
        for members in self.groups:
            people = sorted((self.people[m] for m in members), key=lambda p: p.id)
            groups.append(_group(people, self.history))
        groups.sort(key=lambda g: g.members)
        unmatched = sorted(((self.people[i].id, reason) for i, reason in self.unmatched), key=lambda u: u[0])
        return Matching(tuple(groups), tuple(unmatched))


def _group(people: Sequence[Candidate], history: History) -> Group:
    repeats, same = [], []
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            if pair(a.id, b.id) in history:
                repeats.append((a.id, b.id))
            if a.organization is not None and a.organization == b.organization:
                same.append((a.id, b.id))
    counts: dict[str, int] = {}
    for person in people:
        for theme in person.themes:
            counts[theme] = counts.get(theme, 0) + 1
    themes = tuple(t for t, c in sorted(counts.items(), key=lambda tc: (-tc[1], tc[0])) if c >= 2)
    return Group(tuple(p.id for p in people), suggest_method(people), themes, tuple(repeats), tuple(same))


def suggest_method(people: Sequence[Candidate]) -> Method:
    """The method most members prefer (in `Method` order on ties); mentoring only when one member can coach
    and another can be coached, and always then when someone wants nothing but mentoring."""
    coaches = [p for p in people if p.role.coaches]
    coached = [p for p in people if p.role.is_coached]
    mentoring = any(c.id != d.id for c in coaches for d in coached)
    if mentoring and any(p.only_mentoring for p in people):
        return Method.MENTORING
    votes = {m: sum(1 for p in people if m in p.methods) for m in Method}
    for method in sorted(Method, key=lambda m: (-votes[m], list(Method).index(m))):
        if votes[method] and (method is not Method.MENTORING or mentoring):
            return method
    return Method.SPARRING
