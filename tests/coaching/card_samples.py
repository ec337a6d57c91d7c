"""Representative and worst-case coaching cards for the all-cards check (`tests/cards/test_all_cards.py`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from microsoft_teams.cards import AdaptiveCard

from cards import coaching as c
from cards import coaching_orgs as o
from cards import coaching_rounds as r
from core.coaching import Method, PoolStatus, Profile, Role, Theme
from core.coaching_match import Reason
from core.coaching_report import Overview
from core.coaching_rounds import CheckIn, Decision, Round, RoundGroup, RoundSpec, RoundStatus
from core.coaching_views import Member
from core.i18n import Translator
from core.meetings import Reach
from core.people import Organization

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
TODAY = date(2026, 11, 23)
THEMES = tuple(Theme(f"theme-{i}", f"Teema {i} " + "ä" * 40, f"Theme {i} " + "x" * 40) for i in range(12))
ORGS = [(f"org{i}", f"Koulutuskuntayhtymä {i}") for i in range(76)]


def _people(count: int) -> dict[str, Member]:
    return {
        f"aad-{i}": Member(
            f"aad-{i}",
            f"Valmentaja Pitkänimi-Esimerkki {i}",
            f"Koulutuskuntayhtymä {i % 76}",
            f"v{i}@org{i % 76}.fi",
        )
        for i in range(count)
    }


def _round(groups: int, size: int, unmatched: int, status: RoundStatus = RoundStatus.PROPOSED) -> Round:
    built = tuple(
        RoundGroup(
            n + 1,
            tuple(f"aad-{n * size + k}" for k in range(size)),
            list(Method)[n % 4],
            tuple(t.key for t in THEMES[:3]),
            ((f"aad-{n * size}", f"aad-{n * size + 1}"),) if n % 7 == 0 else (),
            ((f"aad-{n * size}", f"aad-{n * size + 1}"),) if n % 11 == 0 else (),
        )
        for n in range(groups)
    )
    reasons = list(Reason)
    return Round(
        "round-1",
        RoundSpec(size, THEMES[0].key if size == 4 else None),
        status,
        "aad-maija",
        NOW,
        built,
        tuple((f"aad-u{i}", reasons[i % len(reasons)]) for i in range(unmatched)),
        Reach("https://smba.example/emea/"),
        pool=groups * size + unmatched,
        confirmed_at=NOW if status is RoundStatus.CONFIRMED else None,
        checkin_due=NOW + timedelta(weeks=4) if status is RoundStatus.CONFIRMED else None,
    )


def samples(t: Translator) -> dict[str, list[AdaptiveCard]]:
    people = _people(1000)
    full = Profile(
        "aad-0",
        "org0",
        Role.COACHEE,
        tuple(th.key for th in THEMES),
        tuple(Method),
        ("fi", "sv", "en"),
        (2, 3, 4, 5),
        True,
        paused_until=TODAY + timedelta(days=30),
    )
    left = Profile("aad-0", None, status=PoolStatus.LEFT)
    pair = _round(500, 2, 0, RoundStatus.CONFIRMED)
    group = RoundGroup(
        1,
        ("aad-0", "aad-1", "aad-2", "aad-3", "aad-4"),
        Method.MENTORING,
        ("theme-1",),
        (("aad-0", "aad-1"),),
    )
    lonely = RoundGroup(2, ("aad-0", "nobody"), Method.SPARRING, ())
    answer = CheckIn("round-1", "aad-0", True, Method.BENCHMARKING, "x" * 300, Decision.CONTINUE, NOW)
    view = Overview(
        active=250,
        paused=12,
        left=3,
        rounds=10,
        pairs=1200,
        groups=300,
        matched=262,
        checkins_sent=2600,
        answers=2000,
        met=1800,
        cross_organization=1500,
        methods={m: 100 + i for i, m in enumerate(Method)},
        organizations=[(f"org{i}", 76 - i) for i in range(76)],
        learned=["Opin " + "y" * 300] * 15,
        proposal=_round(1, 2, 0),
    )
    empty = Overview(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, {}, [])
    stats = {"pairs": 1500.0, "repeats": 3.0, "same_organization": 1.0, "overlap": 1.8}
    organizations = [
        Organization(
            f"org{i}",
            f"Koulutuskuntayhtymä {i} " + "n" * 60,
            f"Lyhenne {i}",
            (f"org{i}.fi", f"edu.org{i}.fi"),
        )
        for i in range(76)
    ]
    return {
        "profile_card": [
            c.profile_card(
                t, Profile("aad-0", None), joined=False, themes=THEMES, organizations=ORGS, today=TODAY
            ),
            c.profile_card(
                t,
                full,
                joined=True,
                themes=THEMES,
                organizations=ORGS,
                today=TODAY,
                notice=t("coaching.profile.saved"),
                partners=[people["aad-1"], people["aad-2"]],
                runs_rounds=True,
            ),
            c.profile_card(t, left, joined=True, themes=THEMES, organizations=[], today=TODAY),
        ],
        "introduction_card": [
            c.introduction_card(t, "aad-0", pair.groups[0], people, THEMES, pair),
            c.introduction_card(t, "aad-0", group, people, THEMES, pair),
            c.introduction_card(t, "aad-0", lonely, {}, THEMES, pair),
        ],
        "chat_introduction_card": [c.chat_introduction_card(t, group, people, THEMES)],
        "checkin_card": [
            c.checkin_card(t, pair, group, [people["aad-1"], people["aad-2"]]),
            c.checkin_card(t, pair, group, [people["aad-1"]], reminder=True, answer=answer, saved=True),
        ],
        "coaching_overview_card": [
            r.coaching_overview_card(t, view, {k: n for k, n in ORGS}, coordinator=True, notice="x" * 100),
            r.coaching_overview_card(t, empty, {}, coordinator=False),
        ],
        "round_form_card": [r.round_form_card(t, THEMES), r.round_form_card(t, THEMES, error="x" * 200)],
        "proposal_card": [
            r.proposal_card(t, _round(500, 2, 200), people, THEMES, stats),
            r.proposal_card(t, _round(250, 4, 0), people, THEMES, stats),
            r.proposal_card(t, pair, people, THEMES, stats, notice=t("coaching.round.confirmed", count=1000)),
            r.proposal_card(
                t,
                _round(0, 2, 5),
                {},
                THEMES,
                {"pairs": 0, "repeats": 0, "same_organization": 0, "overlap": 0},
            ),
        ],
        "leads_card": [
            r.leads_card(t, [people["aad-1"], people["aad-2"]], notice="ok"),
            r.leads_card(t, [], error="x" * 100),
        ],
        "organizations_card": [
            o.organizations_card(
                t, organizations, {f"org{i}": i for i in range(76)}, {"org0", "org1"}, editable=True
            ),
            o.organizations_card(t, organizations[:3], {}, set(), editable=False, error="x" * 100),
        ],
    }
