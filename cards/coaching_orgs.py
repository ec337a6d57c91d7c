"""The organisation catalogue card (coordinator): every organisation with its email domains, adding many at
once (one per line) and adding domains to one added in Teams; plus the parsers of what it sends back."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from microsoft_teams.cards import (
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    ColumnDefinition,
    ExecuteAction,
    Table,
    TableCell,
    TableRow,
    TextBlock,
    TextInput,
)

from cards.base import card, heading
from cards.coaching import OVERVIEW
from core.errors import Invalid
from core.i18n import Translator
from core.people import Organization

SHOW, ADD, DOMAINS = "coaching.organizations", "coaching.organizations.add", "coaching.organizations.domains"
LINES_MAX = 20_000


def _cell(text: str, *, bold: bool = False, subtle: bool = False) -> TableCell:
    return TableCell(
        items=[TextBlock(text=text, wrap=True, weight="Bolder" if bold else None, is_subtle=subtle or None)]
    )


def organizations_card(
    t: Translator,
    organizations: Sequence[Organization],
    members: Mapping[str, int],
    from_file: Collection[str],
    *,
    editable: bool,
    notice: str | None = None,
    error: str | None = None,
) -> AdaptiveCard:
    """The catalogue as a table (name, domains, coaches in the pool); the coordinator's forms below it.
    Organisations from the configuration file are marked: they are edited in that file."""
    body: list[CardElement] = [
        heading(t.plural("coaching.orgs.title", len(organizations))),
        TextBlock(text=t("coaching.orgs.intro"), wrap=True),
    ]
    if notice:
        body.append(TextBlock(text=notice, wrap=True, color="Good", weight="Bolder"))
    if error:
        body.append(TextBlock(text=error, wrap=True, color="Attention", weight="Bolder"))
    header = TableRow(
        cells=[
            _cell(t("coaching.orgs.name"), bold=True),
            _cell(t("coaching.orgs.domains"), bold=True),
            _cell(t("coaching.orgs.coaches"), bold=True),
        ]
    )
    rows = [header]
    for org in organizations:
        name = org.short_name if org.short_name == org.name else f"{org.short_name} – {org.name}"
        if org.key in from_file:
            name = t("coaching.orgs.from_file", name=name)
        rows.append(
            TableRow(
                cells=[
                    _cell(name),
                    _cell(", ".join(org.domains) or "–", subtle=not org.domains),
                    _cell(str(members.get(org.key, 0))),
                ]
            )
        )
    body.append(
        Table(
            columns=[ColumnDefinition(width=3), ColumnDefinition(width=2), ColumnDefinition(width=1)],
            rows=rows,
            first_row_as_headers=True,
            show_grid_lines=False,
        )
    )
    actions: list[Any] = []
    if editable:
        body += [
            TextInput(
                id="organizations",
                label=t("coaching.field.new_organizations"),
                placeholder=t("coaching.field.new_organizations_hint"),
                is_multiline=True,
                max_length=LINES_MAX,
                separator=True,
            ),
        ]
        actions.append(ExecuteAction(title=t("coaching.action.add_organizations"), verb=ADD))
        own = [o for o in organizations if o.key not in from_file]
        if own:
            body += [
                ChoiceSetInput(
                    id="organization",
                    label=t("coaching.field.organization_domains"),
                    choices=[Choice(title=o.short_name, value=o.key) for o in own],
                ),
                TextInput(
                    id="domains",
                    label=t("coaching.field.domains"),
                    placeholder=t("coaching.field.domains_hint"),
                    max_length=500,
                ),
            ]
            actions.append(ExecuteAction(title=t("coaching.action.add_domains"), verb=DOMAINS))
    actions.append(ExecuteAction(title=t("coaching.action.overview"), verb=OVERVIEW))
    return card(body, actions, wide=True)  # a three-column table


def parse_new_organizations(data: Mapping[str, Any]) -> str:
    text = data.get("organizations")
    if not isinstance(text, str) or len(text) > LINES_MAX:
        raise Invalid("coaching.error.no_organizations")
    return text


def parse_domains_form(data: Mapping[str, Any]) -> tuple[str, str]:
    key, domains = data.get("organization"), data.get("domains")
    if not isinstance(key, str) or not key or not isinstance(domains, str):
        raise Invalid("coaching.error.no_domains")
    return key, domains
