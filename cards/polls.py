"""Poll cards: the "new poll" form, the poll itself (shared or for one viewer) and the parser of the form.

Every action is `Action.Execute` (card version 1.5). A poll whose channel has at most 60 members carries a
`refresh` naming them, so Teams fetches each member's own view (their choice, and the counts when they may
see them); a larger audience sees the shared card, which the bot updates after votes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from microsoft_teams.cards import (
    AdaptiveCard,
    Choice,
    ChoiceSetInput,
    DateInput,
    ExecuteAction,
    Fact,
    FactSet,
    RefreshDefinition,
    TextBlock,
    TextInput,
    TimeInput,
    ToggleInput,
)

from cards.base import card, count_chart, heading
from core.errors import Invalid, NotFound
from core.i18n import Translator
from core.polls import (
    MAX_OPTION,
    MAX_OPTIONS,
    MAX_QUESTION,
    Poll,
    PollDraft,
    PollKind,
    PollState,
    Results,
    Tally,
)
from core.timezone import HELSINKI

CREATE, VOTE, REFRESH, CLOSE = "poll.create", "poll.vote", "poll.refresh", "poll.close"
VOTERS = "poll.voters"


@dataclass(frozen=True)
class PollView:
    """What one card shows: `tally` is None when the viewer may not see the counts; `viewer` is None on the
    shared card; `mine` is the viewer's current choices."""

    poll: Poll
    now: datetime
    tally: Tally | None = None
    viewer: str | None = None
    mine: frozenset[int] = frozenset()
    notice: str | None = None
    lists_voters: bool = False  # offer "who answered what" (`Poll.voters_visible_to` the viewer)

    @classmethod
    def of(cls, state: PollState, notice: str | None = None, *, is_coordinator: bool = False) -> PollView:
        lists = state.poll.voters_visible_to(state.viewer, is_coordinator)
        return cls(state.poll, state.now, state.tally, state.viewer, state.mine, notice, lists)


@dataclass(frozen=True)
class Ballot:
    """What `poll.vote` sends back: the poll's id and the raw choice ("2", or "0,3" when several may be
    chosen; `core.polls.parse_choices` checks it against the poll's options)."""

    poll: str
    choice: str


def parse_poll_ref(data: Mapping[str, Any]) -> str:
    """The poll a card's action names (`poll.vote`, `poll.refresh`, `poll.close`, `poll.voters`);
    `NotFound` without one."""
    poll = data.get("poll")
    if not isinstance(poll, str) or not poll:
        raise NotFound("polls.error.unknown")
    return poll


def parse_vote(data: Mapping[str, Any]) -> Ballot:
    """`poll.vote`: the poll and the chosen option(s); a choice of the wrong type counts as none."""
    raw = data.get("choice")
    if isinstance(raw, bool):
        choice = ""
    elif isinstance(raw, int):
        choice = str(raw)
    else:
        choice = raw if isinstance(raw, str) else ""
    return Ballot(parse_poll_ref(data), choice)


