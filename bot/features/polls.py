"""`kysely` / `poll`: facilitators and the coordinator post polls in network channels; members vote on it.

- `@Vertaisbotti kysely` in a channel answers with the "new poll" form; `kysely Question? | A | B` posts a
  named single-choice poll at once.
- Votes, refreshes and closing arrive as `Action.Execute`. The vote must come from the poll's own channel.
- Channels of at most 60 members get per-user refresh on the card; larger ones get the shared card updated
  (activity PUT through the connector), at most once per `UPDATE_INTERVAL_S` per poll.
- Anonymous ballots are keyed by an HMAC under a server secret kept in `VAR_DIR/poll-secret`, never in the
  database (several instances must share that file).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botbuilder.core import BotAdapter
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity, ActivityTypes
from microsoft_teams.cards import AdaptiveCard

from bot.router import Router
from bot.turn import Turn, card_activity
from cards.polls import (
    CLOSE,
    CREATE,
    REFRESH,
    VOTE,
    PollView,
    new_poll_card,
    parse_new_poll,
    parse_poll_command,
    poll_card,
    poll_posted_card,
)
from core.errors import Invalid, NotAllowed
from core.polls import (
    MAX_REFRESH_AUDIENCE,
    Poll,
    PollDraft,
    PollKind,
    new_poll,
    parse_choices,
    require_open,
    require_poll,
    voter_key,
)

log = logging.getLogger(__name__)

UPDATE_INTERVAL_S = 1.0
CLOSE_WAIT_S = 5.0
SECRET_FILE = "poll-secret"
_SECRET, _UPDATES, _POLLS = "polls.secret", "polls.updates", "polls.cache"


def now() -> datetime:
    return datetime.now(UTC)


def _read_or_create_secret(path: Path) -> bytes:
    """The key in `path`, made first if absent. The file appears whole or not at all (written aside, then
    linked into place), so a process racing the first vote never reads a half-written key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            draft.unlink()
    key = bytes.fromhex(path.read_text().strip())
    if len(key) < 16:
        raise ValueError(f"{path} does not hold a poll key; remove it to make a new one")
    return key


async def server_secret(turn: Turn) -> bytes:
    """The service's own key (POLL_SECRET, else a key file under var/): anonymous ballots, signed contexts."""
    extras = turn.services.extras
    configured = turn.services.settings.poll_secret.get_secret_value()
    if configured:
        return configured.encode()
    async with extras.setdefault(_SECRET + ".lock", asyncio.Lock()):
        if _SECRET not in extras:
            extras[_SECRET] = await asyncio.to_thread(
                _read_or_create_secret, turn.services.settings.var_dir / SECRET_FILE
            )
    return extras[_SECRET]


class SharedCards:
    """Coalesces updates of shared poll cards: the first change is sent at once, later ones at most once per
    `interval` per poll, always showing the newest counts (Teams allows ~7 messages a second a thread)."""

    def __init__(self, interval: float = UPDATE_INTERVAL_S) -> None:
        self.interval = interval
        self._dirty: set[str] = set()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._closing = asyncio.Event()

    def changed(self, poll_id: str, send: Callable[[], Awaitable[None]]) -> None:
        self._dirty.add(poll_id)
        if poll_id not in self._tasks and not self._closing.is_set():
            self._tasks[poll_id] = asyncio.create_task(self._run(poll_id, send))

    async def _run(self, poll_id: str, send: Callable[[], Awaitable[None]]) -> None:
        try:
            while poll_id in self._dirty:
                self._dirty.discard(poll_id)
                try:
                    await send()
                except Exception as error:  # the next change retries; the voter's own card is right already
                    log.warning("could not update the shared card of poll %s: %s", poll_id, error)
                # Wait out the interval, but wake at once to send the last change when the service stops.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), self.interval)
        finally:
            self._tasks.pop(poll_id, None)

    async def aclose(self) -> None:
        """Send the pending changes (waiting at most `CLOSE_WAIT_S`) and stop; runs before the store and the
        HTTP session close."""
        self._closing.set()
        tasks = list(self._tasks.values())
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=CLOSE_WAIT_S)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)


