"""Representative and worst-case data for every card builder of `cards/meetings.py` (used by
`tests/cards/test_all_cards.py`, which checks each against what Teams renders and the 80 KB budget)."""

from __future__ import annotations

from datetime import UTC, datetime

from microsoft_teams.cards import AdaptiveCard

from cards import meetings as c
from core.i18n import Translator
from core.meetings import MAX_ITEM, MAX_ITEMS, MAX_THEME, Contribution, Meeting

WHEN = datetime(2026, 5, 12, 11, tzinfo=UTC)
PRESENTERS = ("aad-matti", "aad-maija", "aad-liisa")
NAMES = {"aad-matti": "Matti Virtanen", "aad-maija": "Maija Meikäläinen", "aad-liisa": "Liisa Korhonen"}


def _small() -> Meeting:
    return Meeting("m1", "hr", "Työhyvinvointi", WHEN, ("aad-matti",), "aad-liisa", "Lyhyt kuvaus")


def _worst() -> Meeting:
    line = "å" * MAX_ITEM
    return Meeting(
        "m2",
        "hr",
        "Ö" * MAX_THEME,
        WHEN,
        PRESENTERS,
        "aad-liisa",
        "ä" * 1000,
        agenda=(line,) * MAX_ITEMS,
        questions=(line,) * MAX_ITEMS,
        contributions=tuple(Contribution(p, line) for p in PRESENTERS),
        attendees=250,
        version=7,
    )


def samples(t: Translator) -> dict[str, list[AdaptiveCard]]:
    small, worst = _small(), _worst()
    members = {f"aad-{i}": f"Jäsen {i} " + "x" * 40 for i in range(200)}
    links = [c.MaterialLink("diat-" + "x" * 200 + ".pptx", "https://example.invalid/" + "y" * 400)] * 10
    groups = [[f"aad-{i}-{j}" for j in range(20)] for i in range(20)]
    many = [(worst, "HR-kehittäjäverkosto")] * 20
    return {
        "plan_form_card": [
            c.plan_form_card(t, "hr", "HR-kehittäjäverkosto", NAMES, ["Palaute", "Työhyvinvointi"]),
            c.plan_form_card(t, "hr", "HR", {}, [], "virhe"),
            c.plan_form_card(t, "hr", "HR", members, ["t" * MAX_THEME] * 10, "virhe " * 50),
        ],
        "planned_card": [c.planned_card(t, small, NAMES), c.planned_card(t, worst, NAMES, "ilmoitus")],
        "planning_card": [
            c.planning_card(t, small, "HR", NAMES),
            c.planning_card(t, worst, "HR", NAMES, "muutettu"),
        ],
        "meeting_announcement_card": [
            c.meeting_announcement_card(t, small, "HR", NAMES),
            c.meeting_announcement_card(t, worst, "HR", NAMES, links, "ilmoitus"),
        ],
        "group_card": [
            c.group_card(t, small, 1, ["aad-matti"], NAMES),
            c.group_card(t, worst, 3, list(members)[:20], members, ("v" * 2000,) * MAX_ITEMS, "tallennettu"),
        ],
        "groups_done_card": [
            c.groups_done_card(t, small, [["aad-matti"]], NAMES),
            c.groups_done_card(t, worst, groups, {}),
        ],
        "summary_card": [
            c.summary_card(t, small, None, 0, 1),
            c.summary_card(t, worst, links[0], 19, 20),
        ],
        "summary_text_card": [
            c.summary_text_card(t, small, "# Yhteenveto\n- a"),
            c.summary_text_card(t, worst, "x" * 60_000),
        ],
        "reminder_card": [c.reminder_card(t, small, "HR", NAMES), c.reminder_card(t, worst, "HR", NAMES)],
        "meetings_list_card": [
            c.meetings_list_card(t, [], {}, title="Tapaamiset"),
            c.meetings_list_card(t, [(small, "HR")], NAMES, title="Tapaamiset"),
            c.meetings_list_card(t, many, NAMES, title="Tapaamiset"),
        ],
    }