def new_poll_card(
    t: Translator, *, theme_allowed: bool, nonce: str, error: str | None = None
) -> AdaptiveCard:
    """The form a facilitator fills in to post a poll in this channel; `nonce` (`core.nonces`) becomes the
    poll's id, so submitting the form twice posts one poll."""
    body: list[Any] = [heading(t("polls.form.title"))]
    if error:
        body.append(TextBlock(text=error, color="Attention", wrap=True))
    body += [
        TextInput(
            id="question",
            label=t("polls.form.question"),
            is_required=True,
            max_length=MAX_QUESTION,
            error_message=t("polls.error.no_question"),
        ),
        TextInput(
            id="options",
            label=t("polls.form.options", max=MAX_OPTIONS),
            is_multiline=True,
            is_required=True,
            placeholder=t("polls.form.options_hint"),
            max_length=(MAX_OPTION + 1) * MAX_OPTIONS,
            error_message=t("polls.error.option_count", min=2, max=MAX_OPTIONS),
        ),
        ToggleInput(id="multiple", title=t("polls.form.multiple"), value="false"),
        ToggleInput(id="anonymous", title=t("polls.form.anonymous"), value="false"),
        ChoiceSetInput(
            id="results",
            label=t("polls.form.results"),
            style="expanded",
            value=Results.ALL.value,
            choices=[
                Choice(title=t("polls.form.results.all"), value=Results.ALL.value),
                Choice(title=t("polls.form.results.author"), value=Results.AUTHOR.value),
            ],
        ),
    ]
    if theme_allowed:
        body.append(
            ChoiceSetInput(
                id="kind",
                label=t("polls.form.kind"),
                style="expanded",
                value=PollKind.GENERAL.value,
                choices=[
                    Choice(title=t("polls.form.kind.general"), value=PollKind.GENERAL.value),
                    Choice(title=t("polls.form.kind.theme"), value=PollKind.THEME.value),
                ],
            )
        )
    body += [
        DateInput(id="closes_date", label=t("polls.form.closes_date"), placeholder=t("polls.form.pick_date")),
        TimeInput(id="closes_time", label=t("polls.form.closes_time"), placeholder=t("polls.form.pick_time")),
    ]
    return card(body, [ExecuteAction(title=t("polls.form.submit"), verb=CREATE, data={"nonce": nonce})])


