"""Peer coaching cards a coach sees: the profile (join, edit, pause, leave, rejoin), the introduction to
their partners (with a Teams group-chat deep link), the introduction posted in a group chat the bot created,
and the follow-up check-in; plus the parsers of what they send back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal
from urllib.parse import quote, urlencode

from microsoft_teams.cards import (
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    DateInput,
    ExecuteAction,
    Fact,
    FactSet,
    OpenUrlAction,
    TextBlock,
    TextInput,
    ToggleInput,
)

from cards.base import card, heading
from core.coaching import LANGUAGES, SIZES, Method, PoolStatus, Profile, Role, Theme
from core.coaching_rounds import LEARNED_MAX, CheckIn, Decision, Round, RoundGroup
from core.coaching_views import Member
from core.errors import Invalid
from core.i18n import Translator
from core.timezone import HELSINKI

PROFILE, SAVE, PAUSE, RESUME = "coaching.profile", "coaching.save", "coaching.pause", "coaching.resume"
LEAVE, REJOIN, CHECKIN, OVERVIEW = (
    "coaching.leave",
    "coaching.rejoin",
    "coaching.checkin",
    "coaching.overview",
)
CHAT_LINK = "https://teams.microsoft.com/l/chat/0/0"
TOPIC_MAX = 60
NAME_MAX = 100


def _title(text: str) -> TextBlock:
    return heading(text)


def _theme_names(t: Translator, keys: Sequence[str], themes: Sequence[Theme]) -> str:
    names = {th.key: th.name(t.locale) for th in themes}
    return ", ".join(names.get(k, k) for k in keys)


def _status_text(
    t: Translator, profile: Profile | None, today: date
) -> tuple[str, Literal["Default", "Attention", "Warning", "Good"]]:
    if profile is None:
        return t("coaching.profile.not_joined"), "Default"
    if profile.status is PoolStatus.LEFT:
        return t("coaching.profile.left"), "Attention"
    if profile.paused_on(today) and profile.paused_until is not None:
        return t("coaching.profile.paused", until=_date(t, profile.paused_until)), "Warning"
    return t("coaching.profile.active"), "Good"


def _date(t: Translator, day: date) -> str:
    return t.date(datetime.combine(day, time(12), HELSINKI))


def profile_card(
    t: Translator,
    profile: Profile,
    *,
    joined: bool,
    themes: Sequence[Theme],
    organizations: Sequence[tuple[str, str]],
    today: date,
    notice: str | None = None,
    partners: Sequence[Member] = (),
    runs_rounds: bool = False,
) -> AdaptiveCard:
    """The coaching profile: what it is, where one stands, the form, and pause / leave / rejoin.

    `profile` is the stored one when `joined`, else a starter profile (organisation from the email domain);
    `organizations` are (key, name) pairs; `partners` the people of one's newest group."""
    status, color = _status_text(t, profile if joined else None, today)
    body: list[CardElement] = [
        _title(t("coaching.profile.title")),
        TextBlock(text=t("coaching.profile.intro"), wrap=True),
        TextBlock(text=status, wrap=True, weight="Bolder", color=color),
    ]
    if notice:
        body.append(TextBlock(text=notice, wrap=True, color="Good"))
    if partners:
        body.append(
            TextBlock(text=t("coaching.profile.partners"), wrap=True, weight="Bolder", separator=True)
        )
        body.append(FactSet(facts=[Fact(title=p.name, value=p.organization or "-") for p in partners]))
    if organizations:
        body.append(
            ChoiceSetInput(
                id="organization",
                label=t("coaching.field.organization"),
                value=profile.organization or None,
                choices=[Choice(title=name, value=key) for key, name in organizations],
                separator=True,
            )
        )
    body += [
        TextInput(
            id="organization_name",
            label=t("coaching.field.organization_other"),
            placeholder=t("coaching.field.organization_other_hint"),
            max_length=NAME_MAX,
        ),
        ChoiceSetInput(
            id="role",
            label=t("coaching.field.role"),
            style="expanded",
            value=profile.role.value,
            choices=[Choice(title=t(f"coaching.role.{r.value}"), value=r.value) for r in Role],
        ),
        ChoiceSetInput(
            id="themes",
            label=t("coaching.field.themes"),
            is_multi_select=True,
            style="expanded",
            is_required=True,
            error_message=t("coaching.error.no_theme"),
            value=",".join(profile.themes) or None,
            choices=[Choice(title=th.name(t.locale), value=th.key) for th in themes],
        ),
        ChoiceSetInput(
            id="methods",
            label=t("coaching.field.methods"),
            is_multi_select=True,
            style="expanded",
            value=",".join(m.value for m in profile.methods) or None,
            choices=[Choice(title=t(f"coaching.method.{m.value}"), value=m.value) for m in Method],
        ),
        ChoiceSetInput(
            id="languages",
            label=t("coaching.field.languages"),
            is_multi_select=True,
            style="expanded",
            value=",".join(profile.languages) or None,
            choices=[Choice(title=t(f"coaching.language.{x}"), value=x) for x in LANGUAGES],
        ),
        ChoiceSetInput(
            id="sizes",
            label=t("coaching.field.sizes"),
            is_multi_select=True,
            style="expanded",
            value=",".join(str(s) for s in profile.sizes) or None,
            choices=[Choice(title=t(f"coaching.size.{s}"), value=str(s)) for s in SIZES],
        ),
        ToggleInput(
            id="same_organization",
            title=t("coaching.field.same_organization"),
            value="true" if profile.allow_same_organization else "false",
            wrap=True,
        ),
    ]
    actions: list[Any] = [
        ExecuteAction(title=t("coaching.action.save" if joined else "coaching.action.join"), verb=SAVE)
    ]
    if joined and profile.status is PoolStatus.ACTIVE:
        body += [
            TextBlock(text=t("coaching.profile.pause_hint"), wrap=True, weight="Bolder", separator=True),
            DateInput(
                id="paused_until",
                label=t("coaching.field.paused_until"),
                placeholder=t("coaching.field.date_hint"),
                value=profile.paused_until.isoformat() if profile.paused_until else None,
            ),
        ]
        actions.append(ExecuteAction(title=t("coaching.action.pause"), verb=PAUSE))
        if profile.paused_on(today):
            actions.append(ExecuteAction(title=t("coaching.action.resume"), verb=RESUME))
        actions.append(ExecuteAction(title=t("coaching.action.leave"), verb=LEAVE))
    elif joined:
        actions = [ExecuteAction(title=t("coaching.action.rejoin"), verb=REJOIN)]
    if runs_rounds:
        actions.append(ExecuteAction(title=t("coaching.action.overview"), verb=OVERVIEW))
    return card(body, actions)


