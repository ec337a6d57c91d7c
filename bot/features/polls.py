"""`kysely` / `poll`: facilitators and the coordinator post polls in network channels; members vote on it.

- `@Vertaisbotti kysely` in a channel answers with the "new poll" form; `kysely Question? | A | B` posts a
  named single-choice poll at once.
- Votes, refreshes and closing arrive as `Action.Execute` (`cards.polls` parses them); the rules and the
  counting are `core.polls`. Channels of at most 60 members get per-user refresh on the card; larger ones
  get the shared card updated (activity PUT, coalesced by `bot.shared_cards`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot import private
from bot.router import Router
from bot.teams import team_member_ids, update_card
from bot.turn import Turn
from cards import polls as cards
from cards.poll_voters import voters_card
from core import nonces, polls
from core.polls import MAX_REFRESH_AUDIENCE, Poll, PollDraft, PollState, Posted

log = logging.getLogger(__name__)

NONCE_PURPOSE = "poll"


def now() -> datetime:
    return datetime.now(UTC)


def _card(turn: Turn, state: PollState, notice: str | None = None) -> AdaptiveCard:
    return cards.poll_card(turn.t, cards.PollView.of(state, notice, is_coordinator=turn.is_coordinator))


class TeamsPollChannel:
    """`core.polls.PollChannel` for the channel this turn came from."""

    def __init__(self, turn: Turn) -> None:
        self._turn = turn

    async def members(self) -> Sequence[str]:
        return await team_member_ids(self._turn.context, self._turn.team.get("id"), MAX_REFRESH_AUDIENCE)

    async def publish(self, poll: Poll) -> tuple[str, str] | None:
        turn = self._turn
        activity_id = await turn.send_card(_card(turn, PollState(poll, poll.created_at)))
        conversation = turn.activity.conversation
        return (conversation.id, activity_id) if activity_id and conversation else None

    def changed(self, poll: Poll) -> None:
        """PUT the shared card with the newest state, through the connector client this turn used."""
        client = self._turn.connector_client
        if client is None or not poll.conversation_id or not poll.activity_id:
            return
        services = self._turn.services
        conversation_id, activity_id = poll.conversation_id, poll.activity_id

        async def send() -> None:
            state = await polls.shared_view(services.store, poll.id, now())
            if state is not None:
                t = services.catalogs.for_locale(state.poll.lang)
                value = cards.poll_card(t, cards.PollView.of(state))
                await update_card(client, conversation_id, activity_id, value)

        services.shared_cards.changed(poll.id, send)


async def _post(turn: Turn, draft: PollDraft, poll_id: str | None = None) -> Posted:
    posted = await polls.post(
        turn.services.store,
        TeamsPollChannel(turn),
        draft,
        channel_id=turn.channel_id,
        user=turn.user_aad_id,
        is_coordinator=turn.is_coordinator,
        now=now(),
        lang=turn.t.locale,
        poll_id=poll_id,
        service_url=turn.activity.service_url,
    )
    poll = posted.poll
    if not posted.new:
        log.info("poll %s: its form was submitted again; nothing posted", poll.id)
        return posted
    log.info(
        "poll %s posted in %s (%d options, refresh=%s)",
        poll.id,
        poll.channel_id,
        len(poll.options),
        bool(poll.audience),
    )
    return posted


async def poll_command(turn: Turn, argument: str) -> None:
    if argument:
        await _post(turn, cards.parse_poll_command(argument))
        return
    network = await polls.posting_place(
        turn.services.store, turn.channel_id, turn.user_aad_id, turn.is_coordinator
    )
    nonce = nonces.issue(turn.services.key, NONCE_PURPOSE)
    await turn.send_card(cards.new_poll_card(turn.t, theme_allowed=network is not None, nonce=nonce))


async def create(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    poll_id = nonces.id_of(turn.services.key, NONCE_PURPOSE, data.get("nonce"))
    posted = await _post(turn, cards.parse_new_poll(data), poll_id)
    return cards.poll_posted_card(turn.t, posted.poll, again=not posted.new)


async def vote(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    ballot = cards.parse_vote(data)
    services = turn.services
    state = await polls.vote(
        services.store,
        services.key,
        TeamsPollChannel(turn),
        poll_id=ballot.poll,
        channel_id=turn.channel_id,
        user=turn.user_aad_id,
        choice=ballot.choice,
        now=now(),
        recent=services.recent_polls,
    )
    return _card(turn, state, turn.t("polls.card.voted"))


async def refresh(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    services = turn.services
    state = await polls.view(
        services.store,
        services.key,
        TeamsPollChannel(turn),
        poll_id=cards.parse_poll_ref(data),
        channel_id=turn.channel_id,
        user=turn.user_aad_id,
        now=now(),
        recent=services.recent_polls,
    )
    return _card(turn, state)


async def close(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    services = turn.services
    state = await polls.close(
        services.store,
        services.key,
        TeamsPollChannel(turn),
        poll_id=cards.parse_poll_ref(data),
        channel_id=turn.channel_id,
        user=turn.user_aad_id,
        is_coordinator=turn.is_coordinator,
        now=now(),
        recent=services.recent_polls,
    )
    return _card(turn, state, turn.t("polls.card.closed_now"))


async def voters(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    """Who answered what, into the asker's personal chat (never into the channel); their card says so."""
    services = turn.services
    listing = await polls.who_voted(
        services.store,
        services.key,
        poll_id=cards.parse_poll_ref(data),
        channel_id=turn.channel_id,
        user=turn.user_aad_id,
        is_coordinator=turn.is_coordinator,
        now=now(),
    )
    await private.to_personal_chat(turn, voters_card(turn.t, listing), topic="polls")
    log.info(
        "poll %s: who answered what sent to its asker (%d ballots)",
        listing.state.poll.id,
        len(listing.ballots),
    )
    return _card(turn, listing.state, turn.t("polls.voters.sent"))


def register(router: Router) -> None:
    router.command("poll", poll_command)
    router.action(cards.CREATE, create)
    router.action(cards.VOTE, vote)
    router.action(cards.REFRESH, refresh)
    router.action(cards.CLOSE, close)
    router.action(cards.VOTERS, voters)
