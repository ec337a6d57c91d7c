"""Needs-mapping survey cards: the General channel announcement, the answer form (showing the person's own
answer back), and the coordinator's live results with a bar chart per network (with, when no survey is
open, the button that starts a new one: starting always takes an explicit click)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    Container,
    ExecuteAction,
    OpenUrlAction,
    TextBlock,
    TextInput,
    ToggleInput,
)

from cards.base import card, count_chart, heading, table
from cards.networks import LAUNCH
from core.i18n import Translator
from core.networks import Network, NetworkStatus
from core.survey import TEXT_MAX, Answer, Reply, Survey, SurveyResults, SurveyStatus

OPEN = "survey.open"
ANSWER = "survey.answer"
START = "survey.start"
RESULTS = "survey.results"
EXPORT = "survey.export"
CLOSE = "survey.close"
WORKBOOK = "survey.workbook"

PROPOSALS_SHOWN = 15
TEXT_SHOWN = 200


def parse_survey_ref(data: Mapping[str, Any]) -> str | None:
    """The survey a card's action names; None for the open one."""
    survey = data.get("survey")
    return str(survey) if survey else None


def parse_answer(data: Mapping[str, Any]) -> Reply:
    """`survey.answer`: the form's inputs (checked against the catalogue by `core.survey.answer_of`)."""
    raw = data.get("needs") or ""
    chosen = raw if isinstance(raw, list) else str(raw).split(",")
    texts = {name: str(data.get(name) or "").strip() for name in ("existing", "proposal")}
    return Reply(
        organization=str(data.get("organization") or "").strip(),
        needs=tuple(dict.fromkeys(str(k).strip() for k in chosen if str(k).strip())),
        existing=texts["existing"],
        proposal=texts["proposal"],
        join=_flag(data.get("join")),
        present=_flag(data.get("present")),
    )


def _flag(value: object) -> bool:
    return value is True or str(value).lower() == "true"


def announcement_card(t: Translator, survey: Survey) -> AdaptiveCard:
    """Posted in the General channel: the button opens the form with the clicking user's own answer."""
    body: list[CardElement] = [
        heading(t("survey.title")),
        TextBlock(text=t("survey.intro"), wrap=True),
        TextBlock(text=t("survey.announce.hint"), wrap=True, is_subtle=True),
    ]
    return card(body, [ExecuteAction(title=t("survey.action.open"), verb=OPEN, data={"survey": survey.id})])


def answer_card(
    t: Translator,
    survey: Survey,
    networks: Sequence[Network],
    organizations: Sequence[tuple[str, str]],
    *,
    answer: Answer | None = None,
    organization: str | None = None,
    saved: bool = False,
) -> AdaptiveCard:
    """The form, pre-filled with `answer` (or the organisation from the email domain). `organizations` are
    (key, short name) pairs. A closed survey shows the answer without the send button."""
    body: list[CardElement] = [heading(t("survey.title"))]
    if saved:
        body.append(TextBlock(text=t("survey.saved"), color="Good", weight="Bolder", wrap=True))
    if survey.status is SurveyStatus.CLOSED:
        body.append(TextBlock(text=t("survey.closed"), color="Attention", wrap=True))
    body.append(TextBlock(text=t("survey.intro"), wrap=True))
    chosen_org = answer.organization if answer else organization
    body.append(
        ChoiceSetInput(
            id="organization",
            label=t("survey.field.organization"),
            is_required=True,
            error_message=t("survey.error.organization"),
            value=chosen_org or None,
            choices=[Choice(title=name, value=key) for key, name in organizations],
        )
    )
    body.append(
        TextInput(
            id="existing",
            label=t("survey.field.existing"),
            placeholder=t("survey.field.existing_hint"),
            is_multiline=True,
            max_length=TEXT_MAX,
            value=answer.existing if answer and answer.existing else None,
        )
    )
    offered = [n for n in networks if n.status is not NetworkStatus.ARCHIVED]
    body.append(
        ChoiceSetInput(
            id="needs",
            label=t("survey.field.needs"),
            is_multi_select=True,
            style="expanded",
            value=",".join(answer.needs) if answer and answer.needs else None,
            choices=[Choice(title=n.name(t.locale), value=n.key) for n in offered],
        )
    )
    body += [
        TextInput(
            id="proposal",
            label=t("survey.field.proposal"),
            placeholder=t("survey.field.proposal_hint"),
            is_multiline=True,
            max_length=TEXT_MAX,
            value=answer.proposal if answer and answer.proposal else None,
        ),
        ToggleInput(
            id="join",
            title=t("survey.field.join"),
            value="true" if answer and answer.join else "false",
            wrap=True,
        ),
        ToggleInput(
            id="present",
            title=t("survey.field.present"),
            value="true" if answer and answer.present else "false",
            wrap=True,
        ),
    ]
    if answer and answer.answered_at:
        body.append(
            TextBlock(
                text=t("survey.answered_at", at=t.datetime(answer.answered_at)), is_subtle=True, wrap=True
            )
        )
    actions = None
    if survey.status is SurveyStatus.OPEN:
        label = t("survey.action.update") if answer else t("survey.action.send")
        actions = [ExecuteAction(title=label, verb=ANSWER, data={"survey": survey.id})]
    return card(body, actions)