@dataclass(frozen=True)
class ProfileForm:
    """What the profile form sends: the choices, and a new organisation's name when the person's is not in
    the catalogue."""

    organization: str | None
    organization_name: str
    role: Role
    themes: tuple[str, ...]
    methods: tuple[Method, ...]
    languages: tuple[str, ...]
    sizes: tuple[int, ...]
    allow_same_organization: bool


def _choices(data: Mapping[str, Any], name: str) -> tuple[str, ...]:
    raw = data.get(name)
    if raw is None:
        return ()
    if not isinstance(raw, str):
        raise Invalid("error.bad_card_data")
    return tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))


def _text(data: Mapping[str, Any], name: str) -> str:
    raw = data.get(name)
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise Invalid("error.bad_card_data")
    return " ".join(raw.split())


def parse_profile(data: Mapping[str, Any]) -> ProfileForm:
    """`coaching.save`: raises `Invalid` for values of the wrong type or outside the offered choices."""
    try:
        role = Role(_text(data, "role") or Role.EITHER.value)
        methods = tuple(Method(m) for m in _choices(data, "methods"))
        sizes = tuple(int(s) for s in _choices(data, "sizes"))
    except ValueError as error:
        raise Invalid("error.bad_card_data") from error
    name = _text(data, "organization_name")
    if len(name) > NAME_MAX:
        raise Invalid("coaching.error.organization_name", max=NAME_MAX)
    return ProfileForm(
        organization=_text(data, "organization") or None,
        organization_name=name,
        role=role,
        themes=_choices(data, "themes"),
        methods=methods,
        languages=_choices(data, "languages"),
        sizes=sizes,
        allow_same_organization=str(data.get("same_organization", "")).lower() == "true",
    )