async def close_shared_cards(services: Any) -> None:
    """Shutdown hook (`bot.app`): finish the pending shared card updates."""
    updates = services.extras.get(_UPDATES)
    if isinstance(updates, SharedCards):
        await updates.aclose()


def _updates(turn: Turn) -> SharedCards:
    return turn.services.extras.setdefault(_UPDATES, SharedCards())


def channel_of(turn: Turn) -> str | None:
    """The Teams channel (`19:...`) the activity came from, None outside channels."""
    channel = turn.channel_data.get("channel")
    if isinstance(channel, dict) and isinstance(channel.get("id"), str):
        return channel["id"]
    if turn.conversation_type == "channel" and turn.activity.conversation:
        return turn.activity.conversation.id.split(";", 1)[0]
    return None


async def _network_of(turn: Turn, channel_id: str) -> Any | None:
    """The network whose channel this is (see `core.networks`), if the store knows networks."""
    list_networks = getattr(turn.services.store, "list_networks", None)
    if list_networks is None:
        return None
    return next((n for n in await list_networks() if getattr(n, "channel_id", None) == channel_id), None)


async def _posting_place(turn: Turn) -> tuple[str, Any | None]:
    """(channel, network) when this user may post a poll here: coordinator or network facilitator."""
    channel_id = channel_of(turn)
    if channel_id is None:
        raise Invalid("polls.error.channel_only")
    network = await _network_of(turn, channel_id)
    user = (turn.user_aad_id or "").lower()
    facilitator = (getattr(network, "facilitator", None) or "").lower()
    if not turn.is_coordinator and not (user and user == facilitator):
        raise NotAllowed("polls.error.not_allowed")
    return channel_id, network


async def _audience(turn: Turn) -> list[str]:
    """The team's member ids when there are at most 60 of them (per-user refresh), else empty."""
    team = turn.channel_data.get("team")
    team_id = team.get("id") if isinstance(team, dict) else None
    if not team_id:
        return []
    members: list[str] = []
    token: str | None = None
    try:
        while len(members) <= MAX_REFRESH_AUDIENCE:
            page = await TeamsInfo.get_paged_team_members(turn.context, team_id, token, 100)
            members += [m.id for m in page.members or [] if m.id]
            token = page.continuation_token
            if not token:
                break
    except Exception as error:  # the roster is only an optimisation: fall back to the shared card
        log.warning("team roster unavailable for poll audience: %s", error)
        return []
    return members if len(members) <= MAX_REFRESH_AUDIENCE else []


def _user(turn: Turn) -> str:
    if not turn.user_aad_id:
        raise NotAllowed("polls.error.not_allowed")
    return turn.user_aad_id.lower()


async def _post(turn: Turn, draft: PollDraft) -> Poll:
    channel_id, network = await _posting_place(turn)
    moment = now()
    draft = draft.validated(moment)
    network_key = getattr(network, "key", None)
    if draft.kind == PollKind.THEME and network_key is None:
        raise Invalid("polls.error.theme_needs_network")
    poll = new_poll(
        draft,
        channel_id=channel_id,
        author=_user(turn),
        now=moment,
        network=network_key,
        audience=await _audience(turn),
        lang=turn.t.locale,
    )
    await turn.services.store.create_poll(poll)
    activity_id = await turn.send_card(poll_card(turn.t, PollView(poll, moment)))
    if activity_id and turn.activity.conversation:
        await turn.services.store.set_poll_message(poll.id, turn.activity.conversation.id, activity_id)
    log.info(
        "poll %s posted in %s (%d options, refresh=%s)",
        poll.id,
        channel_id,
        len(poll.options),
        bool(poll.audience),
    )
    return poll


async def poll_command(turn: Turn, argument: str) -> None:
    if argument:
        await _post(turn, parse_poll_command(argument))
        return
    _channel_id, network = await _posting_place(turn)
    await turn.send_card(new_poll_card(turn.t, theme_allowed=network is not None))


