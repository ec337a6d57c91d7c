"""Self-assessment cards: the start card, one card per dimension (progress shown, answers kept), the
finishing card with the development goal, the private results with charts, growth and comparisons, the
delete confirmation and the coordinator's anonymous overview; and the typed parsers of what they send.

Every card answers an `Action.Execute` in the person's own chat, so each step replaces the card in place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    BarChartDataValue,
    CardElement,
    Choice,
    ChoiceSetInput,
    Container,
    ExecuteAction,
    Fact,
    FactSet,
    GaugeChart,
    GaugeChartLegend,
    GroupedVerticalBarChart,
    GroupedVerticalBarChartData,
    Table,
    TextBlock,
    TextInput,
)

from cards.base import card, heading, table
from core.assessment import GOAL_MAX, Assessment, Comparison, Overview, Results
from core.errors import Invalid
from core.i18n import Translator
from core.networks import Network
from core.questionnaire import CANT_SAY, SCALE, Questionnaire

START = "assessment.start"
ANSWER = "assessment.answer"
FINISH = "assessment.finish"
RESULTS = "assessment.results"
GOAL = "assessment.goal"
EXPORT = "assessment.export"
DELETE = "assessment.delete"
DELETE_CONFIRM = "assessment.delete_confirm"
OVERVIEW = "assessment.overview"

FIELD = "q."  # input ids of a dimension card: "q.<statement key>"
EARLIER_SHOWN = 1  # the previous assessment beside this one in the chart (the growth section says more)
# Series in one grouped bar chart. The chart renderer (Agents Playground 0.2.28) colours them in shades of
# one colour and folds the legend into "+N items" past the first; its validation allows at most four.
CHART_SERIES = 4


def _heading(text: str) -> TextBlock:
    return heading(text)


def score(t: Translator, value: float) -> str:
    """A mean as people of the locale write it: 3,8 in Finnish, 3.8 in English."""
    text = f"{value:.1f}"
    return text if t.locale == "en" else text.replace(".", ",")


def start_card(
    t: Translator,
    questionnaire: Questionnaire,
    draft: Assessment | None,
    completed: int,
    *,
    coordinator: bool = False,
) -> AdaptiveCard:
    body: list[CardElement] = [_heading(questionnaire.title(t.locale))]
    if questionnaire.intro(t.locale):
        body.append(TextBlock(text=questionnaire.intro(t.locale), wrap=True))
    total = len(questionnaire.dimensions)
    statements = sum(len(d.statements) for d in questionnaire.dimensions)
    body.append(TextBlock(text=t("assessment.start.size", parts=total, statements=statements), wrap=True))
    actions = []
    if draft is not None:
        body.append(
            TextBlock(
                text=t("assessment.start.draft", part=min(draft.position + 1, total), total=total),
                wrap=True,
                weight="Bolder",
            )
        )
        actions.append(ExecuteAction(title=t("assessment.action.resume"), verb=START, style="positive"))
    else:
        actions.append(ExecuteAction(title=t("assessment.action.start"), verb=START, style="positive"))
    if completed:
        body.append(TextBlock(text=t.plural("assessment.start.done", completed), wrap=True, is_subtle=True))
        actions.append(ExecuteAction(title=t("assessment.action.results"), verb=RESULTS))
    if coordinator:
        actions.append(ExecuteAction(title=t("assessment.action.overview"), verb=OVERVIEW))
    return card(body, actions)


def _choices(t: Translator, questionnaire: Questionnaire) -> list[Choice]:
    scale = [Choice(title=f"{v} {questionnaire.label(v, t.locale)}", value=str(v)) for v in SCALE]
    return [*scale, Choice(title=questionnaire.label(CANT_SAY, t.locale), value=str(CANT_SAY))]


def dimension_card(
    t: Translator,
    questionnaire: Questionnaire,
    assessment: Assessment,
    *,
    error: str | None = None,
    given: Mapping[str, int] | None = None,
) -> AdaptiveCard:
    """The card of the dimension at `assessment.position`: its statements with the answers given so far."""
    total = len(questionnaire.dimensions)
    index = min(assessment.position, total - 1)
    dimension = questionnaire.dimensions[index]
    answers = {**assessment.answers.get(dimension.key, {}), **(given or {})}
    body: list[CardElement] = [
        _heading(dimension.name(t.locale)),
        TextBlock(
            text=t("assessment.progress", part=index + 1, total=total, title=questionnaire.title(t.locale)),
            is_subtle=True,
            wrap=True,
        ),
    ]
    if dimension.description(t.locale):
        body.append(TextBlock(text=dimension.description(t.locale), wrap=True))
    if error:
        body.append(TextBlock(text=error, color="Attention", weight="Bolder", wrap=True))
    choices = _choices(t, questionnaire)
    for position, statement in enumerate(dimension.statements, start=1):
        value = answers.get(statement.key)
        body.append(
            ChoiceSetInput(
                id=FIELD + statement.key,
                label=f"{position}. {statement.text(t.locale)}",
                style="compact",
                placeholder=t("assessment.choose"),
                value=str(value) if value is not None else None,
                choices=choices,
                wrap=True,
            )
        )
    ref = {"assessment": assessment.id, "dimension": dimension.key}
    actions = [
        ExecuteAction(
            title=t("assessment.action.next"), verb=ANSWER, data={**ref, "move": 1}, style="positive"
        )
    ]
    if index > 0:
        actions.append(
            ExecuteAction(title=t("assessment.action.back"), verb=ANSWER, data={**ref, "move": -1})
        )
    actions.append(ExecuteAction(title=t("assessment.action.later"), verb=ANSWER, data={**ref, "move": 0}))
    return card(body, actions)


def finish_card(
    t: Translator, questionnaire: Questionnaire, assessment: Assessment, *, error: str | None = None
) -> AdaptiveCard:
    """After the last dimension: a development goal (optional) and "done"."""
    last = questionnaire.dimensions[-1]
    body: list[CardElement] = [
        _heading(t("assessment.finish.title")),
        TextBlock(text=questionnaire.title(t.locale), is_subtle=True, wrap=True),
        TextBlock(text=t("assessment.finish.intro"), wrap=True),
    ]
    if error:
        body.append(TextBlock(text=error, color="Attention", weight="Bolder", wrap=True))
    body.append(_goal_input(t, assessment))
    return card(
        body,
        [
            ExecuteAction(
                title=t("assessment.action.finish"),
                verb=FINISH,
                data={"assessment": assessment.id},
                style="positive",
            ),
            ExecuteAction(
                title=t("assessment.action.back"),
                verb=ANSWER,
                data={"assessment": assessment.id, "dimension": last.key, "move": 0, "review": True},
                associated_inputs="none",
            ),
        ],
    )


def paused_card(t: Translator, questionnaire: Questionnaire, assessment: Assessment) -> AdaptiveCard:
    """ "Continue later": what is kept and how to come back."""
    total = len(questionnaire.dimensions)
    return card(
        [
            _heading(questionnaire.title(t.locale)),
            TextBlock(
                text=t("assessment.saved", part=min(assessment.position + 1, total), total=total),
                wrap=True,
                color="Good",
            ),
        ],
        [ExecuteAction(title=t("assessment.action.resume"), verb=START)],
    )


def _series(
    t: Translator, q: Questionnaire, legend: str, means: Mapping[str, float]
) -> GroupedVerticalBarChartData:
    """One bar per dimension (its short name), at the mean rounded to one decimal (0 for none)."""
    return GroupedVerticalBarChartData(
        legend=legend,
        values=[
            BarChartDataValue(x=d.short(t.locale), y=round(means.get(d.key, 0.0), 1)) for d in q.dimensions
        ],
    )


def _group_name(t: Translator, group: str, networks: Mapping[str, Network]) -> str:
    if group == "project":
        return t("assessment.group.project")
    network = networks.get(group)
    return network.name(t.locale) if network else group


@dataclass(frozen=True)
class _Column:
    """One set of means on the results card: a chart series and a column of the table of means."""

    legend: str  # the chart's legend
    header: str  # the table's short column title
    means: Mapping[str, float]


def _columns(t: Translator, results: Results) -> list[_Column]:
    """This assessment, the previous one, then the anonymous averages, at most `CHART_SERIES` of them."""
    when = results.assessment.completed_at or results.assessment.updated_at
    columns = [
        _Column(t("assessment.results.this", date=t.date(when)), t("assessment.results.now"), results.means)
    ]
    for earlier, means in list(zip(results.earlier, results.earlier_means, strict=True))[:EARLIER_SHOWN]:
        date = t.date(earlier.completed_at or earlier.updated_at)
        columns.append(
            _Column(t("assessment.results.earlier", date=date), t("assessment.results.before"), means)
        )
    for comparison in results.comparisons:
        group = _group_name(t, comparison.group, results.networks)
        legend = t("assessment.results.average", group=group)
        columns.append(_Column(legend, group[:1].upper() + group[1:], comparison.means))
    return columns[:CHART_SERIES]


def _means_table(t: Translator, q: Questionnaire, columns: Sequence[_Column]) -> Table:
    """The chart's numbers as text, in the locale's decimals: the renderer scales the chart's axis to the
    largest mean (it has no fixed 0-5 axis for grouped bars), shows no bar values and cuts the names. The
    parts go by the chart's short names and the columns by short headers, so five columns still fit a
    phone's card without breaking words (each part's full name heads its own section below)."""
    rows = [
        [d.short(t.locale), *(score(t, c.means[d.key]) if d.key in c.means else "–" for c in columns)]
        for d in q.dimensions
    ]
    return table(
        [t("assessment.results.part"), *(c.header for c in columns)], rows, [2, *([1] * len(columns))]
    )


def own_results_card(t: Translator, results: Results) -> AdaptiveCard:
    """The person's own results: overview chart and the table of its means (this, earlier, anonymous
    averages), strengths and development areas, a gauge and the answers of each dimension, and the
    development goal."""
    q, assessment = results.questionnaire, results.assessment
    when = assessment.completed_at or assessment.updated_at
    body: list[CardElement] = [
        _heading(t("assessment.results.title")),
        TextBlock(text=t("assessment.results.private", date=t.date(when)), wrap=True, is_subtle=True),
    ]
    columns = _columns(t, results)
    if results.means:  # no chart of nothing when every answer was "can't say"
        body.append(
            GroupedVerticalBarChart(
                title=t("assessment.results.chart"),
                y_axis_title=t("assessment.results.axis"),
                show_bar_values=True,
                data=[_series(t, q, c.legend, c.means) for c in columns],
            )
        )
    body.append(_means_table(t, q, columns))
    body.append(_comparison_note(t, results.comparisons, results.too_few, results.networks))
    names = {d.key: d.name(t.locale) for d in q.dimensions}
    facts = []
    if results.strengths:
        facts.append(
            Fact(
                title=t("assessment.results.strengths"), value=", ".join(names[k] for k in results.strengths)
            )
        )
    if results.development:
        facts.append(
            Fact(
                title=t("assessment.results.development"),
                value=", ".join(names[k] for k in results.development),
            )
        )
    if facts:
        body.append(FactSet(facts=facts))
    if results.earlier:
        body.append(_growth(t, results, names))
    for dimension in q.dimensions:
        mean = results.means.get(dimension.key)
        given = assessment.answers.get(dimension.key, {})
        items: list[CardElement] = []
        if mean is not None:  # the gauge's title names the dimension
            items.append(
                GaugeChart(
                    title=dimension.name(t.locale),
                    min=1,
                    max=5,
                    value=round(mean, 1),
                    sub_label=f"{score(t, mean)} / 5",
                    segments=[
                        GaugeChartLegend(size=1.5, legend=t("assessment.gauge.low"), color="attention"),
                        GaugeChartLegend(size=1, legend=t("assessment.gauge.middle"), color="warning"),
                        GaugeChartLegend(size=1.5, legend=t("assessment.gauge.high"), color="good"),
                    ],
                )
            )
        else:
            items.append(TextBlock(text=dimension.name(t.locale), weight="Bolder", wrap=True))
            items.append(TextBlock(text=t("assessment.results.no_mean"), is_subtle=True, wrap=True))
        items.append(
            FactSet(
                facts=[
                    Fact(
                        title=s.text(t.locale),
                        value=q.label(given[s.key], t.locale) if s.key in given else "–",
                    )
                    for s in dimension.statements
                ]
            )
        )
        body.append(Container(items=items, separator=True))
    body.append(_goal_input(t, assessment, separator=True))
    ref = {"assessment": assessment.id}
    body.append(ActionSet(actions=[ExecuteAction(title=t("assessment.action.goal"), verb=GOAL, data=ref)]))
    return card(
        body,
        [
            ExecuteAction(title=t("assessment.action.new"), verb=START, associated_inputs="none"),
            ExecuteAction(title=t("assessment.action.export"), verb=EXPORT, associated_inputs="none"),
            ExecuteAction(title=t("assessment.action.delete"), verb=DELETE, associated_inputs="none"),
        ],
        wide=True,  # the grouped bar chart
    )


def _growth(t: Translator, results: Results, names: Mapping[str, str]) -> Container:
    """Change in each dimension since the previous completed assessment."""
    previous = results.earlier_means[0]
    date = t.date(results.earlier[0].completed_at or results.earlier[0].updated_at)
    facts = []
    for key, mean in results.means.items():
        if key in previous:
            change = mean - previous[key]
            sign = "+" if change > 0.05 else ("−" if change < -0.05 else "±")
            facts.append(Fact(title=names.get(key, key), value=f"{sign}{score(t, abs(change))}"))
    return Container(
        items=[
            TextBlock(text=t("assessment.results.growth", date=date), weight="Bolder", wrap=True),
            FactSet(facts=facts or [Fact(title="–", value="–")]),
        ],
        separator=True,
    )


def _comparison_note(
    t: Translator, shown: Sequence[Comparison], too_few: Sequence[str], networks: Mapping[str, Network]
) -> TextBlock:
    if not shown:
        return TextBlock(text=t("assessment.results.no_comparison"), wrap=True, is_subtle=True)
    names = ", ".join(_group_name(t, c.group, networks) for c in shown)
    text = t("assessment.results.comparison", groups=names)
    if too_few:
        text += " " + t(
            "assessment.results.comparison_missing",
            groups=", ".join(_group_name(t, g, networks) for g in too_few),
        )
    return TextBlock(text=text, wrap=True, is_subtle=True)


def delete_confirm_card(t: Translator, count: int) -> AdaptiveCard:
    return card(
        [
            _heading(t("assessment.delete.title")),
            TextBlock(text=t.plural("assessment.delete.what", count), wrap=True),
        ],
        [
            ExecuteAction(
                title=t("assessment.action.delete_confirm"),
                verb=DELETE_CONFIRM,
                data={"confirm": True},
                style="destructive",
            ),
            ExecuteAction(title=t("assessment.action.cancel"), verb=START),
        ],
    )


def deleted_card(t: Translator, count: int) -> AdaptiveCard:
    return card([heading(t.plural("assessment.delete.done", count), size="Medium", color="Good")])


def overview_card(t: Translator, questionnaire: Questionnaire, overview: Overview) -> AdaptiveCard:
    """The coordinator's view: participation counts and anonymous averages, never a person's answers."""
    p = overview.participation
    body: list[CardElement] = [
        _heading(t("assessment.overview.title")),
        TextBlock(text=questionnaire.title(t.locale), is_subtle=True, wrap=True),
        FactSet(
            facts=[
                Fact(title=t("assessment.overview.started"), value=str(p.started)),
                Fact(title=t("assessment.overview.completed"), value=str(p.completed)),
                Fact(title=t("assessment.overview.repeated"), value=str(p.repeated)),
                Fact(title=t("assessment.overview.drafts"), value=str(p.drafts)),
            ]
        ),
    ]
    if overview.comparisons:
        columns = []
        for comparison in overview.comparisons[:CHART_SERIES]:
            group = _group_name(t, comparison.group, overview.networks)
            columns.append(_Column(group, group[:1].upper() + group[1:], comparison.means))
        body.append(
            GroupedVerticalBarChart(
                title=t("assessment.overview.chart"),
                y_axis_title=t("assessment.results.axis"),
                show_bar_values=True,
                data=[_series(t, questionnaire, c.legend, c.means) for c in columns],
            )
        )
        body.append(_means_table(t, questionnaire, columns))
    body.append(_comparison_note(t, overview.comparisons, overview.too_few, overview.networks))
    body.append(TextBlock(text=t("assessment.overview.privacy"), wrap=True, is_subtle=True, size="Small"))
    return card(body, [ExecuteAction(title=t("assessment.action.refresh"), verb=OVERVIEW)], wide=True)


# ---- what the cards send back ---------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerData:
    assessment: str
    dimension: str
    move: int
    values: dict[str, int]
    review: bool = False


def _ref(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value or len(value) > 64:
        raise Invalid("assessment.error.bad_answer")
    return value


def parse_answer(data: Mapping[str, Any]) -> AnswerData:
    """A dimension card's submission: its reference, the move (-1, 0, 1) and the answers (`q.<key>`)."""
    move = data.get("move")
    if move not in (-1, 0, 1) or isinstance(move, bool):
        raise Invalid("assessment.error.bad_answer")
    values: dict[str, int] = {}
    for name, raw in data.items():
        if not isinstance(name, str) or not name.startswith(FIELD) or raw in (None, ""):
            continue
        if (
            not isinstance(raw, str | int)
            or isinstance(raw, bool)
            or str(raw) not in {str(v) for v in (*SCALE, CANT_SAY)}
        ):
            raise Invalid("assessment.error.bad_answer")
        values[name[len(FIELD) :]] = int(raw)
    return AnswerData(
        _ref(data, "assessment"), _ref(data, "dimension"), int(move), values, data.get("review") is True
    )


def parse_assessment_ref(data: Mapping[str, Any]) -> str | None:
    """The assessment a button names (None: the latest completed one)."""
    value = data.get("assessment")
    if value is None:
        return None
    return _ref(data, "assessment")


def parse_goal(data: Mapping[str, Any]) -> str:
    goal = data.get("goal", "")
    if goal is None:
        return ""
    if not isinstance(goal, str):
        raise Invalid("assessment.error.bad_answer")
    return goal


def _goal_input(t: Translator, assessment: Assessment, *, separator: bool = False) -> TextInput:
    """The free-text development goal: asked on the last card and editable on the results."""
    return TextInput(
        id="goal",
        label=t("assessment.field.goal"),
        placeholder=t("assessment.field.goal_hint"),
        is_multiline=True,
        max_length=GOAL_MAX,
        value=assessment.goal or None,
        separator=separator or None,  # unset on the last card, as before
    )
