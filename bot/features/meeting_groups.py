"""A meeting's small groups (the use cases are `core.meeting_flow`): the facilitator splits the people who
said "I'll attend" into groups of a chosen size, mixing organisations (`core.groups`). Teams bots cannot open
group chats, so each member gets their group's card in personal chat, listing the group's members and
questions; answers come back as card actions. "Collect summary" files the answers as a Markdown document
into the meeting folder (`Tapaamiset/<date> <theme>`) through the Workspace and posts the summary in the
channel through the outbox."""

from __future__ import annotations

import hashlib
import logging
from functools import partial
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.announcements import announcement_card
from bot.outbox import send_later
from bot.proactive import card_message, cards_to_people, to_channel
from bot.router import Router
from bot.turn import Turn
from cards import meetings as cards
from core import meeting_flow
from graph.names import clean_folder_name

log = logging.getLogger(__name__)


async def split_groups(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    size = cards.parse_group_size(data)
    split = await meeting_flow.split(
        turn.services.store,
        cards.parse_meeting_ref(data),
        size,
        turn.user_aad_id,
        is_coordinator=turn.is_coordinator,
    )
    meeting, names = split.meeting, split.names
    for number, members in enumerate(split.groups, start=1):
        await cards_to_people(
            turn,
            members,
            key=f"meeting:{meeting.id}:group:{split.key}",
            broadcast=f"meeting:{meeting.id}:groups",
            build=partial(cards.group_card, meeting=meeting, number=number, members=members, names=names),
        )
    log.info("meeting %s: %d attendees split into %d groups", meeting.id, len(names), len(split.groups))
    return cards.groups_done_card(turn.t, meeting, split.groups, names)


async def answer(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    store = turn.services.store
    meeting = await meeting_flow.meeting(store, cards.parse_meeting_ref(data))
    group, answers = cards.parse_answers(data, meeting)
    view = await meeting_flow.answer(store, meeting, group, answers, turn.user_aad_id)
    sent = turn.t("meetings.group.sent")
    return cards.group_card(turn.t, meeting, group, view.members, view.names, answers, sent)


async def summary(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    t = turn.services.catalogs.for_locale("fi")
    labels = {
        "title": t("meetings.summary.title", theme="").rstrip(": "),
        "group": t("meetings.summary.group"),
        "no_answers": t("meetings.summary.no_answers"),
    }
    store = turn.services.store
    done = await meeting_flow.file_summary(
        store,
        turn.services.workspace,
        await turn.project_team(),
        cards.parse_meeting_ref(data),
        turn.user_aad_id,
        is_coordinator=turn.is_coordinator,
        labels=labels,
        clean=clean_folder_name,
    )
    meeting, markdown = done.meeting, done.markdown
    document = cards.MaterialLink(done.document.name, done.document.web_url)
    activity = {
        "type": "message",
        "attachments": [
            card_message(cards.summary_card(t, meeting, document, done.answered, done.groups))["attachments"][
                0
            ],
            card_message(cards.summary_text_card(t, meeting, markdown))["attachments"][0],
        ],
    }
    digest = hashlib.sha256(markdown.encode()).hexdigest()[:12]
    message = to_channel(
        turn,
        done.network.channel_id or "",
        activity,
        key=f"meeting:{meeting.id}:summary:{digest}",
        broadcast=f"meeting:{meeting.id}:summary",
        recipient=done.network.name_fi,
    )
    await send_later(turn.services, [message])
    view = await meeting_flow.announcement(store, meeting)
    notice = turn.t.plural("meetings.summary.done", done.groups, answered=done.answered)
    return announcement_card(turn.t, view, notice)


def register(router: Router) -> None:
    router.action(cards.GROUPS, split_groups)
    router.action(cards.ANSWER, answer)
    router.action(cards.SUMMARY, summary)
