"""The activity report's summary card for the coordinator's personal chat: the project's figures, a table
per network, charts (meetings per network, people taking part by organisation, presentations by
organisation), the partners with no one taking part, and where the workbook and CSV were filed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microsoft_teams.cards import AdaptiveCard, CardElement, ExecuteAction, Fact, FactSet, TextBlock

from cards.base import card, count_chart, heading, table
from core.errors import Invalid
from core.i18n import Translator
from core.ratios import percent
from core.report import ActivityReport
from core.report_tables import period_label

ATTENDEES = "report.attendees"
ORGANIZATIONS_CHARTED = 12
THEMES_SHOWN = 6  # per network; the workbook's meetings sheet has them all
THEME_CHARS = 60


def _facts(t: Translator, report: ActivityReport) -> FactSet:
    f = report.total.figures
    partners = len(report.organizations)
    facts = [
        (
            "report.fact.meetings",
            ", ".join(
                (
                    t.plural("report.value.held", f.meetings_held),
                    t.plural("report.value.planned", f.meetings_planned),
                )
            ),
        ),
        ("report.fact.presentations", t.number(f.presentations)),
        ("report.fact.attendance", t.number(f.attendance)),
        ("report.fact.small_groups", t.number(f.small_groups)),
        ("report.fact.people", t.number(f.people)),
        (
            "report.fact.organizations",
            t("report.value.organizations", active=len(report.active_organizations), partners=partners),
        ),
        ("report.fact.materials", t.number(f.materials)),
        (
            "polls.report.fact",
            ", ".join(
                (
                    t.plural("polls.report.polls", f.polls),
                    t.plural("polls.report.theme_votes", f.theme_votes),
                    t.plural("polls.report.ballots", f.ballots),
                )
            ),
        ),
    ]
    if f.eligible:
        facts.append(("polls.report.participation", f"{f.participation} %"))
    for rate in _survey_totals(report):
        facts.append(("report.fact.survey", t("report.value.survey", date=t.date(rate[0]), percent=rate[1])))
    if report.coaching is not None:
        c = report.coaching
        facts.append(
            (
                "report.fact.coaching",
                ", ".join(
                    (
                        t.plural("report.value.rounds", c.rounds),
                        t.plural("report.value.pairs", c.pairs),
                        t.plural("report.value.groups", c.groups),
                    )
                ),
            )
        )
        facts.append(
            (
                "report.fact.coaching_rates",
                t("report.value.coaching_rates", met=c.meeting_rate, cross=c.cross_rate),
            )
        )
    if report.assessments:
        facts.append(("report.fact.assessments", t.plural("report.value.assessments", report.assessments)))
    if report.badges:
        awarded = sum(b.awarded for b in report.badges)
        facts.append(("report.fact.badges", t.plural("report.value.badges", awarded)))
    return FactSet(facts=[Fact(title=t(key), value=value) for key, value in facts])


def _survey_totals(report: ActivityReport) -> list[tuple[Any, int]]:
    """(started, overall response rate %) of each needs survey of the period."""
    by_survey: dict[Any, list[int]] = {}
    for rate in report.rates:
        counts = by_survey.setdefault(rate.survey_started, [0, 0])
        counts[0] += rate.answered
        counts[1] += rate.known
    return [(when, percent(a, k)) for when, (a, k) in by_survey.items()]


def report_card(
    t: Translator, report: ActivityReport, *, files: Mapping[str, str] | None = None, error: str | None = None
) -> AdaptiveCard:
    """`files` maps each filed file's name to its address; `error` says why filing failed."""
    body: list[CardElement] = [
        heading(t("report.card.title", period=period_label(t, report.period))),
        TextBlock(text=t("report.card.made", when=t.datetime(report.made_at)), wrap=True, is_subtle=True),
        _facts(t, report),
    ]
    if report.networks:
        body.append(
            table(
                [
                    t("report.column.network"),
                    t("report.card.held"),
                    t("report.card.planned"),
                    t("report.card.people"),
                ],
                [
                    [
                        n.name(t.locale),
                        t.number(n.figures.meetings_held),
                        t.number(n.figures.meetings_planned),
                        t.number(n.figures.people),
                    ]
                    for n in report.networks
                ],
                [2, 1, 1, 1],  # the numbers' headers stay whole words on a phone
            )
        )
    themed = [n for n in report.networks if n.themes]
    if themed:
        body.append(TextBlock(text=t("report.card.themes"), wrap=True, weight="Bolder"))
        body += [
            TextBlock(text=f"{n.name(t.locale)}: {_themes(n.themes)}", wrap=True, spacing="Small")
            for n in themed
        ]
    charts = [
        count_chart(
            t("report.chart.meetings"),
            [
                (n.name(t.locale), n.figures.meetings_held + n.figures.meetings_planned)
                for n in report.networks
            ],
            axis_title=t("report.chart.axis_meetings"),
        ),
        count_chart(
            t("report.chart.people_by_organization"),
            [(o.name, o.people) for o in sorted(report.active_organizations, key=lambda o: -o.people)][
                :ORGANIZATIONS_CHARTED
            ],
            axis_title=t("report.chart.axis_people"),
        ),
        count_chart(
            t("report.chart.presentations"),
            [
                (o.name, o.presentations)
                for o in sorted(report.organizations, key=lambda o: -o.presentations)
                if o.presentations
            ][:ORGANIZATIONS_CHARTED],
            axis_title=t("report.chart.axis_presentations"),
        ),
    ]
    for chart in charts:
        if chart is not None:
            # Teams' renderer keeps a chart's title for screen readers only (showTitle is off): say it here.
            body += [TextBlock(text=chart.title or "", wrap=True, weight="Bolder", separator=True), chart]
    inactive = report.inactive_organizations
    if inactive:
        body.append(
            TextBlock(
                text=t.plural("report.card.inactive", len(inactive))
                + " "
                + ", ".join(o.name for o in inactive),
                wrap=True,
            )
        )
    if files:
        body.append(TextBlock(text=t("report.card.filed"), wrap=True, weight="Bolder"))
        body += [TextBlock(text=f"[{name}]({url})", wrap=True) for name, url in files.items()]
    if error:
        body.append(TextBlock(text=error, wrap=True, color="Attention"))
    actions = [
        ExecuteAction(
            title=t("report.action.attendees"),
            verb=ATTENDEES,
            data={"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
        )
    ]
    return card(body, actions, wide=True)  # charts and a table


def _themes(themes: tuple[str, ...]) -> str:
    shown = ", ".join(_short(theme) for theme in themes[:THEMES_SHOWN])
    return shown + (", …" if len(themes) > THEMES_SHOWN else "")


def _short(text: str) -> str:
    return text if len(text) <= THEME_CHARS else text[: THEME_CHARS - 1].rstrip() + "…"


def parse_period_ref(data: Mapping[str, Any]) -> tuple[str, str]:
    """The (start, end) ISO dates the card's button sends back; `Invalid` for anything else."""
    start, end = data.get("start"), data.get("end")
    if not isinstance(start, str) or not isinstance(end, str) or len(start) > 10 or len(end) > 10:
        raise Invalid("report.error.period", text="")
    return start, end