def _flag(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _closing_time(raw_date: object, raw_time: object) -> datetime | None:
    day = raw_date.strip() if isinstance(raw_date, str) else ""
    clock = raw_time.strip() if isinstance(raw_time, str) else ""
    if not day and not clock:
        return None
    try:
        parsed_day = date.fromisoformat(day) if day else None
        parsed_clock = time.fromisoformat(clock) if clock else time(23, 59)
    except ValueError as error:
        raise Invalid("polls.error.bad_closing_time") from error
    if parsed_day is None:
        raise Invalid("polls.error.bad_closing_time")
    return datetime.combine(parsed_day, parsed_clock.replace(tzinfo=None), HELSINKI)


def parse_new_poll(data: Mapping[str, Any]) -> PollDraft:
    """The draft a "new poll" form sent back (not yet validated: see `PollDraft.validated`)."""
    question = data.get("question")
    options = data.get("options")
    if not isinstance(question, str) or not isinstance(options, str):
        raise Invalid(
            "polls.error.no_question" if not isinstance(question, str) else "polls.error.option_count",
            min=2,
            max=MAX_OPTIONS,
        )
    try:
        results = Results(str(data.get("results") or Results.ALL.value))
        kind = PollKind(str(data.get("kind") or PollKind.GENERAL.value))
    except ValueError as error:
        raise Invalid("error.bad_card_data") from error
    return PollDraft(
        question=question,
        options=tuple(options.splitlines()),
        multiple=_flag(data.get("multiple")),
        anonymous=_flag(data.get("anonymous")),
        results=results,
        kind=kind,
        closes_at=_closing_time(data.get("closes_date"), data.get("closes_time")),
    )


def parse_poll_command(argument: str) -> PollDraft:
    """`kysely Question? | option | option`: a named single-choice poll whose results everyone sees."""
    parts = [p.strip() for p in argument.replace(";", "|").split("|")]
    return PollDraft(question=parts[0], options=tuple(p for p in parts[1:] if p))


def _status(t: Translator, view: PollView) -> str:
    poll = view.poll
    ended = poll.ended_at(view.now)
    if ended is not None:
        return t("polls.card.closed", when=t.datetime(ended))
    if poll.closes_at is not None:
        return t("polls.card.open_until", when=t.datetime(poll.closes_at))
    return t("polls.card.open")


def _features(t: Translator, poll: Poll) -> str:
    parts = [
        t("polls.card.multiple" if poll.multiple else "polls.card.single"),
        t("polls.card.anonymous" if poll.anonymous else "polls.card.named"),
    ]
    if poll.results == Results.AUTHOR:
        parts.append(t("polls.card.results_author"))
    if poll.kind == PollKind.THEME:
        parts.insert(0, t("polls.card.theme"))
    return " · ".join(parts)


def _results(t: Translator, poll: Poll, tally: Tally) -> list[Any]:
    # Options are distinct; a "1. " prefix would turn the facts into a Markdown numbered list in Teams.
    labels = list(poll.options)
    chart = count_chart(poll.question[:80], list(zip(labels, tally.counts, strict=True)))
    return [
        TextBlock(
            text=t.plural("polls.card.voters", tally.voters), weight="Bolder", wrap=True, spacing="Medium"
        ),
        *([chart] if chart else []),
        FactSet(
            facts=[
                Fact(title=label, value=str(count)) for label, count in zip(labels, tally.counts, strict=True)
            ]
        ),
    ]


def poll_card(t: Translator, view: PollView) -> AdaptiveCard:
    """The poll as one viewer (or, with `viewer=None`, everyone on the shared card) sees it now."""
    poll = view.poll
    is_open = poll.is_open(view.now)
    body: list[Any] = [
        heading(poll.question),
        TextBlock(text=_features(t, poll), is_subtle=True, size="Small", wrap=True),
        TextBlock(text=_status(t, view), wrap=True, color="Good" if is_open else "Warning"),
    ]
    if view.notice:
        body.append(TextBlock(text=view.notice, wrap=True, weight="Bolder"))
    if is_open:
        body.append(
            ChoiceSetInput(
                id="choice",
                style="expanded",
                is_multi_select=poll.multiple,
                is_required=True,
                label=t("polls.card.choose_many" if poll.multiple else "polls.card.choose_one"),
                error_message=t("polls.error.no_choice"),
                value=",".join(str(i) for i in sorted(view.mine)) or None,
                choices=[Choice(title=option, value=str(i)) for i, option in enumerate(poll.options)],
            )
        )
    elif view.mine:
        chosen = ", ".join(poll.options[i] for i in sorted(view.mine) if i < len(poll.options))
        body.append(TextBlock(text=t("polls.card.your_answer", answer=chosen), wrap=True))
    if view.tally is not None:
        body += _results(t, poll, view.tally)
    elif poll.results == Results.AUTHOR:
        body.append(TextBlock(text=t("polls.card.results_hidden"), is_subtle=True, wrap=True))
    ref = {"poll": poll.id}
    actions: list[ExecuteAction] = []
    if is_open:
        actions.append(
            ExecuteAction(title=t("polls.card.vote"), verb=VOTE, data=ref, associated_inputs="auto")
        )
    if view.viewer is None:
        actions.append(
            ExecuteAction(title=t("polls.card.show_mine"), verb=REFRESH, data=ref, associated_inputs="none")
        )
    elif view.viewer == poll.author and is_open:
        actions.append(
            ExecuteAction(title=t("polls.card.close"), verb=CLOSE, data=ref, associated_inputs="none")
        )
    if view.lists_voters and view.viewer is not None:
        actions.append(
            ExecuteAction(title=t("polls.card.who_voted"), verb=VOTERS, data=ref, associated_inputs="none")
        )
    extra: dict[str, Any] = {}
    if poll.per_user_refresh:
        extra["refresh"] = RefreshDefinition(
            action=ExecuteAction(verb=REFRESH, data=ref), user_ids=list(poll.audience)
        )
    return card(body, actions, **extra)


def poll_posted_card(t: Translator, poll: Poll, *, again: bool = False) -> AdaptiveCard:
    """What replaces the author's form once the poll is out; `again` for a form submitted a second time."""
    body: list[Any] = [heading(t("polls.form.posted", question=poll.question), size="Medium")]
    if again:
        body.append(TextBlock(text=t("polls.form.posted_already"), wrap=True))
    return card(body)
