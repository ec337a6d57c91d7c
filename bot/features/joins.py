"""`kutsu` / `invite <email> [network]` from a member, `pyynnöt` / `requests` (and `kutsu` alone) for the
coordinator's open requests, and the coordinator's approve / decline on the approval card. Approving starts
the membership job at once; what Graph does not finish now, the join scheduler retries
(`bot/schedules/joins.py`)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.commands import PUNCTUATION
from bot.join_messages import ACTIONS, JoinMessages, names_for, signatures
from bot.router import Router, command_text
from bot.turn import Turn
from cards import joins as cards
from core import join_flow
from core.errors import NotAllowed
from core.joins import Status

log = logging.getLogger(__name__)

# the words of the command that ask for the list rather than invite (`bot/commands.py`)
LIST_WORDS = frozenset({"pyynnöt", "pyynnot", "liittymispyynnöt", "requests"})


async def _requests_card(turn: Turn) -> AdaptiveCard:
    requests = await join_flow.pending(turn.services.store, is_coordinator=turn.is_coordinator)
    names: dict[str, str] = {}
    for request in requests:
        names |= await names_for(turn.services, request)
    shows = {r.id: signatures(turn.services, r.id)[cards.SHOW] for r in requests}
    return cards.requests_card(turn.t, requests, names, shows)


async def invite_command(turn: Turn, argument: str) -> None:
    if not argument.strip():
        word = command_text(turn.activity.text).partition(" ")[0].casefold().rstrip(PUNCTUATION)
        if turn.is_coordinator:
            await turn.send_card(await _requests_card(turn))
        elif word in LIST_WORDS:
            raise NotAllowed("joins.error.coordinator_only")
        else:
            await turn.send_text("joins.error.invite_usage")
        return
    request = await join_flow.invite(
        turn.services.store,
        JoinMessages(turn.services),
        inviter=turn.user_aad_id,
        text=argument,
        locale=turn.t.locale,
        now=datetime.now(UTC),
    )
    names = await names_for(turn.services, request)
    network = names.get(request.networks[0]) if request.networks else None
    await turn.send_card(cards.invited_card(turn.t, request, network))


async def _decide(turn: Turn, data: dict[str, Any], *, approve: bool) -> AdaptiveCard:
    request_id, signature, note = cards.parse_decision(data)
    services = turn.services
    messages = JoinMessages(services)
    decision = await join_flow.decide(
        services.store,
        services.key.derive(ACTIONS),
        request_id=request_id,
        verb=cards.APPROVE if approve else cards.DECLINE,
        signature=signature,
        approve=approve,
        note=note,
        actor=turn.user_aad_id or "",
        is_coordinator=turn.is_coordinator,
        now=datetime.now(UTC),
    )
    request = decision.request
    if decision.changed and request.status is Status.APPROVED:
        team = await turn.project_team()
        request = await join_flow.advance(
            services.store,
            services.workspace,
            messages,
            request,
            team_id=team.team_id if team else None,
            redirect_url=services.settings.public_base_url,
            now=datetime.now(UTC),
        )
    elif decision.changed:
        await join_flow.tell_declined(services.store, messages, request)
    return cards.decided_card(turn.t, request, await names_for(services, request), changed=decision.changed)


async def approve(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    return await _decide(turn, data, approve=True)


async def decline(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    return await _decide(turn, data, approve=False)


async def show(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    request_id, signature, _ = cards.parse_decision(data)
    request = await join_flow.view(
        turn.services.store,
        turn.services.key.derive(ACTIONS),
        request_id=request_id,
        signature=signature,
        verb=cards.SHOW,
        is_coordinator=turn.is_coordinator,
    )
    names = await names_for(turn.services, request)
    if request.status is Status.PENDING:
        return cards.approval_card(turn.t, request, names, signatures(turn.services, request.id))
    return cards.decided_card(turn.t, request, names)


async def list_action(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    return await _requests_card(turn)


def register(router: Router) -> None:
    router.command("invite", invite_command)
    router.action(cards.APPROVE, approve)
    router.action(cards.DECLINE, decline)
    router.action(cards.SHOW, show)
    router.action(cards.LIST, list_action)
