"""Badge cards: the recipient's award card, `merkit` (a person's own badges), and the coordinator's
management (counts per class and organisation, a class's awards with revoke, the class and award forms);
and the typed parsers of what they send."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    Column,
    ColumnSet,
    Container,
    ExecuteAction,
    Fact,
    FactSet,
    Image,
    NumberInput,
    OpenUrlAction,
    ShowCardAction,
    TextBlock,
    TextInput,
)

from cards.base import card, count_chart, heading, table
from core.badges import COLORS, EMBLEMS, NAME_MAX, TEXT_MAX, Award, BadgeClass, Counts, ManualOutcome, Rule
from core.credentials import Issuer
from core.errors import Invalid
from core.i18n import Translator

MINE = "badges.mine"
DOWNLOAD = "badges.download"
MANAGE = "badges.manage"
NEW_CLASS = "badges.new_class"
SAVE_CLASS = "badges.save_class"
AWARD_FORM = "badges.award_form"
AWARD = "badges.award"
CLASS_AWARDS = "badges.class_awards"
REVOKE = "badges.revoke"

AWARDS_SHOWN = 30


def _heading(text: str) -> TextBlock:
    return heading(text)


Color = Literal["Good", "Warning", "Attention"]


def _rule(t: Translator, badge: BadgeClass) -> str:
    """How the badge is earned: by the coordinator's hand, or automatically after `threshold` of something."""
    if badge.rule is Rule.MANUAL:
        return t("badges.rule.manual")
    return t.plural(f"badges.rule.{badge.rule.value}", badge.threshold)


def _status(t: Translator, award: Award, now: datetime) -> tuple[str, Color]:
    if award.revoked_at is not None:
        return t("badges.status.revoked"), "Attention"
    if award.valid_until is not None and award.valid_until <= now:
        return t("badges.status.expired"), "Warning"
    return t("badges.status.valid"), "Good"


def award_card(t: Translator, issuer: Issuer, badge: BadgeClass, award: Award) -> AdaptiveCard:
    """Sent to the recipient: the image, what it was for, the verification page and the baked PNG."""
    body: list[CardElement] = [
        ColumnSet(
            columns=[
                Column(
                    width="auto",
                    items=[
                        Image(url=issuer.image_url(badge.key), alt_text=badge.name(t.locale), size="Medium")
                    ],
                ),
                Column(
                    width="stretch",
                    items=[
                        _heading(t("badges.award.title", name=badge.name(t.locale))),
                        TextBlock(text=badge.description(t.locale), wrap=True),
                    ],
                ),
            ]
        ),
        FactSet(
            facts=[
                Fact(title=t("badges.field.criteria"), value=badge.criteria(t.locale)),
                Fact(title=t("badges.field.issued"), value=t.date(award.issued_at)),
                *(
                    [Fact(title=t("badges.field.valid_until"), value=t.date(award.valid_until))]
                    if award.valid_until
                    else []
                ),
                Fact(title=t("badges.field.issuer"), value=issuer.name),
            ]
        ),
        TextBlock(text=t("badges.award.wallet"), wrap=True, is_subtle=True),
    ]
    return card(
        body,
        [
            OpenUrlAction(title=t("badges.action.verify"), url=issuer.credential_url(award.id)),
            ExecuteAction(title=t("badges.action.download"), verb=DOWNLOAD, data={"award": award.id}),
        ],
    )


