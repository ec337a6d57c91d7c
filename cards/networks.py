"""Peer network cards: the catalogue list, the coordinator's edit form, the channel welcome, the invitation
to join, and the launch outcome."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from microsoft_teams.cards import (
    Action,
    ActionSet,
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    Container,
    ExecuteAction,
    Fact,
    FactSet,
    TextBlock,
    TextInput,
    ToggleInput,
)

from cards.base import card, heading
from core.errors import Invalid
from core.i18n import Translator
from core.network_admin import NetworkEdit
from core.networks import NAME_MAX, PURPOSE_MAX, Network, NetworkStatus

JOIN = "network.join"
LAUNCH = "network.launch"
EDIT = "network.edit"
SAVE = "network.save"
LIST = "network.list"


def parse_network_ref(data: Mapping[str, Any]) -> str:
    """The network a button names (`network`; cards sent before the rename said `key`, which the Agents
    Playground's renderer cannot pass through from buttons in a card's body); "" with none."""
    return str(data.get("network") or data.get("key") or "")


def parse_join(data: Mapping[str, Any]) -> tuple[str, bool]:
    """`network.join`: the network, and whether the button sat on the channel's welcome card (which is then
    answered with the welcome card again, not replaced)."""
    return parse_network_ref(data), data.get("card") == WELCOME


def parse_launch(data: Mapping[str, Any]) -> tuple[str, str | None]:
    """`network.launch`: the network, and the free channel name offered when a deleted channel holds the
    network's own name (None to use the network's name)."""
    channel = data.get("channel")
    name = channel.strip()[:100] if isinstance(channel, str) and channel.strip() else None
    return parse_network_ref(data), name


def parse_edit(data: Mapping[str, Any]) -> NetworkEdit:
    """`network.save`: the catalogue edit form; `Invalid` for a status that is none of the known ones."""
    raw = data.get("status")
    try:
        status = NetworkStatus(str(raw)) if raw else None
    except ValueError as error:
        raise Invalid("networks.error.bad_status") from error
    texts = {name: str(data.get(name) or "") for name in ("name_fi", "name_en", "purpose_fi", "purpose_en")}
    return NetworkEdit(
        key=parse_network_ref(data),
        **texts,
        status=status,
        candidate=str(data.get("candidate", "")).lower() == "true",
        facilitator=str(data.get("facilitator") or "") if "facilitator" in data else None,
    )


def status_text(t: Translator, status: NetworkStatus) -> str:
    return t(f"networks.status.{status.value}")


WELCOME = "welcome"  # the join button's `card`: answer with the welcome card, not instead of it


def join_action(t: Translator, network: Network, on_card: str = "") -> ExecuteAction:
    data = {"network": network.key, **({"card": on_card} if on_card else {})}
    return ExecuteAction(title=t("networks.action.join"), verb=JOIN, data=data)


def networks_card(
    t: Translator, networks: Sequence[Network], names: Mapping[str, str], *, coordinator: bool, mine: set[str]
) -> AdaptiveCard:
    """Every network with its status, member count and facilitator; join buttons for active networks the
    user is not in; launch and edit buttons for the coordinator. `names` maps Entra ids to display names."""
    body: list[CardElement] = [heading(t("networks.list.title"))]
    if not networks:
        body.append(TextBlock(text=t("networks.list.empty"), wrap=True))
    for network in networks:
        facts = [
            Fact(title=t("networks.field.status"), value=status_text(t, network.status)),
            Fact(title=t("networks.field.members"), value=str(network.members)),
            Fact(
                title=t("networks.field.facilitator"),
                value=names.get(network.facilitator or "", "") or t("networks.facilitator.none"),
            ),
        ]
        items: list[CardElement] = [
            TextBlock(text=network.name(t.locale), weight="Bolder", wrap=True),
            TextBlock(text=_short(network.purpose(t.locale), 300), wrap=True, is_subtle=True),
            FactSet(facts=facts),
        ]
        buttons: list[Action] = []
        if network.status is NetworkStatus.ACTIVE and network.key not in mine:
            buttons.append(join_action(t, network))
        if network.key in mine:
            items.append(TextBlock(text=t("networks.list.member"), color="Good", wrap=True))
        if (
            coordinator
            and network.status is not NetworkStatus.ARCHIVED
            and network.status is not NetworkStatus.ACTIVE
        ):
            buttons.append(
                ExecuteAction(title=t("networks.action.launch"), verb=LAUNCH, data={"network": network.key})
            )
        if coordinator:
            buttons.append(
                ExecuteAction(title=t("networks.action.edit"), verb=EDIT, data={"network": network.key})
            )
        if buttons:
            items.append(ActionSet(actions=buttons))
        body.append(Container(items=items, separator=True, spacing="Medium"))
    actions = [ExecuteAction(title=t("networks.action.new"), verb=EDIT, data={})] if coordinator else None
    return card(body, actions)


def edit_card(t: Translator, network: Network | None, facilitator: str = "") -> AdaptiveCard:
    """The coordinator's form for a new or an existing network; `facilitator` is the current one's email."""
    body: list[CardElement] = [
        heading(
            t("networks.edit.title_new")
            if network is None
            else t("networks.edit.title", name=network.name_fi)
        )
    ]
    if network is None:
        body.append(
            TextInput(
                id="network",  # never "key": the Agents Playground's renderer cannot send it back
                label=t("networks.field.key"),
                is_required=True,
                max_length=40,
                placeholder=t("networks.edit.key_hint"),
                regex="^[a-z0-9][a-z0-9-]{1,39}$",
                error_message=t("networks.edit.key_error"),
            )
        )
    body += [
        TextInput(
            id="name_fi",
            label=t("networks.field.name_fi"),
            is_required=True,
            error_message=t("networks.error.bad_name", max=NAME_MAX),
            max_length=NAME_MAX,
            value=network.name_fi if network else None,
        ),
        TextInput(
            id="name_en",
            label=t("networks.field.name_en"),
            is_required=True,
            error_message=t("networks.error.bad_name", max=NAME_MAX),
            max_length=NAME_MAX,
            value=network.name_en if network else None,
        ),
        TextInput(
            id="purpose_fi",
            label=t("networks.field.purpose_fi"),
            is_multiline=True,
            max_length=PURPOSE_MAX,
            value=network.purpose_fi if network else None,
        ),
        TextInput(
            id="purpose_en",
            label=t("networks.field.purpose_en"),
            is_multiline=True,
            max_length=PURPOSE_MAX,
            value=network.purpose_en if network else None,
        ),
        ChoiceSetInput(
            id="status",
            label=t("networks.field.status"),
            value=(network.status if network else NetworkStatus.REQUESTED).value,
            choices=[Choice(title=status_text(t, s), value=s.value) for s in NetworkStatus],
        ),
        ToggleInput(
            id="candidate",
            title=t("networks.field.candidate"),
            value="true" if network and network.candidate else "false",
        ),
        TextInput(
            id="facilitator",
            label=t("networks.field.facilitator_email"),
            value=facilitator or None,
            style="Email",
            placeholder="etunimi.sukunimi@omnia.fi",
        ),
    ]
    data = {"network": network.key} if network else {}
    return card(body, [ExecuteAction(title=t("networks.action.save"), verb=SAVE, data=data)])


def saved_card(t: Translator, network: Network) -> AdaptiveCard:
    body: list[CardElement] = [
        heading(t("networks.edit.saved", name=network.name(t.locale)), size="Medium", color="Good"),
        FactSet(facts=[Fact(title=t("networks.field.status"), value=status_text(t, network.status))]),
    ]
    return card(body, [ExecuteAction(title=t("networks.action.list"), verb=LIST, data={})])


def welcome_card(
    t: Translator, network: Network, facilitator: str = "", joined: bool | None = None
) -> AdaptiveCard:
    """Posted in the new channel: what the network is for, who facilitates it, a join button. `joined`
    (True: just joined, False: was a member already) is the answer to that button: the same card with a
    confirmation, so the welcome stays readable for the one who pressed it."""
    body: list[CardElement] = [
        heading(t("networks.welcome.title", name=network.name(t.locale))),
        TextBlock(text=network.purpose(t.locale) or t("networks.welcome.no_purpose"), wrap=True),
        TextBlock(text=t("networks.welcome.how"), wrap=True),
    ]
    if facilitator:
        body.append(FactSet(facts=[Fact(title=t("networks.field.facilitator"), value=facilitator)]))
    if joined is not None:
        key = "networks.joined.new" if joined else "networks.joined.already"
        body.append(
            TextBlock(text=t(key, name=network.name(t.locale)), color="Good", weight="Bolder", wrap=True)
        )
    return card(body, [join_action(t, network, WELCOME)])


def invite_card(t: Translator, network: Network) -> AdaptiveCard:
    """Sent to everyone who asked for the network in the survey."""
    body: list[CardElement] = [
        heading(t("networks.invite.title", name=network.name(t.locale))),
        TextBlock(text=t("networks.invite.body"), wrap=True),
        TextBlock(text=_short(network.purpose(t.locale), 500), wrap=True, is_subtle=True),
    ]
    return card(body, [join_action(t, network)])


def joined_card(t: Translator, network: Network, new: bool) -> AdaptiveCard:
    key = "networks.joined.new" if new else "networks.joined.already"
    return card([heading(t(key, name=network.name(t.locale)), size="Medium", color="Good")])


def launched_card(t: Translator, network: Network, invited: int) -> AdaptiveCard:
    body: list[CardElement] = [
        heading(t("networks.launch.done", name=network.name(t.locale)), size="Medium", color="Good"),
        TextBlock(text=t.plural("networks.launch.invited", invited), wrap=True),
    ]
    return card(body, [ExecuteAction(title=t("networks.action.list"), verb=LIST, data={})])


def launch_failed_card(
    t: Translator,
    network_name: str,
    key: str,
    step: str,
    cause: str,
    cause_params: Mapping[str, Any] | None = None,
    *,
    variant: str | None = None,
) -> AdaptiveCard:
    """A launch that stopped: what is done, why it stopped (`cause` filled from `cause_params`), and a
    button that continues from there; with `variant`, a second button that creates the channel under that
    name (a deleted channel holds the network's)."""
    body: list[CardElement] = [
        heading(t("networks.launch.failed_title", name=network_name), size="Medium", color="Attention"),
        TextBlock(text=t(f"networks.launch.step.{step}"), wrap=True),
        TextBlock(text=t(cause, **dict(cause_params or {})), wrap=True, is_subtle=True),
        TextBlock(text=t("networks.launch.retry_hint"), wrap=True),
    ]
    actions = [ExecuteAction(title=t("networks.action.retry"), verb=LAUNCH, data={"network": key})]
    if variant:
        actions.append(
            ExecuteAction(
                title=t("networks.action.launch_renamed"),
                verb=LAUNCH,
                data={"network": key, "channel": variant},
            )
        )
    return card(body, actions)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