def parse_pause(data: Mapping[str, Any]) -> date:
    """`coaching.pause`: the date the pause lasts until (inclusive)."""
    raw = _text(data, "paused_until")
    try:
        return date.fromisoformat(raw)
    except ValueError as error:
        raise Invalid("coaching.error.pause_date") from error


# ---- the introduction -------------------------------------------------------------------------------


def chat_link(addresses: Sequence[str], topic: str, message: str) -> str:
    """A Teams deep link that opens a new group chat with `addresses` (the one who opens it is always in
    it) named `topic`, with `message` typed in the compose box; no Graph permission is needed."""
    query = urlencode(
        {"users": ",".join(addresses), "topicName": topic[:TOPIC_MAX], "message": message},
        quote_via=quote,
        safe="@,",
    )
    return f"{CHAT_LINK}?{query}"


def chat_topic(t: Translator, members: Sequence[Member]) -> str:
    names = " & ".join(m.name.split()[0] if m.name else "?" for m in members)
    return t("coaching.intro.topic", names=names)[:TOPIC_MAX]


def _method_block(t: Translator, method: Method) -> list[CardElement]:
    return [
        TextBlock(
            text=t("coaching.intro.method", method=t(f"coaching.method.{method.value}")),
            wrap=True,
            weight="Bolder",
            separator=True,
        ),
        TextBlock(text=t(f"coaching.howto.{method.value}"), wrap=True),
    ]


def introduction_card(
    t: Translator,
    me: str,
    group: RoundGroup,
    members: Mapping[str, Member],
    themes: Sequence[Theme],
    confirmed: Round,
) -> AdaptiveCard:
    """Sent to each person of a group in their personal chat: who the partners are, what they share, the
    suggested method with a short how-to, when the check-in comes, and a button that opens a group chat."""
    partners = [members.get(m) or Member(m, m) for m in group.members if m != me]
    pair_round = len(group.members) == 2
    body: list[CardElement] = [
        _title(t("coaching.intro.title_pair" if pair_round else "coaching.intro.title_group")),
        TextBlock(text=t("coaching.intro.lead"), wrap=True),
        FactSet(facts=[Fact(title=p.name, value=p.organization or "-") for p in partners]),
    ]
    if group.themes:
        body.append(
            TextBlock(
                text=t("coaching.intro.themes", themes=_theme_names(t, group.themes, themes)), wrap=True
            )
        )
    if any(me in pair_ for pair_ in group.repeats):
        body.append(TextBlock(text=t("coaching.intro.repeat"), wrap=True, is_subtle=True))
    body += _method_block(t, group.method)
    if confirmed.checkin_due is not None:
        body.append(
            TextBlock(
                text=t("coaching.intro.checkin", date=t.date(confirmed.checkin_due)),
                wrap=True,
                is_subtle=True,
            )
        )
    addresses = [p.address for p in partners if p.address]
    actions: list[Any] = []
    if addresses:
        everyone = [members.get(m) or Member(m, m) for m in group.members]
        link = chat_link(addresses, chat_topic(t, everyone), t("coaching.intro.hello"))
        actions.append(OpenUrlAction(title=t("coaching.action.open_chat"), url=link))
    else:
        body.append(TextBlock(text=t("coaching.intro.no_address"), wrap=True, is_subtle=True))
    actions.append(ExecuteAction(title=t("coaching.action.profile"), verb=PROFILE))
    return card(body, actions)