def my_badges_card(
    t: Translator,
    issuer: Issuer,
    awards: Sequence[tuple[Award, BadgeClass | None]],
    now: datetime,
    *,
    coordinator: bool = False,
) -> AdaptiveCard:
    body: list[CardElement] = [_heading(t("badges.mine.title"))]
    if not awards:
        body.append(TextBlock(text=t("badges.mine.none"), wrap=True))
    for award, badge in awards:
        name = badge.name(t.locale) if badge else award.class_key
        status, color = _status(t, award, now)
        actions: list[Any] = [
            OpenUrlAction(title=t("badges.action.verify"), url=issuer.credential_url(award.id))
        ]
        if award.revoked_at is None:
            actions.append(
                ExecuteAction(title=t("badges.action.download"), verb=DOWNLOAD, data={"award": award.id})
            )
        body.append(
            Container(
                separator=True,
                items=[
                    ColumnSet(
                        columns=[
                            Column(
                                width="auto",
                                items=[
                                    Image(url=issuer.image_url(award.class_key), alt_text=name, size="Small")
                                ],
                            ),
                            Column(
                                width="stretch",
                                items=[
                                    TextBlock(text=name, weight="Bolder", wrap=True),
                                    TextBlock(
                                        text=t(
                                            "badges.mine.line", date=t.date(award.issued_at), status=status
                                        ),
                                        color=color,
                                        wrap=True,
                                        is_subtle=True,
                                    ),
                                ],
                            ),
                        ]
                    ),
                    ActionSet(actions=actions),
                ],
            )
        )
    manage = [ExecuteAction(title=t("badges.action.manage"), verb=MANAGE)] if coordinator else None
    return card(body, manage)


def manage_card(
    t: Translator,
    classes: Sequence[BadgeClass],
    counts: Counts,
    organization_names: Mapping[str, str],
    *,
    notice: str | None = None,
) -> AdaptiveCard:
    """The coordinator's view: badges awarded per class and per organisation, and what can be done."""
    body: list[CardElement] = [_heading(t("badges.manage.title"))]
    if notice:
        body.append(TextBlock(text=notice, wrap=True, color="Good", weight="Bolder"))
    total = sum(counts.by_class.values())
    body.append(TextBlock(text=t.plural("badges.manage.total", total, revoked=counts.revoked), wrap=True))
    chart = count_chart(
        t("badges.manage.chart"),
        [(c.name(t.locale), counts.by_class[c.key]) for c in classes if counts.by_class.get(c.key)],
        axis_title=t("badges.manage.axis"),
    )
    if total:
        if chart:
            body.append(chart)
        body.append(TextBlock(text=t("badges.manage.by_org"), weight="Bolder", wrap=True))
        # A table, not a FactSet: organisation names run long and a FactSet cuts its title column on a phone.
        body.append(
            table(
                [t("badges.manage.org_column"), t("badges.manage.count_column")],
                [
                    [organization_names.get(org, org) or t("badges.manage.unknown_org"), t.number(n)]
                    for org, n in sorted(counts.by_organization.items(), key=lambda item: -item[1])
                ],
                widths=[3, 1],
            )
        )
    for badge in classes:
        rule = _rule(t, badge)
        body.append(
            Container(
                separator=True,
                items=[
                    TextBlock(text=badge.name(t.locale), weight="Bolder", wrap=True),
                    TextBlock(
                        text=t.plural(
                            "badges.manage.class_line", counts.by_class.get(badge.key, 0), rule=rule
                        ),
                        wrap=True,
                        is_subtle=True,
                    ),
                    ActionSet(
                        actions=[
                            ExecuteAction(
                                title=t("badges.action.award"), verb=AWARD_FORM, data={"class": badge.key}
                            ),
                            ExecuteAction(
                                title=t("badges.action.awards"), verb=CLASS_AWARDS, data={"class": badge.key}
                            ),
                            ExecuteAction(
                                title=t("badges.action.edit"), verb=NEW_CLASS, data={"class": badge.key}
                            ),
                        ]
                    ),
                ],
            )
        )
    return card(body, [ExecuteAction(title=t("badges.action.new_class"), verb=NEW_CLASS)])


