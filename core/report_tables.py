"""The activity report as tables for the reader of `t`: the workbook's sheets (`bot.report_workbook`) and
the CSV are both made from these, so they always agree.

Every cell is a count, a share, or the name of a network, an organisation, a theme or a badge: these files
go into the General channel, which every member of the team can open, and never name a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.i18n import Translator
from core.periods import Period, Term
from core.report import ActivityReport, Figures, NetworkReport

Value = str | int

DEFINITIONS = (
    "meetings",
    "presentations",
    "attendance",
    "small_groups",
    "people",
    "organizations",
    "materials",
    "polls",
    "survey",
    "coaching",
    "progress",
    "privacy",
)
FIGURES = (
    "meetings_held",
    "meetings_planned",
    "presentations",
    "attendance",
    "small_groups",
    "people",
    "organizations",
    "materials",
    "polls",
    "theme_votes",
    "ballots",
    "participation",
)


@dataclass(frozen=True)
class Chart:
    """A bar chart of `values` (column indexes) against the labels of column 0, over the first `rows`
    data rows (a total row below them stays out)."""

    title: str
    values: tuple[int, ...]
    rows: int


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Value]]
    labels: int = 1  # leading columns that name the row; the rest are measures
    charts: Sequence[Chart] = field(default_factory=tuple)


def period_label(t: Translator, period: Period) -> str:
    if period.term is not None:
        key = "report.period.spring" if period.term is Term.SPRING else "report.period.autumn"
        return t(key, year=str(period.start.year))
    return t("report.period.span", start=t.date(period.starts_at), end=t.date(period.ends_at_last_day))


def front(t: Translator, report: ActivityReport) -> list[tuple[str, str]]:
    """The front sheet: the period, when the report was made, then each definition."""
    rows = [
        (t("report.front.period"), period_label(t, report.period)),
        (
            t("report.front.days"),
            t(
                "report.period.span",
                start=t.date(report.period.starts_at),
                end=t.date(report.period.ends_at_last_day),
            ),
        ),
        (t("report.front.made"), t.datetime(report.made_at)),
    ]
    return rows + [_definition(t, key) for key in DEFINITIONS]


POLL_FIGURES = ("polls", "theme_votes", "ballots", "participation")


def column(t: Translator, name: str) -> str:
    """A column's header; the poll ones are the polls' own messages."""
    return t(f"polls.report.column.{name}" if name in POLL_FIGURES else f"report.column.{name}")


def _definition(t: Translator, key: str) -> tuple[str, str]:
    if key == "polls":
        return t("polls.report.term"), t("polls.report.definition")
    return t(f"report.term.{key}"), t(f"report.definition.{key}")


def _figures(figures: Figures) -> list[Value]:
    return [getattr(figures, name) for name in FIGURES]


def sections(t: Translator, report: ActivityReport) -> list[Section]:
    """One section a sheet: networks, meetings and themes, presenters, organisations, needs survey, and
    peer coaching, self-assessments and badges where there were any."""
    networks = {n.key: n.name(t.locale) for n in report.networks}
    held, planned = t("report.meeting.held"), t("report.meeting.planned")
    yes, no = t("report.yes"), t("report.no")
    org_names = {o.key: o.name for o in report.organizations}
    out = [
        Section(
            "networks",
            t("report.sheet.networks"),
            [t("report.column.network"), *(column(t, name) for name in FIGURES)],
            [[n.name(t.locale), *_figures(n.figures)] for n in report.networks]
            + [[t("report.project"), *_figures(report.total.figures)]],
            charts=(
                Chart(t("report.chart.meetings"), (1, 2), len(report.networks)),
                Chart(t("report.chart.attendance"), (4, 6), len(report.networks)),
            ),
        ),
        Section(
            "meetings",
            t("report.sheet.meetings"),
            [t(f"report.column.{c}") for c in ("network", "date", "theme", "status")]
            + [t(f"report.column.{c}") for c in ("presentations", "attendance", "small_groups")],
            [
                [
                    networks.get(m.network, m.network),
                    t.date(m.starts_at),
                    m.theme,
                    held if m.held else planned,
                    m.presenters,
                    m.attendance,
                    m.groups,
                ]
                for m in report.meetings
            ],
            labels=4,
        ),
        Section(
            "presenters",
            t("report.sheet.presenters"),
            [t("report.column.network"), t("report.column.organization"), t("report.column.presentations")],
            _presenter_rows(t, [*report.networks, report.total], org_names),
            labels=2,
        ),
        Section(
            "organizations",
            t("report.sheet.organizations"),
            [
                t(f"report.column.{c}")
                for c in ("organization", "active", "people", "presentations", "attendance")
            ],
            [
                [o.name, yes if o.active else no, o.people, o.presentations, o.attendance]
                for o in report.organizations
            ],
            labels=2,
            charts=(Chart(t("report.chart.organizations"), (2, 3), len(report.organizations)),),
        ),
        Section(
            "survey",
            t("report.sheet.survey"),
            [t(f"report.column.{c}") for c in ("organization", "survey", "answered", "known", "rate")],
            [
                [r.organization, t.date(r.survey_started), r.answered, r.known, r.percent]
                for r in report.rates
            ],
            labels=2,
            charts=(Chart(t("report.chart.rate"), (4,), len(report.rates)),) if report.rates else (),
        ),
    ]
    if report.coaching is not None:
        c = report.coaching
        measures = [
            ("coaching_rounds", c.rounds),
            ("coaching_pairs", c.pairs),
            ("coaching_groups", c.groups),
            ("coaching_matched", c.matched),
            ("coaching_answers", c.answers),
            ("coaching_met", c.met),
            ("coaching_meeting_rate", c.meeting_rate),
            ("coaching_cross_rate", c.cross_rate),
        ]
        out.append(_measures(t, "coaching", measures))
        out.append(
            Section(
                "coaching_organizations",
                t("report.sheet.coaching_organizations"),
                [t("report.column.organization"), t("report.column.coaching_matched")],
                [[name, count] for name, count in c.organizations.items()],
                charts=(Chart(t("report.chart.coaching"), (1,), len(c.organizations)),),
            )
        )
    if report.assessments or report.badges:
        out.append(_progress(t, report))
    return out


def _measures(t: Translator, key: str, measures: Sequence[tuple[str, int]]) -> Section:
    return Section(
        key,
        t(f"report.sheet.{key}"),
        [t("report.column.measure"), t("report.column.value")],
        [[t(f"report.column.{name}"), value] for name, value in measures],
    )


def _progress(t: Translator, report: ActivityReport) -> Section:
    """Self-assessments completed and badges awarded (and revoked since), counts only."""
    rows: list[list[Value]] = [
        [t("report.column.assessments"), report.assessments, ""],
        [t("report.column.assessed_people"), report.assessed_people, ""],
    ]
    rows += [[t("report.badge", name=b.name(t.locale)), b.awarded, b.revoked] for b in report.badges]
    return Section(
        "progress",
        t("report.sheet.progress"),
        [t("report.column.measure"), t("report.column.value"), t("report.column.revoked")],
        rows,
        charts=(Chart(t("report.chart.badges"), (1,), len(rows)),) if report.badges else (),
    )


def _presenter_rows(
    t: Translator, networks: Sequence[NetworkReport], org_names: dict[str, str]
) -> list[list[Value]]:
    rows: list[list[Value]] = []
    for network in networks:
        label = network.name(t.locale) if network.name_fi else t("report.project")
        for org, count in network.presenters.items():
            rows.append([label, org_names.get(org, org) if org else t("report.no_organization"), count])
    return rows


def csv_table(t: Translator, report: ActivityReport) -> tuple[list[str], list[list[str]]]:
    """Every section in one long table (section, row, measure, value), for a pivot table."""
    header = [t(f"report.csv.{c}") for c in ("section", "row", "measure", "value")]
    rows: list[list[str]] = []
    for section in sections(t, report):
        for row in section.rows:
            label = " / ".join(str(cell) for cell in row[: section.labels])
            for name, value in zip(section.header[section.labels :], row[section.labels :], strict=True):
                rows.append([section.title, label, name, str(value)])
    return header, rows
