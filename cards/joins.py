"""Join request cards: the coordinator's approval card, the decision's outcome, the list of open requests
(`pyynnöt`), the inviter's receipt and the welcome a newcomer gets in the bot's chat.

What people wrote (names, addresses, messages) is shown as `TextRun`s of a `RichTextBlock`, which Teams
renders as plain text: a TextBlock would read it as Markdown (links, emphasis), letting a stranger's form
dress up the coordinator's card."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    CardElement,
    Column,
    ColumnSet,
    Container,
    ExecuteAction,
    RichTextBlock,
    TextBlock,
    TextInput,
    TextRun,
)

from cards.base import card, heading
from cards.networks import join_action
from core.errors import Invalid
from core.i18n import Translator
from core.joins import NOTE_MAX, JoinRequest, Source, Status, Step
from core.networks import Network

APPROVE = "join.approve"
DECLINE = "join.decline"
SHOW = "join.show"
LIST = "join.list"
SIGNED = (APPROVE, DECLINE, SHOW)


def parse_decision(data: Mapping[str, Any]) -> tuple[str, str, str]:
    """`join.approve` / `join.decline` / `join.show`: (request id, signature, the coordinator's note)."""
    request_id, signature = data.get("request"), data.get("sig")
    if not isinstance(request_id, str) or not isinstance(signature, str) or not request_id:
        raise Invalid("joins.error.forged")
    note = data.get("note")
    return request_id, signature, note if isinstance(note, str) else ""


def plain_text(text: str, **look: Any) -> RichTextBlock:
    """Text from outside shown as it is (no Markdown)."""
    inlines: list[Any] = [TextRun(text=text, **look)]  # the typed model's union leaves TextRun out
    return RichTextBlock(inlines=inlines)


def _row(label: str, value: str) -> ColumnSet:
    return ColumnSet(
        columns=[
            Column(width="auto", items=[TextBlock(text=label, weight="Bolder", wrap=True)]),
            Column(width="stretch", items=[plain_text(value)]),
        ]
    )


def _details(t: Translator, request: JoinRequest, names: Mapping[str, str]) -> list[CardElement]:
    rows: list[CardElement] = []
    for label, value in (
        ("joins.field.name", request.name),
        ("joins.field.email", request.email),
        ("joins.field.organization", request.organization),
        ("joins.field.invited_by", names.get(request.invited_by or "", "")),
        ("joins.field.networks", ", ".join(names.get(n, n) for n in request.networks)),
    ):
        if value:
            rows.append(_row(t(label), value))
    if request.message:
        rows.append(TextBlock(text=t("joins.field.message"), weight="Bolder", wrap=True))
        rows.append(plain_text(request.message))
    return rows


def _title(t: Translator, request: JoinRequest) -> str:
    return t("joins.card.invite_title" if request.source is Source.INVITE else "joins.card.request_title")


def approval_card(
    t: Translator, request: JoinRequest, names: Mapping[str, str], signatures: Mapping[str, str]
) -> AdaptiveCard:
    """For the coordinator: who asks (or who invites whom), and approve or decline with a message.
    `names` gives the inviter's and the networks' names; `signatures` each verb's (`core.joins`)."""
    body: list[CardElement] = [heading(_title(t, request)), *_details(t, request, names)]
    body.append(
        TextInput(
            id="note",
            label=t("joins.field.note"),
            is_multiline=True,
            max_length=NOTE_MAX,
            placeholder=t("joins.field.note_hint"),
        )
    )
    data = {"request": request.id}
    actions = [
        ExecuteAction(
            title=t("joins.action.approve"), verb=APPROVE, data={**data, "sig": signatures[APPROVE]}
        ),
        ExecuteAction(
            title=t("joins.action.decline"), verb=DECLINE, data={**data, "sig": signatures[DECLINE]}
        ),
    ]
    return card(body, actions)


def outcome_text(t: Translator, request: JoinRequest) -> str:
    """Where a request stands, in one sentence."""
    if request.status is Status.PENDING:
        return t("joins.status.pending")
    if request.status is Status.DECLINED:
        return t("joins.status.declined")
    if request.status is Status.DONE:
        return t("joins.status.guest_added" if request.guest else "joins.status.member_added")
    if request.status is Status.FAILED:
        return t("joins.status.failed", reason=t(request.error or "joins.error.unknown_failure"))
    if request.error:
        return t("joins.status.retrying", reason=t(request.error))
    return t("joins.status.invited" if request.step is Step.GROUP else "joins.status.running")


def decided_card(
    t: Translator, request: JoinRequest, names: Mapping[str, str], *, changed: bool = True
) -> AdaptiveCard:
    """The approval card after the decision: what was decided and what the membership job has done."""
    body: list[CardElement] = [heading(_title(t, request)), *_details(t, request, names)]
    if not changed:
        body.append(TextBlock(text=t("joins.card.decided_before"), wrap=True, color="Attention"))
    body.append(TextBlock(text=outcome_text(t, request), wrap=True, weight="Bolder"))
    if request.note:
        body.append(TextBlock(text=t("joins.field.note"), wrap=True, is_subtle=True))
        body.append(plain_text(request.note))
    return card(body, [ExecuteAction(title=t("joins.action.list"), verb=LIST, data={})])


def requests_card(
    t: Translator,
    requests: Sequence[JoinRequest],
    names: Mapping[str, str],
    signatures: Mapping[str, str],
) -> AdaptiveCard:
    """`pyynnöt`: the open requests, oldest first, each with a button that opens its approval card;
    `signatures` maps a request id to its `join.show` signature."""
    body: list[CardElement] = [heading(t("joins.list.title"))]
    if not requests:
        body.append(TextBlock(text=t("joins.list.none"), wrap=True))
    for request in requests:
        items: list[CardElement] = [
            plain_text(f"{request.name or request.email} ({request.email})", weight="Bolder")
            if request.name
            else plain_text(request.email, weight="Bolder"),
            TextBlock(
                text=f"{_title(t, request)} · {t.date(request.created_at)}" if request.created_at else "",
                wrap=True,
                is_subtle=True,
            ),
            TextBlock(text=outcome_text(t, request), wrap=True),
        ]
        if request.status is Status.PENDING:
            items.append(
                ColumnSet(
                    columns=[
                        Column(
                            width="auto",
                            items=[
                                _button(t("joins.action.open"), request.id, signatures.get(request.id, ""))
                            ],
                        )
                    ]
                )
            )
        body.append(Container(items=items, separator=True, spacing="Medium"))
    return card(body)


def _button(title: str, request_id: str, signature: str) -> CardElement:
    return ActionSet(
        actions=[ExecuteAction(title=title, verb=SHOW, data={"request": request_id, "sig": signature})]
    )


def invited_card(t: Translator, request: JoinRequest, network: str | None) -> AdaptiveCard:
    """The inviter's receipt: the invitation waits for the coordinator."""
    body: list[CardElement] = [heading(t("joins.invited.title"), size="Medium")]
    body.append(plain_text(request.email, weight="Bolder"))
    if network:
        body.append(TextBlock(text=t("joins.invited.network", network=network), wrap=True))
    body.append(TextBlock(text=t("joins.invited.body"), wrap=True))
    return card(body)


def welcome_card(t: Translator, request: JoinRequest, networks: Sequence[Network]) -> AdaptiveCard:
    """In the newcomer's chat when they first appear in the team: welcome, the coordinator's note, and the
    networks they asked for, to join with one click."""
    body: list[CardElement] = [
        heading(t("joins.welcome.title")),
        TextBlock(text=t("joins.welcome.body"), wrap=True),
    ]
    if request.note:
        body.append(plain_text(request.note, italic=True))
    if networks:
        body.append(TextBlock(text=t("joins.welcome.networks"), wrap=True, weight="Bolder"))
    for network in networks:
        body.append(TextBlock(text=network.name(t.locale), wrap=True))
        body.append(ActionSet(actions=[join_action(t, network)]))
    body.append(TextBlock(text=t("joins.welcome.help"), wrap=True, is_subtle=True))
    return card(body)