def class_form_card(
    t: Translator, badge: BadgeClass | None = None, *, error: str | None = None
) -> AdaptiveCard:
    """Define a badge class (awarded by hand), or edit one; a built-in class keeps its rule."""
    body: list[CardElement] = [_heading(t("badges.form.title_edit" if badge else "badges.form.title_new"))]
    if error:
        body.append(TextBlock(text=error, color="Attention", weight="Bolder", wrap=True))
    if badge and badge.rule is not Rule.MANUAL:
        body.append(TextBlock(text=_rule(t, badge), wrap=True, is_subtle=True))

    def text(field: str, *, multiline: bool = False, limit: int = TEXT_MAX) -> TextInput:
        """The class's text `field` (name_fi, criteria_en, ...), labelled `badges.form.<field>`."""
        value: str = getattr(badge, field) if badge else ""
        return TextInput(
            id=field,
            label=t(f"badges.form.{field}"),
            is_required=True,
            error_message=t("badges.form.required"),
            is_multiline=multiline,
            max_length=limit,
            value=value or None,
        )

    def pick(field: str, options: Sequence[str]) -> ChoiceSetInput:
        """One of `options` for `field` (color, emblem), each named `badges.<field>.<option>`."""
        return ChoiceSetInput(
            id=field,
            label=t(f"badges.form.{field}"),
            style="compact",
            value=getattr(badge, field) if badge else options[0],
            choices=[Choice(title=t(f"badges.{field}.{option}"), value=option) for option in options],
        )

    body += [
        text("name_fi", limit=NAME_MAX),
        text("name_en", limit=NAME_MAX),
        *(
            text(field, multiline=True)
            for field in ("description_fi", "description_en", "criteria_fi", "criteria_en")
        ),
        pick("color", COLORS),
        pick("emblem", EMBLEMS),
        NumberInput(
            id="valid_months",
            label=t("badges.form.valid_months"),
            placeholder=t("badges.form.valid_months_hint"),
            min=1,
            max=120,
            value=badge.valid_months if badge and badge.valid_months else None,
        ),
    ]
    data = {"class": badge.key} if badge else {}
    return card(
        body,
        [
            ExecuteAction(title=t("badges.action.save"), verb=SAVE_CLASS, data=data, style="positive"),
            ExecuteAction(title=t("badges.action.cancel"), verb=MANAGE, associated_inputs="none"),
        ],
    )


def award_form_card(t: Translator, badge: BadgeClass, *, error: str | None = None) -> AdaptiveCard:
    body: list[CardElement] = [
        _heading(t("badges.award_form.title", name=badge.name(t.locale))),
        TextBlock(text=badge.criteria(t.locale), wrap=True, is_subtle=True),
    ]
    if error:
        body.append(TextBlock(text=error, color="Attention", weight="Bolder", wrap=True))
    body.append(
        TextInput(
            id="people",
            label=t("badges.award_form.people"),
            placeholder=t("badges.award_form.people_hint"),
            is_multiline=True,
            is_required=True,
            error_message=t("badges.form.required"),
            max_length=4000,
        )
    )
    return card(
        body,
        [
            ExecuteAction(
                title=t("badges.action.award"), verb=AWARD, data={"class": badge.key}, style="positive"
            ),
            ExecuteAction(title=t("badges.action.cancel"), verb=MANAGE, associated_inputs="none"),
        ],
    )


def awarded_card(t: Translator, badge: BadgeClass, outcomes: Sequence[ManualOutcome]) -> AdaptiveCard:
    awarded = [o for o in outcomes if o.award is not None]
    already = [o for o in outcomes if o.already]
    unknown = [o for o in outcomes if o.person is None]
    body: list[CardElement] = [
        _heading(t("badges.awarded.title", name=badge.name(t.locale))),
        FactSet(
            facts=[
                Fact(
                    title=t("badges.awarded.new"),
                    value=", ".join(o.person.name or o.address for o in awarded if o.person) or "–",
                ),
                Fact(title=t("badges.awarded.already"), value=", ".join(o.address for o in already) or "–"),
                Fact(title=t("badges.awarded.unknown"), value=", ".join(o.address for o in unknown) or "–"),
            ]
        ),
    ]
    if unknown:
        body.append(TextBlock(text=t("badges.awarded.unknown_hint"), wrap=True, is_subtle=True))
    return card(body, [ExecuteAction(title=t("badges.action.back"), verb=MANAGE)])


