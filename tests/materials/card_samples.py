"""Representative and worst-case data for every card builder of `cards/materials.py` (used by
`tests/cards/test_all_cards.py`, which checks each against what Teams renders and the 80 KB budget)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from microsoft_teams.cards import AdaptiveCard

from cards import materials as m
from core.i18n import Translator
from core.materials import Entry, Kind, MeetingFiles
from core.meetings import Meeting

WHEN = datetime(2021, 5, 12, 9, tzinfo=UTC)
DRIVE = "b!" + "d" * 64
LONG_URL = "https://vertaansa.sharepoint.com/sites/Vertaansavailla/Shared%20Documents/" + "x" * 400


def _meeting(i: int, theme: str = "Työhyvinvointi") -> Meeting:
    return Meeting(f"m{i}", "hr", theme, WHEN - timedelta(days=i), ("aad-matti",), "aad-liisa")


def samples(t: Translator) -> dict[str, list[AdaptiveCard]]:
    small = [
        m.NetworkMeetings(
            "HR-kehittäjäverkosto",
            [
                MeetingFiles(
                    "hr",
                    "Työhyvinvointi",
                    date(2021, 5, 12),
                    _meeting(0),
                    [
                        Entry(
                            "Alustus.pptx",
                            Kind.SLIDES,
                            LONG_URL,
                            "aad-matti",
                            WHEN,
                            1000,
                            True,
                            "01ITEM",
                            "b!drive",
                        ),
                        Entry("Pienryhmät.docx", Kind.DOCUMENT, LONG_URL, "Liisa Korhonen", WHEN),
                    ],
                ),
                MeetingFiles("hr", "Rekrytointi", date(2021, 3, 1), _meeting(70, "Rekrytointi")),
            ],
        )
    ]
    worst = [
        m.NetworkMeetings(
            "N" * 50,
            [
                MeetingFiles(
                    f"n{n}",
                    "T" * 200,
                    date(2021, 5, 12) - timedelta(days=n),
                    None,
                    [
                        Entry(
                            "F" * 196 + ".pdf",
                            Kind.PDF,
                            LONG_URL,
                            "A" * 100,
                            WHEN,
                            5,
                            False,
                            "01" + "I" * 60,
                            DRIVE,
                        )
                        for _ in range(50)
                    ],
                )
            ],
        )
        for n in range(20)
    ]
    choices = [(_meeting(i, "T" * 200), "N" * 50) for i in range(30)]
    return {
        "materials_card": [
            m.materials_card(t, small, {"aad-matti": "Matti Virtanen"}),
            m.materials_card(
                t, [], {}, query="työhyvinvointi", stale=True, missing_channels=["Pedagogiikka"]
            ),
            m.materials_card(t, worst, {}),
        ],
        "choose_meeting_card": [
            m.choose_meeting_card(t, "d1", "Alustus.pptx", choices[:2]),
            m.choose_meeting_card(t, "d1", "F" * 200, choices),
        ],
        "filing_card": [m.filing_card(t, "Alustus.pptx", "Työhyvinvointi", "HR-kehittäjäverkosto")],
        "cancelled_card": [m.cancelled_card(t, "Alustus.pptx")],
        "filed_card": [
            m.filed_card(t, 'Q3: "x"?.pptx', "Q3 x.pptx", "Työhyvinvointi", "HR", LONG_URL),
            m.filed_card(t, "a.pptx", "a.pptx", "Työhyvinvointi", "HR", ""),
        ],
        "filing_failed_card": [
            m.filing_failed_card(t, "a.pptx", t("graph.error.throttled"), "d1", "m1"),
            m.filing_failed_card(t, "a.pptx", t("materials.error.too_large", max_mb=250), None, "m1"),
        ],
        "added_card": [
            m.added_card(
                t,
                _meeting(0),
                "Matti Virtanen",
                [Entry("Alustus.pptx", Kind.SLIDES, LONG_URL, "aad-matti", WHEN, 1, True)],
                {"aad-matti": "Matti Virtanen"},
            )
        ],
    }