async def create(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    poll = await _post(turn, parse_new_poll(data))
    return poll_posted_card(turn.t, poll)


POLL_CACHE_SECONDS = 2.0


async def _poll_for(turn: Turn, data: dict[str, Any]) -> Poll:
    """The poll a card names, if it belongs to this channel. A vote storm reads it from a two-second cache:
    what can change (closing) is checked again inside the vote's own transaction."""
    poll_id = data.get("poll")
    if not isinstance(poll_id, str) or not poll_id:
        return require_poll(None, channel_of(turn))
    cache: dict[str, tuple[Poll, float]] = turn.services.extras.setdefault(_POLLS, {})
    cached = cache.get(poll_id)
    if cached is not None and time.monotonic() - cached[1] < POLL_CACHE_SECONDS:
        return require_poll(cached[0], channel_of(turn))
    poll = await turn.services.store.get_poll(poll_id)
    if poll is not None:
        if len(cache) > 1000:
            cache.clear()
        cache[poll_id] = (poll, time.monotonic())
    return require_poll(poll, channel_of(turn))


def _forget(turn: Turn, poll: Poll) -> None:
    turn.services.extras.get(_POLLS, {}).pop(poll.id, None)


async def _view(turn: Turn, poll: Poll, moment: datetime, notice: str | None = None) -> AdaptiveCard:
    user = _user(turn)
    store = turn.services.store
    mine = await store.ballot_of(poll.id, voter_key(await server_secret(turn), poll, user))
    tally = await store.tally(poll.id) if poll.results_visible_to(user) else None
    return poll_card(turn.t, PollView(poll, moment, tally, user, mine, notice))


def _schedule_shared_update(turn: Turn, poll: Poll) -> None:
    """PUT the shared card with the newest state, through the connector client this turn used."""
    client = turn.context.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
    if client is None or not poll.conversation_id or not poll.activity_id:
        return
    store, catalogs = turn.services.store, turn.services.catalogs
    conversation_id, activity_id = poll.conversation_id, poll.activity_id

    async def send() -> None:
        moment = now()
        fresh = await store.get_poll(poll.id)
        if fresh is None:
            return
        tally = await store.tally(poll.id) if fresh.results_visible_to(None) else None
        activity: Activity = card_activity(
            poll_card(catalogs.for_locale(fresh.lang), PollView(fresh, moment, tally))
        )
        activity.type, activity.id = ActivityTypes.message, activity_id
        await client.conversations.update_activity(conversation_id, activity_id, activity)

    _updates(turn).changed(poll.id, send)


async def _record_end(turn: Turn, poll: Poll, moment: datetime) -> Poll:
    """A poll whose closing time has passed is marked closed (at that time) the first time anyone touches it,
    and its shared card updated, so the channel sees it closed without a timer."""
    if poll.closed_at is not None or poll.ended_at(moment) is None:
        return poll
    closed = await turn.services.store.close_poll(poll.id, moment)
    _forget(turn, closed)
    _schedule_shared_update(turn, closed)
    return closed


async def vote(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    moment = now()
    poll = await _record_end(turn, await _poll_for(turn, data), moment)
    require_open(poll, moment)
    choices = parse_choices(poll, data.get("choice"))
    user = _user(turn)
    tally = await turn.services.store.cast_vote(
        poll.id, voter_key(await server_secret(turn), poll, user), choices, moment
    )
    if not poll.per_user_refresh and poll.results_visible_to(None):
        _schedule_shared_update(turn, poll)
    shown = tally if poll.results_visible_to(user) else None
    return poll_card(turn.t, PollView(poll, moment, shown, user, choices, turn.t("polls.card.voted")))


async def refresh(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    moment = now()
    poll = await _record_end(turn, await _poll_for(turn, data), moment)
    return await _view(turn, poll, moment)


async def close(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    poll = await _poll_for(turn, data)
    if _user(turn) != poll.author and not turn.is_coordinator:
        raise NotAllowed("polls.error.not_author")
    moment = now()
    closed = await turn.services.store.close_poll(poll.id, moment)
    _forget(turn, closed)
    _schedule_shared_update(turn, closed)
    return await _view(turn, closed, moment, turn.t("polls.card.closed_now"))


def register(router: Router) -> None:
    router.command("poll", poll_command)
    router.action(CREATE, create)
    router.action(VOTE, vote)
    router.action(REFRESH, refresh)
    router.action(CLOSE, close)
