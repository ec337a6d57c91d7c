"""Peer coaching cards for the coordinator and coaching leads: the overview with charts, the new-round
form, the proposal shown before anything is sent (everyone not matched, with the reason), the confirmation,
and the coaching leads; plus the parsers of what they send back."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    Container,
    DonutChart,
    DonutChartData,
    ExecuteAction,
    Fact,
    FactSet,
    TextBlock,
    TextInput,
)

from cards.base import card, count_chart, heading
from cards.coaching import OVERVIEW
from cards.coaching_orgs import SHOW as ORGANIZATIONS
from core.coaching import SIZES, Theme
from core.coaching_match import Reason
from core.coaching_report import Overview
from core.coaching_rounds import DEFAULT_FOLLOWUP_WEEKS, Round, RoundSpec, RoundStatus
from core.coaching_views import Member
from core.errors import Invalid
from core.i18n import Translator

NEW_ROUND, PROPOSE, CONFIRM, CANCEL = (
    "coaching.round.new",
    "coaching.round.propose",
    "coaching.round.confirm",
    "coaching.round.cancel",
)
SHOW_ROUND, EXPORT, LEADS, LEAD_SAVE = (
    "coaching.round.show",
    "coaching.export",
    "coaching.leads",
    "coaching.leads.save",
)
ANY_THEME = "any"
ALL_ROUNDS = "all"
WINDOWS = (1, 3, 5, 10)
FOLLOWUPS = (2, 4, 6, 8)
GROUPS_SHOWN = 30
UNMATCHED_SHOWN = 60
LEARNED_CHARS = 200


def _title(text: str) -> TextBlock:
    return heading(text)


def _heading(text: str) -> TextBlock:
    return TextBlock(text=text, weight="Bolder", wrap=True, separator=True)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def coaching_overview_card(
    t: Translator,
    view: Overview,
    organization_names: Mapping[str, str],
    *,
    coordinator: bool,
    notice: str | None = None,
) -> AdaptiveCard:
    """The programme at a glance: the pool, rounds, pairs and groups, meeting rate, share across
    organisations, methods used and organisations taking part (charts), and what people learnt."""
    body: list[CardElement] = [_title(t("coaching.overview.title"))]
    if notice:
        body.append(TextBlock(text=notice, wrap=True, color="Good"))
    body.append(
        FactSet(
            facts=[
                Fact(
                    title=t("coaching.overview.pool"),
                    value=t(
                        "coaching.overview.pool_value", active=view.active, paused=view.paused, left=view.left
                    ),
                ),
                Fact(title=t("coaching.overview.rounds"), value=str(view.rounds)),
                Fact(
                    title=t("coaching.overview.matched"),
                    value=t(
                        "coaching.overview.matched_value",
                        pairs=view.pairs,
                        groups=view.groups,
                        people=view.matched,
                    ),
                ),
                Fact(
                    title=t("coaching.overview.meeting_rate"),
                    value=t(
                        "coaching.overview.meeting_rate_value",
                        percent=view.meeting_rate,
                        answers=view.answers,
                        sent=view.checkins_sent,
                    ),
                ),
                Fact(title=t("coaching.overview.cross"), value=f"{view.cross_rate} %"),
                Fact(title=t("coaching.overview.organizations"), value=str(len(view.organizations))),
            ]
        )
    )
    if view.methods:
        body.append(
            DonutChart(
                title=t("coaching.overview.methods_chart"),
                data=[
                    DonutChartData(legend=t(f"coaching.method.{m.value}"), value=count)
                    for m, count in view.methods.items()
                ],
            )
        )
    chart = count_chart(
        t("coaching.overview.organizations_chart"),
        [(organization_names.get(key, key), count) for key, count in view.organizations[:10]],
        axis_title=t("coaching.overview.axis_people"),
    )
    if chart:
        body.append(chart)
    if view.learned:
        body.append(_heading(t("coaching.overview.learned")))
        body += [TextBlock(text=f"– {_short(line, LEARNED_CHARS)}", wrap=True) for line in view.learned]
    if view.proposal is not None:
        body.append(_heading(t("coaching.overview.proposal_waiting")))
        body.append(
            ActionSet(
                actions=[
                    ExecuteAction(
                        title=t("coaching.action.show_proposal"),
                        verb=SHOW_ROUND,
                        data={"round": view.proposal.id},
                    )
                ]
            )
        )
    actions: list[Any] = [
        ExecuteAction(title=t("coaching.action.new_round"), verb=NEW_ROUND),
        ExecuteAction(title=t("coaching.action.organizations"), verb=ORGANIZATIONS),
    ]
    if coordinator:
        actions += [
            ExecuteAction(title=t("coaching.action.export"), verb=EXPORT),
            ExecuteAction(title=t("coaching.action.leads"), verb=LEADS),
        ]
    return card(body, actions, wide=True)  # charts


def round_form_card(t: Translator, themes: Sequence[Theme], error: str | None = None) -> AdaptiveCard:
    """The choices of a new round: group size, theme focus, history window and follow-up."""
    body: list[CardElement] = [_title(t("coaching.round.form_title"))]
    if error:
        body.append(TextBlock(text=error, wrap=True, color="Attention"))
    body += [
        TextBlock(text=t("coaching.round.form_intro"), wrap=True),
        ChoiceSetInput(
            id="size",
            label=t("coaching.field.round_size"),
            style="expanded",
            value="2",
            choices=[Choice(title=t(f"coaching.round.size.{s}"), value=str(s)) for s in SIZES],
        ),
        ChoiceSetInput(
            id="theme",
            label=t("coaching.field.round_theme"),
            value=ANY_THEME,
            choices=[Choice(title=t("coaching.round.any_theme"), value=ANY_THEME)]
            + [Choice(title=th.name(t.locale), value=th.key) for th in themes],
        ),
        ChoiceSetInput(
            id="window",
            label=t("coaching.field.round_window"),
            value=ALL_ROUNDS,
            choices=[Choice(title=t("coaching.round.window_all"), value=ALL_ROUNDS)]
            + [Choice(title=t.plural("coaching.round.window", w), value=str(w)) for w in WINDOWS],
        ),
        ChoiceSetInput(
            id="followup",
            label=t("coaching.field.round_followup"),
            value=str(DEFAULT_FOLLOWUP_WEEKS),
            choices=[Choice(title=t.plural("coaching.round.weeks", w), value=str(w)) for w in FOLLOWUPS],
        ),
    ]
    return card(body, [ExecuteAction(title=t("coaching.action.propose"), verb=PROPOSE)])


def parse_round_form(data: Mapping[str, Any]) -> RoundSpec:
    """`coaching.round.propose`: raises `Invalid` for values outside the offered choices."""
    try:
        size = int(str(data.get("size") or "2"))
        theme = str(data.get("theme") or ANY_THEME)
        window = str(data.get("window") or ALL_ROUNDS)
        followup = int(str(data.get("followup") or DEFAULT_FOLLOWUP_WEEKS))
        return RoundSpec(
            size=size,
            theme=None if theme == ANY_THEME else theme,
            window=None if window == ALL_ROUNDS else int(window),
            followup_weeks=followup,
        )
    except (TypeError, ValueError) as error:
        raise Invalid("error.bad_card_data") from error


def parse_round_ref(data: Mapping[str, Any]) -> str:
    value = data.get("round")
    if not isinstance(value, str) or not value:
        raise Invalid("error.bad_card_data")
    return value


def _member_line(members: Sequence[str], people: Mapping[str, Member]) -> str:
    shown = [people.get(m) or Member(m, m) for m in members]
    return ", ".join(f"{p.name} ({p.organization})" if p.organization else p.name for p in shown)


def proposal_card(
    t: Translator,
    proposal: Round,
    people: Mapping[str, Member],
    themes: Sequence[Theme],
    stats: Mapping[str, float],
    *,
    notice: str | None = None,
) -> AdaptiveCard:
    """The round before (and after) it is confirmed: the numbers, the groups, and everyone not matched with
    the reason. `stats` carries `pairs`, `repeats`, `same_organization`, `overlap` (mean shared themes)."""
    spec = proposal.spec
    theme_names = {th.key: th.name(t.locale) for th in themes}
    status = t(f"coaching.round.status_{proposal.status.value}")
    body: list[CardElement] = [_title(t("coaching.round.title", status=status))]
    if notice:
        body.append(TextBlock(text=notice, wrap=True, color="Good", weight="Bolder"))
    cross = 100 - round(100 * stats["same_organization"] / stats["pairs"]) if stats["pairs"] else 0
    body.append(
        FactSet(
            facts=[
                Fact(title=t("coaching.round.kind"), value=t(f"coaching.round.size.{spec.size}")),
                Fact(
                    title=t("coaching.field.round_theme"),
                    value=theme_names.get(spec.theme, spec.theme)
                    if spec.theme
                    else t("coaching.round.any_theme"),
                ),
                Fact(
                    title=t("coaching.round.matched"),
                    value=t(
                        "coaching.round.matched_value",
                        matched=proposal.matched,
                        pool=proposal.pool,
                        groups=len(proposal.groups),
                    ),
                ),
                Fact(title=t("coaching.round.cross"), value=f"{cross} %"),
                Fact(title=t("coaching.round.repeats"), value=str(int(stats["repeats"]))),
                Fact(title=t("coaching.round.overlap"), value=f"{stats['overlap']:.1f}"),
            ]
        )
    )
    body.append(_heading(t("coaching.round.groups")))
    for group in proposal.groups[:GROUPS_SHOWN]:
        marks = []
        if group.repeats:
            marks.append(t("coaching.round.mark_repeat"))
        if group.same_organization:
            marks.append(t("coaching.round.mark_same"))
        method = t(f"coaching.method.{group.method.value}")
        suffix = f" · {', '.join(marks)}" if marks else ""
        body.append(
            TextBlock(
                text=f"{group.number}. {_member_line(group.members, people)} – {method}{suffix}",
                wrap=True,
                color="Warning" if marks else "Default",
            )
        )
    if len(proposal.groups) > GROUPS_SHOWN:
        body.append(
            TextBlock(
                text=t.plural("coaching.round.more_groups", len(proposal.groups) - GROUPS_SHOWN),
                wrap=True,
                is_subtle=True,
            )
        )
    body += _unmatched(t, proposal, people)
    actions: list[Any] = []
    if proposal.status is RoundStatus.PROPOSED:
        if proposal.groups:
            label = t.plural("coaching.action.confirm", proposal.matched)
            actions.append(ExecuteAction(title=label, verb=CONFIRM, data={"round": proposal.id}))
        actions += [
            ExecuteAction(title=t("coaching.action.new_round"), verb=NEW_ROUND),
            ExecuteAction(title=t("coaching.action.cancel"), verb=CANCEL, data={"round": proposal.id}),
        ]
    else:
        actions.append(ExecuteAction(title=t("coaching.action.overview"), verb=OVERVIEW))
    return card(body, actions)


def _unmatched(t: Translator, proposal: Round, people: Mapping[str, Member]) -> list[CardElement]:
    """Nobody is left out silently: every person not in a group, with the reason (counts when many)."""
    if not proposal.unmatched:
        return [TextBlock(text=t("coaching.round.everyone"), wrap=True, separator=True, color="Good")]
    counts = Counter(reason for _, reason in proposal.unmatched)
    items: list[CardElement] = [
        _heading(t.plural("coaching.round.unmatched", len(proposal.unmatched))),
        FactSet(
            facts=[
                Fact(title=t(f"coaching.reason.{r.value}"), value=str(counts[r])) for r in Reason if counts[r]
            ]
        ),
    ]
    for person, reason in proposal.unmatched[:UNMATCHED_SHOWN]:
        name = _member_line([person], people)
        items.append(
            TextBlock(text=f"{name}: {t(f'coaching.reason.{reason.value}')}", wrap=True, spacing="None")
        )
    if len(proposal.unmatched) > UNMATCHED_SHOWN:
        rest = len(proposal.unmatched) - UNMATCHED_SHOWN
        items.append(
            TextBlock(text=t.plural("coaching.round.more_unmatched", rest), wrap=True, is_subtle=True)
        )
    return [Container(items=items)]


def leads_card(
    t: Translator, leads: Sequence[Member], error: str | None = None, notice: str | None = None
) -> AdaptiveCard:
    """Coaching leads may run rounds; the coordinator names them by email."""
    body: list[CardElement] = [
        _title(t("coaching.leads.title")),
        TextBlock(text=t("coaching.leads.intro"), wrap=True),
    ]
    if error:
        body.append(TextBlock(text=error, wrap=True, color="Attention"))
    if notice:
        body.append(TextBlock(text=notice, wrap=True, color="Good"))
    if leads:
        body.append(
            FactSet(facts=[Fact(title=m.name, value=m.address or m.organization or "-") for m in leads])
        )
    else:
        body.append(TextBlock(text=t("coaching.leads.none"), wrap=True, is_subtle=True))
    body.append(
        TextInput(
            id="email",
            label=t("coaching.field.lead_email"),
            placeholder=t("coaching.field.lead_email_hint"),
            max_length=200,
        )
    )
    actions = [
        ExecuteAction(title=t("coaching.action.lead_add"), verb=LEAD_SAVE, data={"lead": "add"}),
        ExecuteAction(title=t("coaching.action.lead_remove"), verb=LEAD_SAVE, data={"lead": "remove"}),
        ExecuteAction(title=t("coaching.action.overview"), verb=OVERVIEW),
    ]
    return card(body, actions)


def parse_lead(data: Mapping[str, Any]) -> tuple[str, bool]:
    """`coaching.leads.save`: (email, add or remove)."""
    email = data.get("email")
    action = data.get("lead")
    if not isinstance(email, str) or action not in ("add", "remove"):
        raise Invalid("error.bad_card_data")
    email = email.strip()
    if "@" not in email:
        raise Invalid("coaching.error.lead_email")
    return email, action == "add"