def class_awards_card(
    t: Translator,
    badge: BadgeClass,
    awards: Sequence[Award],
    names: Mapping[str, str],
    now: datetime,
    *,
    notice: str | None = None,
) -> AdaptiveCard:
    """A class's awards for the coordinator, newest first, each valid one with a revoke button."""
    body: list[CardElement] = [_heading(t("badges.class_awards.title", name=badge.name(t.locale)))]
    if notice:
        body.append(TextBlock(text=notice, wrap=True, color="Good", weight="Bolder"))
    if not awards:
        body.append(TextBlock(text=t("badges.class_awards.none"), wrap=True))
    for award in awards[:AWARDS_SHOWN]:
        who = names.get(award.person or "", "") or t("badges.class_awards.erased")
        status, color = _status(t, award, now)
        items: list[CardElement] = [
            TextBlock(text=who, weight="Bolder", wrap=True),
            TextBlock(
                text=t("badges.mine.line", date=t.date(award.issued_at), status=status),
                color=color,
                wrap=True,
            ),
        ]
        if award.revoked_at is None:
            confirm = card(
                [
                    TextInput(
                        id=f"reason.{award.id}",
                        label=t("badges.revoke.reason"),
                        max_length=TEXT_MAX,
                        is_multiline=True,
                    )
                ],
                [
                    ExecuteAction(
                        title=t("badges.action.revoke_confirm"),
                        verb=REVOKE,
                        data={"award": award.id, "class": badge.key},
                        style="destructive",
                    )
                ],
            )
            items.append(ActionSet(actions=[ShowCardAction(title=t("badges.action.revoke"), card=confirm)]))
        body.append(Container(items=items, separator=True))
    if len(awards) > AWARDS_SHOWN:
        body.append(
            TextBlock(
                text=t.plural("badges.class_awards.more", len(awards) - AWARDS_SHOWN),
                wrap=True,
                is_subtle=True,
            )
        )
    return card(body, [ExecuteAction(title=t("badges.action.back"), verb=MANAGE)])


# ---- what the cards send back ---------------------------------------------------------------------


def _id(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value or len(value) > 64:
        raise Invalid("badges.error.bad_data")
    return value


def parse_award_ref(data: Mapping[str, Any]) -> str:
    return _id(data, "award")


def parse_class_ref(data: Mapping[str, Any]) -> str:
    return _id(data, "class")


def optional_class_ref(data: Mapping[str, Any]) -> str | None:
    return None if data.get("class") is None else _id(data, "class")


@dataclass(frozen=True)
class ClassForm:
    name_fi: str
    name_en: str
    description_fi: str
    description_en: str
    criteria_fi: str
    criteria_en: str
    color: str
    emblem: str
    valid_months: int | None


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid("badges.error.bad_data")
    return value


def parse_class_form(data: Mapping[str, Any]) -> ClassForm:
    months_raw = data.get("valid_months")
    months: int | None = None
    if months_raw not in (None, ""):
        try:
            months = int(float(str(months_raw)))
        except ValueError:
            raise Invalid("badges.error.bad_validity") from None
    return ClassForm(
        name_fi=_text(data, "name_fi"),
        name_en=_text(data, "name_en"),
        description_fi=_text(data, "description_fi"),
        description_en=_text(data, "description_en"),
        criteria_fi=_text(data, "criteria_fi"),
        criteria_en=_text(data, "criteria_en"),
        color=_text(data, "color") or COLORS[0],
        emblem=_text(data, "emblem") or EMBLEMS[0],
        valid_months=months,
    )


def parse_people(data: Mapping[str, Any]) -> list[str]:
    """Email addresses separated by commas, semicolons, spaces or lines."""
    text = _text(data, "people")
    for separator in ",;\n\r\t":
        text = text.replace(separator, " ")
    return [part for part in text.split(" ") if part]


def parse_reason(data: Mapping[str, Any], award_id: str) -> str:
    return _text(data, f"reason.{award_id}")
