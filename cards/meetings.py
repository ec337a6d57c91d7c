"""Meeting cards: the facilitator's plan form, the presenters' shared planning card, the channel
announcement (with "I'll attend", small groups and the summary), a small group's card, the reminder and the
list of a person's meetings; plus the parsers of what the forms send back.

Every action is `Action.Execute` (card version 1.5). The planning card carries a `refresh` naming the
presenters, so each of them sees the newest plan whenever they open it; saving names the plan version it
was based on, and a stale save shows the newer plan instead of overwriting it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from microsoft_teams.cards import (
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    DateInput,
    ExecuteAction,
    Fact,
    FactSet,
    NumberInput,
    OpenUrlAction,
    RefreshDefinition,
    ShowCardAction,
    TextBlock,
    TextInput,
    TimeInput,
)

from cards.base import card, heading
from core.errors import Invalid
from core.groups import MAX_SIZE, MIN_SIZE
from core.i18n import Translator
from core.meetings import (
    MAX_DESCRIPTION,
    MAX_ITEM,
    MAX_ITEMS,
    MAX_PRESENTERS,
    MAX_THEME,
    Contribution,
    Meeting,
    MeetingDraft,
    Plan,
    local_start,
)

PLAN, SAVE, REFRESH = "meeting.plan", "meeting.plan.save", "meeting.plan.refresh"
ATTEND, GROUPS, ANSWER, SUMMARY = "meeting.attend", "meeting.groups", "meeting.answer", "meeting.summary"
NEW_THEME = "__new__"
DEFAULT_GROUP_SIZE = 4
CHECKBOX_MAX = 15  # presenters as checkboxes up to this many members; above it, searchable choices

Names = Mapping[str, str]


def parse_network_ref(data: Mapping[str, Any]) -> str:
    """The network a plan form names ("" with none: an unknown network)."""
    key = data.get("network")
    return key if isinstance(key, str) else ""


def parse_meeting_ref(data: Mapping[str, Any]) -> str | None:
    """The meeting a card's action names (None with none: an unknown meeting)."""
    meeting = data.get("meeting")
    return meeting if isinstance(meeting, str) else None


def parse_group_size(data: Mapping[str, Any]) -> int:
    """`meeting.groups`: the wanted group size (0 when not given); checked by `core.groups`."""
    raw = data.get("size")
    try:
        return int(float(raw)) if isinstance(raw, (int, float, str)) and str(raw).strip() else 0
    except ValueError as error:
        raise Invalid("meetings.error.group_size", min=MIN_SIZE, max=MAX_SIZE) from error


@dataclass(frozen=True)
class MaterialLink:
    """A file shown on the announcement: its name and where it opens."""

    name: str
    url: str


def _title(text: str) -> TextBlock:
    return heading(text)


def _names(ids: Sequence[str], names: Names) -> str:
    return ", ".join(names.get(i, i) for i in ids)


def _link_text(name: str) -> str:
    """A file name fit for a Markdown link text (no brackets, at most 80 characters)."""
    cleaned = name.replace("[", "(").replace("]", ")")
    return cleaned if len(cleaned) <= 80 else cleaned[:79] + "…"


