"""Representative and worst-case report cards for the all-cards check (`tests/cards/test_all_cards.py`):
an empty term, and 20 networks with 76 organisations (the coaching network's size) and every section."""

from __future__ import annotations

from datetime import UTC, date, datetime

from microsoft_teams.cards import AdaptiveCard

from cards.report import report_card
from core.i18n import Translator
from core.periods import Period, Term
from core.report import (
    ActivityReport,
    BadgeLine,
    CoachingReport,
    Figures,
    NetworkReport,
    OrganizationReport,
    RateLine,
)

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
AUTUMN = Period(date(2026, 8, 1), date(2026, 12, 31), Term.AUTUMN)


def _empty() -> ActivityReport:
    total = NetworkReport("*", "", "", Figures())
    return ActivityReport(AUTUMN, NOW, [], total, [], [], [], None, 0, 0, [])


def _full() -> ActivityReport:
    figures = Figures(40, 12, 100, 900, 60, 450, 76, 120, 30, 12, 800, 1500)
    networks = [
        NetworkReport(
            f"n{i}", f"Verkosto {i} " + "ä" * 40, f"Network {i} " + "x" * 40, figures, ("T" * 60,) * 10
        )
        for i in range(20)
    ]
    organizations = [
        OrganizationReport(f"o{i}", f"Koulutuskuntayhtymä {i}", i % 3 * 5, i % 4, i) for i in range(76)
    ]
    rates = [RateLine(NOW, f"Koulutuskuntayhtymä {i}", 3, 10) for i in range(76)]
    coaching = CoachingReport(
        4, 80, 20, 220, 180, 150, 70, {f"Koulutuskuntayhtymä {i}": 3 for i in range(76)}
    )
    badges = [BadgeLine(f"Merkki {i}", f"Badge {i}", 10, 1) for i in range(5)]
    return ActivityReport(
        Period(date(2026, 1, 1), date(2026, 12, 31)),
        NOW,
        networks,
        NetworkReport("*", "", "", figures),
        organizations,
        [],
        rates,
        coaching,
        120,
        90,
        badges,
    )


def samples(t: Translator) -> dict[str, list[AdaptiveCard]]:
    files = {
        "toimintaraportti-2026-syksy.xlsx": "https://contoso.sharepoint.com/General/toimintaraportti-2026-syksy.xlsx",
        "toimintaraportti-2026-syksy.csv": "https://contoso.sharepoint.com/General/toimintaraportti-2026-syksy.csv",
    }
    return {
        "report_card": [
            report_card(t, _empty()),
            report_card(t, _full(), files=files),
            report_card(t, _full(), error="x" * 300),
        ]
    }
