"""Representative and worst-case data for every card builder of `cards/badges.py` (used by
`tests/cards/test_all_cards.py`)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from microsoft_teams.cards import AdaptiveCard

from cards import badges as c
from core.badges import NAME_MAX, TEXT_MAX, Award, BadgeClass, Counts, ManualOutcome, Rule
from core.credentials import Issuer
from core.i18n import Translator
from core.people import Person
from store.badges import load_badge_classes

WHEN = datetime(2026, 5, 12, 11, tzinfo=UTC)
ISSUER = Issuer("https://bot.example.fi", "Vertaansa vailla – verkostot johtamisen tukena")


def _award(i: int, key: str, *, revoked: bool = False, expired: bool = False) -> Award:
    until = WHEN - timedelta(days=1) if expired else None
    return Award(
        f"a{i:030d}", key, f"aad-{i}", "omnia", i, WHEN, until, "h.p.s", "fi", None, WHEN if revoked else None
    )


def samples(t: Translator) -> dict[str, list[AdaptiveCard]]:
    builtin = asyncio.run(load_badge_classes())
    worst = BadgeClass(
        "k" * 40,
        "Ä" * NAME_MAX,
        "A" * NAME_MAX,
        "d" * TEXT_MAX,
        "d" * TEXT_MAX,
        "c" * TEXT_MAX,
        "c" * TEXT_MAX,
        valid_months=12,
    )
    classes = [*builtin, worst] + [
        BadgeClass(f"m{i}", f"Merkki {i}", f"Badge {i}", "d", "d", "c", "c") for i in range(12)
    ]
    awards = [
        _award(i, classes[i % len(classes)].key, revoked=i % 3 == 0, expired=i % 5 == 0) for i in range(40)
    ]
    counts = Counts({cl.key: 10 + i for i, cl in enumerate(classes)}, {f"org{i}": i for i in range(16)}, 7)
    names = {f"org{i}": f"Koulutuskuntayhtymä {i}" for i in range(16)}
    person = Person("aad-1", "Liisa Korhonen", "liisa@vamia.fi")
    outcomes = [
        ManualOutcome(f"p{i}@omnia.fi", person if i % 3 else None, awards[i % len(awards)] if i % 2 else None)
        for i in range(50)
    ]
    by_class = {cl.key: cl for cl in classes}
    return {
        "award_card": [
            c.award_card(t, ISSUER, builtin[0], awards[1]),
            c.award_card(t, ISSUER, worst, _award(2, worst.key, expired=True)),
        ],
        "my_badges_card": [
            c.my_badges_card(t, ISSUER, [], WHEN),
            c.my_badges_card(
                t, ISSUER, [(a, by_class.get(a.class_key)) for a in awards[:20]], WHEN, coordinator=True
            ),
        ],
        "manage_card": [
            c.manage_card(t, classes, counts, names, notice="x" * 100),
            c.manage_card(t, builtin, Counts({}, {}, 0), {}),
        ],
        "class_form_card": [
            c.class_form_card(t),
            c.class_form_card(t, worst, error="x" * 200),
            c.class_form_card(
                t, BadgeClass("a", "A", "A", "d", "d", "c", "c", rule=Rule.ATTENDED, threshold=3)
            ),
        ],
        "award_form_card": [c.award_form_card(t, worst, error="x" * 100)],
        "awarded_card": [c.awarded_card(t, worst, outcomes)],
        "class_awards_card": [
            c.class_awards_card(
                t, worst, awards, {f"aad-{i}": "Å" * 60 for i in range(40)}, WHEN, notice="ok"
            ),
            c.class_awards_card(t, worst, [], {}, WHEN),
        ],
    }