def results_card(
    t: Translator,
    results: SurveyResults | None,
    organization_names: Mapping[str, str],
    *,
    start_recipients: int | None = None,
) -> AdaptiveCard:
    """Live results for the coordinator; the free texts are cut so the card stays far below 80 KB.

    `results` is None when no survey has been run yet. `start_recipients` (only when none is open) adds
    the button that starts a new survey for that many people: the coordinator's explicit confirmation."""
    if results is None:
        body: list[CardElement] = [
            heading(t("survey.title")),
            TextBlock(text=t("survey.error.none"), wrap=True),
        ]
        return card(body + _start(t, start_recipients))
    survey = results.survey
    state = t("survey.state.open") if survey.status is SurveyStatus.OPEN else t("survey.state.closed")
    body = [
        heading(t("survey.results.title")),
        TextBlock(
            text=t(
                "survey.results.summary", answers=results.answers, state=state, presenters=results.presenters
            ),
            wrap=True,
        ),
    ]
    chart = count_chart(
        t("survey.results.chart"),
        [(n.network.name(t.locale), n.people) for n in results.needs],
        axis_title=t("survey.results.axis_people"),
    )
    if chart:
        body.append(chart)
    # Tables, not FactSets: network and organisation names run to 50 characters and a FactSet cuts its
    # title column short on a phone.
    body.append(
        table(
            [t("survey.results.network_column"), t("survey.results.need_column")],
            [
                [
                    n.network.name(t.locale),
                    t(
                        "survey.results.need",
                        people=n.people,
                        organizations=n.organizations,
                        joiners=n.joiners,
                    ),
                ]
                for n in results.needs
            ],
            widths=[1, 1],
        )
    )
    launchable = [
        n for n in results.needs if n.network.status in (NetworkStatus.REQUESTED, NetworkStatus.PLANNED)
    ]
    if launchable:
        body += _launch(t, [n.network for n in launchable])
    body.append(TextBlock(text=t("survey.results.rates"), weight="Bolder", wrap=True, separator=True))
    if results.rates:
        body.append(
            table(
                [t("survey.export.column.organization"), t("survey.results.rate_column")],
                [
                    [
                        organization_names.get(r.organization, r.organization),
                        t("survey.results.rate", answered=r.answered, known=r.known, percent=r.percent),
                    ]
                    for r in results.rates
                ],
                widths=[3, 2],
            )
        )
    else:
        body.append(TextBlock(text=t("survey.results.no_answers"), wrap=True, is_subtle=True))
    body.append(_texts(t, t("survey.results.proposals"), results.proposals, organization_names))
    body.append(_texts(t, t("survey.results.existing"), results.existing, organization_names))
    actions = [
        ExecuteAction(title=t("survey.action.refresh"), verb=RESULTS, data={"survey": survey.id}),
        ExecuteAction(title=t("survey.action.export"), verb=EXPORT, data={"survey": survey.id}),
    ]
    if survey.status is SurveyStatus.OPEN:
        actions.append(ExecuteAction(title=t("survey.action.close"), verb=CLOSE, data={"survey": survey.id}))
    else:
        body += _start(t, start_recipients)
    return card(body, actions, wide=True)  # the chart and the tables


def _launch(t: Translator, networks: Sequence[Network]) -> list[CardElement]:
    """One choice of the networks that can be launched and one short button: a button per network named
    after it ran past the card's edge on a phone (network names run to 50 characters)."""
    return [
        ChoiceSetInput(
            id="network",
            label=t("survey.results.launch_hint"),
            style="expanded",
            is_required=True,
            error_message=t("survey.error.launch_choice"),
            value=networks[0].key,
            choices=[Choice(title=n.name(t.locale), value=n.key) for n in networks],
        ),
        ActionSet(actions=[ExecuteAction(title=t("survey.action.launch_chosen"), verb=LAUNCH)]),
    ]


def _start(t: Translator, recipients: int | None) -> list[CardElement]:
    """The confirmation to start a new survey: what will happen, and the button that does it."""
    if recipients is None:
        return []
    return [
        TextBlock(text=t("survey.confirm.title"), weight="Bolder", wrap=True, separator=True),
        TextBlock(text=t("survey.confirm.what"), wrap=True),
        ActionSet(
            actions=[
                ExecuteAction(
                    title=t.plural("survey.action.start", recipients), verb=START, data={"confirm": True}
                )
            ]
        ),
    ]


def _texts(
    t: Translator, title: str, texts: Sequence[tuple[str, str]], organization_names: Mapping[str, str]
) -> Container:
    items: list[CardElement] = [TextBlock(text=title, weight="Bolder", wrap=True)]
    if not texts:
        items.append(TextBlock(text=t("survey.results.none"), is_subtle=True, wrap=True))
    for organization, text in texts[:PROPOSALS_SHOWN]:
        name = organization_names.get(organization, organization)
        items.append(TextBlock(text=f"{name}: {_short(text, TEXT_SHOWN)}", wrap=True))
    if len(texts) > PROPOSALS_SHOWN:
        items.append(
            TextBlock(
                text=t.plural("survey.results.more", len(texts) - PROPOSALS_SHOWN), is_subtle=True, wrap=True
            )
        )
    return Container(items=items, separator=True)


def exported_card(t: Translator, name: str, url: str, count: int, survey_id: str) -> AdaptiveCard:
    """The CSV is in the General channel's files; the same answers can come as a workbook beside it."""
    body: list[CardElement] = [
        heading(t.plural("survey.export.done", count, name=name), size="Medium", color="Good")
    ]
    return card(
        body,
        [
            OpenUrlAction(title=t("survey.action.open_file"), url=url),
            ExecuteAction(title=t("survey.action.workbook"), verb=WORKBOOK, data={"survey": survey_id}),
        ],
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