def _bullets(items: Sequence[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def plan_form_card(
    t: Translator,
    network_key: str,
    network_name: str,
    members: Names,
    themes: Sequence[str],
    error: str | None = None,
    *,
    nonce: str | None = None,
) -> AdaptiveCard:
    """The form a facilitator fills in to plan a meeting of the network; `members` maps the network's
    members' Entra ids to names (presenters are chosen from them); `themes` are the theme vote's winners.
    `nonce` (`core.nonces`) becomes the meeting's id, so submitting the form twice plans one meeting."""
    body: list[CardElement] = [_title(t("meetings.form.title", network=network_name))]
    if error:
        body.append(TextBlock(text=error, color="Attention", wrap=True))
    if themes:
        body.append(
            ChoiceSetInput(
                id="theme_choice",
                label=t("meetings.form.voted_theme"),
                style="compact",
                value=themes[0],
                choices=[Choice(title=theme, value=theme) for theme in themes]
                + [Choice(title=t("meetings.form.new_theme_choice"), value=NEW_THEME)],
            )
        )
    body += [
        TextInput(
            id="theme",
            label=t("meetings.form.theme" if not themes else "meetings.form.theme_new"),
            is_required=not themes,
            max_length=MAX_THEME,
            error_message=t("meetings.error.no_theme"),
        ),
        DateInput(
            id="date",
            label=t("meetings.form.date"),
            placeholder=t("meetings.form.pick_date"),
            is_required=True,
            error_message=t("meetings.error.bad_time"),
        ),
        TimeInput(
            id="time",
            label=t("meetings.form.time"),
            placeholder=t("meetings.form.pick_time"),
            is_required=True,
            value="14:00",
            error_message=t("meetings.error.bad_time"),
        ),
    ]
    if members:
        body += _presenter_inputs(t, members)
    else:
        body.append(TextBlock(text=t("meetings.form.no_members"), color="Attention", wrap=True))
    body.append(
        TextInput(
            id="description",
            label=t("meetings.form.description"),
            is_multiline=True,
            max_length=MAX_DESCRIPTION,
        )
    )
    data = {"network": network_key, **({"nonce": nonce} if nonce else {})}
    return card(body, [ExecuteAction(title=t("meetings.form.submit"), verb=PLAN, data=data)])


def _presenter_inputs(t: Translator, members: Names) -> list[CardElement]:
    """Presenters from the network's members. A compact multi-select opens empty in the Agents Playground's
    renderer, so a network of up to CHECKBOX_MAX members gets checkboxes (every renderer shows them); a
    larger one gets MAX_PRESENTERS single choices that Teams searches as you type ("filtered"; a renderer
    that cannot search shows a drop-down)."""
    choices = [Choice(title=name, value=aad) for aad, name in members.items()]
    if len(members) <= CHECKBOX_MAX:
        return [
            ChoiceSetInput(
                id="presenters",
                label=t("meetings.form.presenters", max=MAX_PRESENTERS),
                is_multi_select=True,
                style="expanded",
                is_required=True,
                error_message=t("meetings.error.presenter_count", min=1, max=MAX_PRESENTERS),
                choices=choices,
            )
        ]
    return [
        ChoiceSetInput(
            id=f"presenter_{n}",
            label=t("meetings.form.presenter_n", n=n)
            if n > 1
            else t("meetings.form.presenters", max=MAX_PRESENTERS),
            style="filtered",
            is_required=n == 1,
            error_message=t("meetings.error.presenter_count", min=1, max=MAX_PRESENTERS),
            choices=choices,
        )
        for n in range(1, MAX_PRESENTERS + 1)
    ]


def parse_plan_form(data: Mapping[str, Any], network_key: str) -> MeetingDraft:
    """The draft a plan form sent back (not yet validated: see `MeetingDraft.validated`)."""
    choice = data.get("theme_choice")
    typed = data.get("theme")
    theme = typed if isinstance(typed, str) and typed.strip() else ""
    if not theme and isinstance(choice, str) and choice != NEW_THEME:
        theme = choice
    day, clock = data.get("date"), data.get("time")
    if not isinstance(day, str) or not isinstance(clock, str):
        raise Invalid("meetings.error.bad_time")
    picked = [data.get("presenters"), *(data.get(f"presenter_{n}") for n in range(1, MAX_PRESENTERS + 1))]
    chosen = tuple(
        dict.fromkeys(
            p.strip() for value in picked if isinstance(value, str) for p in value.split(",") if p.strip()
        )
    )
    description = data.get("description")
    return MeetingDraft(
        network_key=network_key,
        theme=theme,
        starts_at=local_start(day, clock),
        presenters=chosen,
        description=description if isinstance(description, str) else "",
    )


def _when(t: Translator, meeting: Meeting) -> str:
    return t.datetime(meeting.starts_at)


def _facts(t: Translator, meeting: Meeting, names: Names) -> FactSet:
    facts = [
        Fact(title=t("meetings.field.when"), value=_when(t, meeting)),
        Fact(title=t("meetings.field.presenters"), value=_names(meeting.presenters, names)),
    ]
    return FactSet(facts=facts)


def planned_card(
    t: Translator, meeting: Meeting, names: Names, notice: str | None = None, *, again: bool = False
) -> AdaptiveCard:
    """What replaces the facilitator's form once the meeting is planned; `again` for a form submitted a
    second time (nothing new was planned)."""
    body: list[CardElement] = [
        heading(t("meetings.form.planned", theme=meeting.theme), size="Medium", color="Good"),
        _facts(t, meeting, names),
        TextBlock(
            text=t("meetings.form.planned_already" if again else "meetings.form.planned_next"),
            wrap=True,
            is_subtle=not again,
        ),
    ]
    if notice:
        body.append(TextBlock(text=notice, color="Attention", wrap=True))
    return card(body)


def _plan_blocks(t: Translator, meeting: Meeting, names: Names) -> list[CardElement]:
    body: list[CardElement] = []
    if meeting.description:
        body.append(TextBlock(text=meeting.description, wrap=True))
    if meeting.agenda:
        body += [
            TextBlock(text=t("meetings.field.agenda"), weight="Bolder", wrap=True, spacing="Medium"),
            TextBlock(text=_bullets(meeting.agenda), wrap=True),
        ]
    if meeting.questions:
        body += [
            TextBlock(text=t("meetings.field.questions"), weight="Bolder", wrap=True, spacing="Medium"),
            TextBlock(text=_bullets(meeting.questions), wrap=True),
        ]
    if meeting.contributions:
        body += [
            TextBlock(text=t("meetings.field.bringing"), weight="Bolder", wrap=True, spacing="Medium"),
            FactSet(
                facts=[Fact(title=names.get(c.person, c.person), value=c.what) for c in meeting.contributions]
            ),
        ]
    return body


def planning_card(
    t: Translator, meeting: Meeting, network_name: str, names: Names, notice: str | None = None
) -> AdaptiveCard:
    """The presenters' shared plan: agenda, small-group questions and who brings what, editable by each."""
    body: list[CardElement] = [
        _title(t("meetings.planning.title", theme=meeting.theme)),
        TextBlock(text=network_name, is_subtle=True, wrap=True, spacing="None"),
        _facts(t, meeting, names),
    ]
    if notice:
        body.append(TextBlock(text=notice, color="Attention", wrap=True))
    body += _plan_blocks(t, meeting, names)
    brings = {c.person: c.what for c in meeting.contributions}
    body += [
        TextInput(
            id="agenda",
            label=t("meetings.planning.agenda", max=MAX_ITEMS),
            is_multiline=True,
            value="\n".join(meeting.agenda),
            max_length=(MAX_ITEM + 1) * MAX_ITEMS,
            spacing="Large",
        ),
        TextInput(
            id="questions",
            label=t("meetings.planning.questions", max=MAX_ITEMS),
            is_multiline=True,
            value="\n".join(meeting.questions),
            max_length=(MAX_ITEM + 1) * MAX_ITEMS,
        ),
    ]
    for index, person in enumerate(meeting.presenters):
        body.append(
            TextInput(
                id=f"bring_{index}",
                label=t("meetings.planning.brings", name=names.get(person, person)),
                value=brings.get(person, ""),
                max_length=MAX_ITEM,
            )
        )
    ref = {"meeting": meeting.id}
    return card(
        body,
        [
            ExecuteAction(
                title=t("meetings.planning.save"), verb=SAVE, data={**ref, "version": meeting.version}
            )
        ],
        refresh=RefreshDefinition(
            action=ExecuteAction(verb=REFRESH, data=ref),
            user_ids=[f"8:orgid:{p}" for p in meeting.presenters],
        ),
    )


def parse_plan(data: Mapping[str, Any], meeting: Meeting) -> tuple[Plan, int]:
    """(plan, the version it was based on) from what a planning card sent back."""

    def lines(key: str) -> tuple[str, ...]:
        value = data.get(key)
        return tuple(value.splitlines()) if isinstance(value, str) else ()

    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid("error.bad_card_data")
    contributions = []
    for index, person in enumerate(meeting.presenters):
        what = data.get(f"bring_{index}")
        if isinstance(what, str) and what.strip():
            contributions.append(Contribution(person, what))
    return Plan(lines("agenda"), lines("questions"), tuple(contributions)), version


def meeting_announcement_card(
    t: Translator,
    meeting: Meeting,
    network_name: str,
    names: Names,
    materials: Sequence[MaterialLink] = (),
    notice: str | None = None,
) -> AdaptiveCard:
    """The channel's card of a meeting: theme, time, presenters, agenda, "I'll attend" with the count, the
    materials once filed, and the facilitator's small-group and summary actions (checked on the server)."""
    ref = {"meeting": meeting.id}
    body: list[CardElement] = [
        _title(t("meetings.announce.title", theme=meeting.theme)),
        TextBlock(text=network_name, is_subtle=True, wrap=True, spacing="None"),
        _facts(t, meeting, names),
        *_plan_blocks(t, meeting, names),
        TextBlock(
            text=t.plural("meetings.announce.attending", meeting.attendees),
            weight="Bolder",
            wrap=True,
            spacing="Medium",
        ),
    ]
    if materials:
        body += [
            TextBlock(text=t("meetings.field.materials"), weight="Bolder", wrap=True, spacing="Medium"),
            TextBlock(
                text="\n".join(f"- [{_link_text(m.name)}]({m.url})" for m in materials[:20]), wrap=True
            ),
        ]
    if notice:
        body.append(TextBlock(text=notice, color="Good", wrap=True))
    groups_form = card(
        [
            NumberInput(
                id="size",
                label=t("meetings.groups.size", min=MIN_SIZE, max=MAX_SIZE),
                min=MIN_SIZE,
                max=MAX_SIZE,
                value=DEFAULT_GROUP_SIZE,
                is_required=True,
                error_message=t("meetings.error.group_size", min=MIN_SIZE, max=MAX_SIZE),
            )
        ],
        [ExecuteAction(title=t("meetings.groups.split"), verb=GROUPS, data=ref)],
    )
    return card(
        body,
        [
            ExecuteAction(title=t("meetings.announce.attend"), verb=ATTEND, data=ref, style="positive"),
            ShowCardAction(title=t("meetings.groups.open"), card=groups_form),
            ExecuteAction(title=t("meetings.summary.collect"), verb=SUMMARY, data=ref),
        ],
    )


def group_card(
    t: Translator,
    meeting: Meeting,
    number: int,
    members: Sequence[str],
    names: Names,
    answers: Sequence[str] = (),
    notice: str | None = None,
) -> AdaptiveCard:
    """One small group's card in each member's personal chat: who is in it, the questions and a field per
    question; answers are sent back with `meeting.answer`."""
    body: list[CardElement] = [
        _title(t("meetings.group.title", number=number, theme=meeting.theme)),
        TextBlock(text=t("meetings.group.members", names=_names(members, names)), wrap=True),
    ]
    if notice:
        body.append(TextBlock(text=notice, color="Good", wrap=True))
    questions = meeting.questions or (t("meetings.group.free_question"),)
    for index, question in enumerate(questions):
        body.append(
            TextInput(
                id=f"answer_{index}",
                label=f"{index + 1}. {question}",
                is_multiline=True,
                max_length=2000,
                value=answers[index] if index < len(answers) else None,
            )
        )
    return card(
        body,
        [
            ExecuteAction(
                title=t("meetings.group.send"), verb=ANSWER, data={"meeting": meeting.id, "group": number}
            )
        ],
    )


def parse_answers(data: Mapping[str, Any], meeting: Meeting) -> tuple[int, tuple[str, ...]]:
    """(group number, one answer per question) from a group card."""
    group = data.get("group")
    if not isinstance(group, int) or isinstance(group, bool) or group < 1:
        raise Invalid("error.bad_card_data")
    count = max(1, len(meeting.questions))
    answers = []
    for index in range(count):
        value = data.get(f"answer_{index}")
        answers.append(value.strip()[:2000] if isinstance(value, str) else "")
    if not any(answers):
        raise Invalid("meetings.error.empty_answer")
    return group, tuple(answers)


def groups_done_card(
    t: Translator, meeting: Meeting, groups: Sequence[Sequence[str]], names: Names
) -> AdaptiveCard:
    """What the facilitator sees after splitting: the groups."""
    return card(
        [
            heading(t.plural("meetings.groups.done", len(groups)), size="Medium"),
            FactSet(
                facts=[
                    Fact(title=t("meetings.groups.group", number=number), value=_names(members, names))
                    for number, members in enumerate(groups, start=1)
                ]
            ),
        ]
    )


def summary_card(
    t: Translator, meeting: Meeting, document: MaterialLink | None, answered: int, groups: int
) -> AdaptiveCard:
    """The summary posted to the channel: how many groups answered and the document in the meeting folder."""
    body: list[CardElement] = [
        _title(t("meetings.summary.title", theme=meeting.theme)),
        TextBlock(text=t.plural("meetings.summary.counts", groups, answered=answered), wrap=True),
    ]
    if document is None:
        return card(body)
    # The file's name is text; a button named after it ran past the card's edge.
    body.append(TextBlock(text=t("meetings.summary.file", name=document.name), wrap=True, is_subtle=True))
    return card(body, [OpenUrlAction(title=t("meetings.summary.open"), url=document.url)])


def summary_text_card(t: Translator, meeting: Meeting, markdown: str) -> AdaptiveCard:
    """The summary's text itself, for the channel post."""
    text = markdown if len(markdown) < 20_000 else markdown[:20_000] + "\n…"
    return card([_title(t("meetings.summary.title", theme=meeting.theme)), TextBlock(text=text, wrap=True)])


def reminder_card(t: Translator, meeting: Meeting, network_name: str, names: Names) -> AdaptiveCard:
    """The day-before reminder in each member's personal chat."""
    return card(
        [
            _title(t("meetings.reminder.title", theme=meeting.theme)),
            TextBlock(text=network_name, is_subtle=True, wrap=True, spacing="None"),
            _facts(t, meeting, names),
            *_plan_blocks(t, meeting, names),
        ],
        [ExecuteAction(title=t("meetings.announce.attend"), verb=ATTEND, data={"meeting": meeting.id})],
    )


def meetings_list_card(
    t: Translator, meetings: Sequence[tuple[Meeting, str]], names: Names, *, title: str
) -> AdaptiveCard:
    """Meetings (with their network's name), newest first."""
    body: list[CardElement] = [_title(title)]
    if not meetings:
        body.append(TextBlock(text=t("meetings.list.empty"), wrap=True))
    for meeting, network_name in meetings:
        body += [
            TextBlock(text=meeting.theme, weight="Bolder", wrap=True, spacing="Medium", separator=True),
            TextBlock(text=network_name, is_subtle=True, wrap=True, spacing="None"),
            _facts(t, meeting, names),
            TextBlock(
                text=t.plural("meetings.announce.attending", meeting.attendees), wrap=True, spacing="None"
            ),
        ]
    return card(body)
