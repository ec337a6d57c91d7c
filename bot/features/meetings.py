"""`tapaamiset` / `meetings`: themed meetings of a peer network (the use cases are `core.meeting_flow`).

- In a network channel, its facilitator (or a coordinator) gets the plan form: theme (the theme vote's
  winners or a new one), date and time (Europe/Helsinki), 1-3 presenters from the network, a description.
  Anyone else, and anyone in a personal chat, gets the list of meetings.
- Planning posts the announcement card into the network channel (its activity is kept and updated when
  the plan or the attendee count changes, `bot.announcements`) and sends each presenter the shared
  planning card through the outbox. A presenter's save names the plan version it was based on; a stale
  save shows the newer plan.
- Small groups and their summary: `bot/features/meeting_groups.py`. Reminders the day before are sent by
  the scheduler in `bot/schedules/reminders.py`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.announcements import announcement_card, post_announcement, refresh_announcement
from bot.proactive import cards_to_people
from bot.router import Router
from bot.turn import Turn
from cards import meetings as cards
from core import meeting_flow, nonces
from core.errors import Invalid
from core.meeting_flow import Listing, PlanForm
from core.meetings import Meeting, Reach
from core.networks import Network

log = logging.getLogger(__name__)

NONCE_PURPOSE = "meeting"


def now() -> datetime:
    return datetime.now(UTC)


class TeamsMeetingPost:
    """`core.meeting_flow.MeetingPost`: the announcement as a channel post, planning cards through the
    outbox into each presenter's personal chat."""

    def __init__(self, turn: Turn) -> None:
        self._turn = turn

    async def announce(
        self, meeting: Meeting, network: Network, names: dict[str, str]
    ) -> tuple[str, str] | None:
        return await post_announcement(self._turn, meeting, network, names)

    async def to_presenters(self, meeting: Meeting, network: Network, names: dict[str, str]) -> None:
        key = f"meeting:{meeting.id}:planning"
        await cards_to_people(
            self._turn,
            meeting.presenters,
            key=key,
            broadcast=key,
            build=lambda t: cards.planning_card(t, meeting, network.name(t.locale), names),
        )


def _plan_form(turn: Turn, form: PlanForm, nonce: str, error: str | None = None) -> AdaptiveCard:
    name = form.network.name(turn.t.locale)
    members, themes = form.members, form.themes
    return cards.plan_form_card(turn.t, form.network.key, name, members, themes, error, nonce=nonce)


def _list(turn: Turn, listing: Listing) -> AdaptiveCard:
    locale = turn.t.locale
    rows = [(m, n.name(locale) if n else m.network_key) for m, n in listing.meetings]
    title = (
        turn.t("meetings.list.title", network=listing.network.name(locale))
        if listing.network
        else turn.t("meetings.list.title_all")
    )
    return cards.meetings_list_card(turn.t, rows, listing.names, title=title)


async def meetings_command(turn: Turn, _argument: str) -> None:
    store = turn.services.store
    here = await meeting_flow.here(
        store, turn.channel_id, turn.user_aad_id, is_coordinator=turn.is_coordinator
    )
    if here.form is not None:
        await turn.send_card(_plan_form(turn, here.form, nonces.issue(turn.services.key, NONCE_PURPOSE)))
    elif here.listing is not None:
        await turn.send_card(_list(turn, here.listing))


async def _reach(turn: Turn) -> Reach:
    team = await turn.project_team()
    return Reach(
        service_url=(team.service_url if team else None) or turn.activity.service_url or "",
        tenant_id=turn.tenant_id,
        bot_id=turn.bot_id,
    )


async def plan(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    key = cards.parse_network_ref(data)
    store, user, coordinator = turn.services.store, turn.user_aad_id, turn.is_coordinator
    nonce = data.get("nonce")
    meeting_id = nonces.id_of(turn.services.key, NONCE_PURPOSE, nonce)
    try:
        planned = await meeting_flow.plan(
            store,
            TeamsMeetingPost(turn),
            key,
            lambda network: cards.parse_plan_form(data, network),
            user=user,
            is_coordinator=coordinator,
            now=now(),
            reach=await _reach(turn),
            meeting_id=meeting_id,
        )
    except Invalid as error:
        form = await meeting_flow.plan_form(store, key, user, is_coordinator=coordinator)
        again = nonce if isinstance(nonce, str) else nonces.issue(turn.services.key, NONCE_PURPOSE)
        return _plan_form(turn, form, again, turn.t(error.key, **error.params))
    meeting = planned.meeting
    if planned.new:
        log.info("meeting %s planned in %s (%d presenters)", meeting.id, key, len(meeting.presenters))
    else:
        log.info("meeting %s: its form was submitted again; nothing planned", meeting.id)
    failed = planned.new and not planned.announced
    notice = turn.t("meetings.form.announce_failed") if failed else None
    return cards.planned_card(turn.t, meeting, planned.names, notice, again=not planned.new)


def _planning(turn: Turn, view: meeting_flow.Planning, notice: str | None = None) -> AdaptiveCard:
    name = view.network.name(turn.t.locale)
    return cards.planning_card(turn.t, view.meeting, name, view.names, notice)


async def save_plan(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    view = await meeting_flow.save_plan(
        turn.services.store,
        cards.parse_meeting_ref(data),
        lambda meeting: cards.parse_plan(data, meeting),
        turn.user_aad_id,
        is_coordinator=turn.is_coordinator,
    )
    if not view.saved:
        return _planning(turn, view, turn.t("meetings.planning.changed"))
    await refresh_announcement(turn.services, turn.connector_client, view.meeting.id)
    return _planning(turn, view, turn.t("meetings.planning.saved"))


async def refresh_plan(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    view = await meeting_flow.planning(
        turn.services.store,
        cards.parse_meeting_ref(data),
        turn.user_aad_id,
        is_coordinator=turn.is_coordinator,
    )
    return _planning(turn, view)


async def attend(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    store = turn.services.store
    done = await meeting_flow.attend(store, cards.parse_meeting_ref(data), turn.user_aad_id, now())
    if done.new:
        await refresh_announcement(turn.services, turn.connector_client, done.announcement.meeting.id)
    key = "meetings.announce.you_attend" if done.new else "meetings.announce.already"
    return announcement_card(turn.t, done.announcement, turn.t.plural(key, done.count))


def register(router: Router) -> None:
    router.command("meetings", meetings_command)
    router.action(cards.PLAN, plan)
    router.action(cards.SAVE, save_plan)
    router.action(cards.REFRESH, refresh_plan)
    router.action(cards.ATTEND, attend)
