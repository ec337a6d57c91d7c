"""The card that shows a person what the bot keeps about them."""

from __future__ import annotations

from microsoft_teams.cards import AdaptiveCard, ExecuteAction, Fact, FactSet, TextBlock

from cards.base import card, heading
from core.i18n import Translator
from core.mydata import Erasure, MyData

EXPORT = "mydata.export"
ERASE = "mydata.erase"  # asks for confirmation
ERASE_CONFIRM = "mydata.erase.confirm"
ERASE_CANCEL = "mydata.erase.cancel"


def mydata_card(t: Translator, data: MyData) -> AdaptiveCard:
    dash = "–"
    person = data.person
    facts = [
        Fact(title=t("mydata.name"), value=(person.name if person else None) or dash),
        Fact(title=t("mydata.email"), value=(person.email or person.upn if person else None) or dash),
        Fact(title=t("mydata.organization"), value=data.organization.name if data.organization else dash),
        Fact(title=t("mydata.locale"), value=_language(t, person.locale if person else None) or dash),
        Fact(
            title=t("mydata.first_seen"),
            value=t.datetime(person.first_seen) if person and person.first_seen else dash,
        ),
        Fact(
            title=t("mydata.last_seen"),
            value=t.datetime(person.last_seen) if person and person.last_seen else dash,
        ),
        Fact(title=t("mydata.networks"), value=", ".join(n.name(t.locale) for n in data.member_of) or dash),
        Fact(
            title=t("mydata.facilitates"), value=", ".join(n.name(t.locale) for n in data.facilitates) or dash
        ),
    ]
    answer = data.survey_answer
    survey = (
        t("mydata.survey_answered", when=t.datetime(answer.answered_at))
        if answer and answer.answered_at
        else dash
    )
    facts.append(Fact(title=t("mydata.survey"), value=survey))
    return card(
        [
            heading(t("mydata.title")),
            TextBlock(text=t("mydata.intro"), wrap=True),
            FactSet(facts=facts),
            TextBlock(text=t("mydata.footer"), wrap=True, is_subtle=True, size="Small"),
        ],
        [
            ExecuteAction(title=t("mydata.action.export"), verb=EXPORT),
            ExecuteAction(title=t("mydata.action.erase"), verb=ERASE, style="destructive"),
        ],
    )


def confirm_erase_card(t: Translator) -> AdaptiveCard:
    """Are you sure: what goes, what stays, and that it cannot be undone."""
    return card(
        [
            heading(t("mydata.erase.title")),
            TextBlock(text=t("mydata.erase.what_goes"), wrap=True),
            TextBlock(text=t("mydata.erase.what_stays"), wrap=True),
            TextBlock(text=t("mydata.erase.final"), wrap=True, weight="Bolder"),
        ],
        [
            ExecuteAction(
                title=t("mydata.action.erase_confirm"),
                verb=ERASE_CONFIRM,
                style="destructive",
                data={"confirm": "yes"},
            ),
            ExecuteAction(title=t("mydata.action.erase_cancel"), verb=ERASE_CANCEL),
        ],
    )


def erased_card(t: Translator, erasure: Erasure) -> AdaptiveCard:
    body = [
        heading(t("mydata.erased.title")),
        TextBlock(text=t.plural("mydata.erased.done", erasure.total), wrap=True),
        TextBlock(text=t("mydata.erased.stays"), wrap=True),
    ]
    if erasure.files_kept:
        body.append(TextBlock(text=t.plural("mydata.erased.files", erasure.files_kept), wrap=True))
    body.append(TextBlock(text=t("mydata.erased.again"), wrap=True, is_subtle=True, size="Small"))
    return card(body)


def _language(t: Translator, locale: str | None) -> str | None:
    """A Teams locale as the name of the language the bot answers in ("fi-FI" -> "suomi")."""
    if not locale:
        return None
    return t("mydata.language.en") if locale.lower().startswith("en") else t("mydata.language.fi")