def chat_introduction_card(
    t: Translator, group: RoundGroup, members: Mapping[str, Member], themes: Sequence[Theme]
) -> AdaptiveCard:
    """Posted by the bot into the group chat it created for a group: everyone in it, and the method."""
    everyone = [members.get(m) or Member(m, m) for m in group.members]
    body: list[CardElement] = [
        _title(t("coaching.chat.title")),
        TextBlock(text=t("coaching.chat.lead"), wrap=True),
        FactSet(facts=[Fact(title=p.name, value=p.organization or "-") for p in everyone]),
    ]
    if group.themes:
        body.append(
            TextBlock(
                text=t("coaching.intro.themes", themes=_theme_names(t, group.themes, themes)), wrap=True
            )
        )
    body += _method_block(t, group.method)
    return card(body)


# ---- the check-in -----------------------------------------------------------------------------------


def checkin_card(
    t: Translator,
    due: Round,
    group: RoundGroup,
    partners: Sequence[Member],
    *,
    reminder: bool = False,
    answer: CheckIn | None = None,
    saved: bool = False,
) -> AdaptiveCard:
    """The follow-up: did you meet, which method, one line of what you learnt (shown only without names,
    to the coordinator), continue or end. Shows a saved answer back; it can be changed."""
    body: list[CardElement] = [
        _title(t("coaching.checkin.title")),
    ]
    if reminder:
        body.append(TextBlock(text=t("coaching.checkin.reminder"), wrap=True, weight="Bolder"))
    if saved:
        body.append(TextBlock(text=t("coaching.checkin.saved"), wrap=True, color="Good", weight="Bolder"))
    names = ", ".join(f"{p.name} ({p.organization})" if p.organization else p.name for p in partners)
    body += [
        TextBlock(text=t("coaching.checkin.lead", partners=names), wrap=True),
        ChoiceSetInput(
            id="met",
            label=t("coaching.field.met"),
            style="expanded",
            is_required=True,
            error_message=t("coaching.error.met_missing"),
            value=("yes" if answer.met else "no") if answer else None,
            choices=[
                Choice(title=t("coaching.checkin.met_yes"), value="yes"),
                Choice(title=t("coaching.checkin.met_no"), value="no"),
            ],
        ),
        ChoiceSetInput(
            id="method",
            label=t("coaching.field.method_used"),
            value=(answer.method.value if answer and answer.method else group.method.value),
            choices=[Choice(title=t(f"coaching.method.{m.value}"), value=m.value) for m in Method],
        ),
        TextInput(
            id="learned",
            label=t("coaching.field.learned"),
            placeholder=t("coaching.field.learned_hint"),
            max_length=LEARNED_MAX,
            value=answer.learned if answer and answer.learned else None,
        ),
        ChoiceSetInput(
            id="decision",
            label=t("coaching.field.decision"),
            style="expanded",
            value=(answer.decision.value if answer else Decision.CONTINUE.value),
            choices=[Choice(title=t(f"coaching.decision.{d.value}"), value=d.value) for d in Decision],
        ),
    ]
    label = "coaching.action.checkin_update" if answer else "coaching.action.checkin"
    return card(body, [ExecuteAction(title=t(label), verb=CHECKIN, data={"round": due.id})])


def parse_checkin(data: Mapping[str, Any]) -> CheckIn:
    """`coaching.checkin`: the round and the answers (the person is the one who clicked)."""
    round_id = data.get("round")
    met = _text(data, "met")
    if not isinstance(round_id, str) or not round_id:
        raise Invalid("error.bad_card_data")
    if met not in ("yes", "no"):
        raise Invalid("coaching.error.met_missing")
    try:
        method = Method(_text(data, "method")) if _text(data, "method") else None
        decision = Decision(_text(data, "decision") or Decision.END.value)
    except ValueError as error:
        raise Invalid("error.bad_card_data") from error
    learned = _text(data, "learned")
    if len(learned) > LEARNED_MAX:
        raise Invalid("coaching.error.learned_too_long", max=LEARNED_MAX)
    return CheckIn(round_id, "", met == "yes", method if met == "yes" else None, learned, decision)
