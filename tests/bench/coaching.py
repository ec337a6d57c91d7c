"""Peer coaching: a round for 1,000 coaches in 76 organisations with 10 earlier rounds of history.

(a) time to propose a round of pairs and of groups of four: the whole use case (`propose_round`: the pool,
history and check-ins read from SQLite, the matching, the proposal stored), and the matching alone;
(b) side by side with an Icebreaker-style shuffle on the same people (shuffle, cut into groups, the odd ones
left out): the repeat rate, the same-organisation rate (share of pairs inside groups) and the mean theme
overlap (themes a pair inside a group shares). Organisation sizes are skewed (a few large providers, many
small), themes 1-4 of the 11 in config/coaching.yml, history made of random cross-organisation pairs.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.coaching import Actor, Method, Profile, Role
from core.coaching_match import Candidate, match, measure
from core.coaching_rounds import (
    Round,
    RoundGroup,
    RoundSpec,
    RoundStatus,
    candidate,
    history_of,
    propose_round,
)
from core.meetings import Reach
from core.people import Organization
from store import open_store
from store.coaching_file import load_themes
from tests.bench.report import BenchRow

COACHES = 1000
ORGANIZATIONS = 76
HISTORY = 10
GOAL_S = 5.0


def _people(rng: random.Random, themes: list[str]) -> list[Profile]:
    weights = [1 / (i + 1) ** 0.8 for i in range(ORGANIZATIONS)]
    orgs = rng.choices([f"org-{i:02d}" for i in range(ORGANIZATIONS)], weights, k=COACHES)
    people = []
    for i in range(COACHES):
        people.append(
            Profile(
                f"coach-{i:04d}",
                orgs[i],
                rng.choice(list(Role)),
                tuple(rng.sample(themes, rng.randint(1, 4))),
                tuple(rng.sample(list(Method), rng.randint(1, 3))),
                ("fi", "en") if rng.random() < 0.2 else ("fi",),
                (2, 3, 4, 5),
                rng.random() < 0.05,
            )
        )
    return people


def _history(rng: random.Random, people: list[Profile], start: datetime) -> list[Round]:
    rounds = []
    for n in range(HISTORY):
        ids = [p.person for p in people]
        rng.shuffle(ids)
        groups = tuple(
            RoundGroup(k + 1, (a, b), Method.SPARRING, ())
            for k, (a, b) in enumerate(zip(ids[0::2], ids[1::2], strict=True))
        )
        when = start - timedelta(weeks=6 * (HISTORY - n))
        rounds.append(
            Round(
                f"history-{n}",
                RoundSpec(),
                RoundStatus.PROPOSED,
                "bench",
                when,
                groups,
                (),
                Reach("https://x/"),
            )
        )
    return rounds


def _shuffle(rng: random.Random, ids: list[str], size: int) -> list[list[str]]:
    order = ids[:]
    rng.shuffle(order)
    return [order[i : i + size] for i in range(0, len(order) - size + 1, size)]


async def run() -> list[BenchRow]:
    rng = random.Random(15)
    themes = [t.key for t in await load_themes()]
    people = _people(rng, themes)
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    past = _history(rng, people, now)
    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory() as root:
        store = await open_store(f"sqlite:///{Path(root) / 'bench.db'}")
        try:
            await store.add_organizations(
                [Organization(f"org-{i:02d}", f"Järjestäjä {i}", f"J{i}", (f"org{i}.fi",)) for i in range(76)]
            )
            for profile in people:
                await store.save_profile(profile)
            for earlier in past:
                await store.save_proposal(earlier)
                await store.confirm_round(earlier.id, "bench", earlier.created_at, now, (), chats=False)
            confirmed = await store.confirmed_rounds()
            history = history_of(confirmed, None)
            coordinator = Actor("bench", coordinator=True)
            candidates = [candidate(p) for p in people]
            by_id: dict[str, Candidate] = {c.id: c for c in candidates}
            loaded_themes = await load_themes()
            for size, label in ((2, "pairs"), (4, "groups of 4")):
                started = time.perf_counter()
                proposal = await propose_round(
                    store,
                    coordinator,
                    RoundSpec(size=size),
                    loaded_themes,
                    round_id=f"bench-{size}",
                    now=now,
                    today=now.date(),
                    reach=Reach("https://x/"),
                )
                whole = time.perf_counter() - started
                started = time.perf_counter()
                match(candidates, size, history, seed=f"bench-{size}")
                alone = time.perf_counter() - started
                rows.append(
                    BenchRow(
                        "coaching",
                        f"propose a round of {label} (1,000 coaches, 10 rounds of history)",
                        f"{whole:.2f} s (matching alone {alone:.2f} s)",
                        f"< {GOAL_S:.0f} s",
                        whole < GOAL_S,
                    )
                )
                ours = measure([g.members for g in proposal.groups], by_id, history)
                shuffled = measure(_shuffle(rng, [c.id for c in candidates], size), by_id, history)
                unmatched = len(proposal.unmatched)
                left_out = COACHES - shuffled.people
                rows += [
                    BenchRow(
                        "coaching",
                        f"{label}: repeat rate, ours vs shuffle",
                        f"{ours.repeat_rate:.2%} vs {shuffled.repeat_rate:.2%} "
                        f"({ours.repeats} vs {shuffled.repeats} pairs)",
                        "0 while possible",
                        ours.repeats == 0,
                    ),
                    BenchRow(
                        "coaching",
                        f"{label}: same-organisation rate, ours vs shuffle",
                        f"{ours.same_organization_rate:.2%} vs {shuffled.same_organization_rate:.2%}",
                        "0 unless both allow",
                        all(
                            by_id[a].allow_same_organization and by_id[b].allow_same_organization
                            for g in proposal.groups
                            for a, b in g.same_organization
                        ),
                    ),
                    BenchRow(
                        "coaching",
                        f"{label}: mean theme overlap per pair, ours vs shuffle",
                        f"{ours.mean_theme_overlap:.2f} vs {shuffled.mean_theme_overlap:.2f}",
                        "above the shuffle",
                        ours.mean_theme_overlap > shuffled.mean_theme_overlap,
                    ),
                    BenchRow(
                        "coaching",
                        f"{label}: people without a group, ours vs shuffle",
                        f"{unmatched} (each with a reason) vs {left_out} (left out silently)",
                    ),
                ]
        finally:
            await store.close()
    return rows
