"""The proactive messages of peer coaching, as outbox rows: each person's introduction, the follow-up
check-ins and their reminder (each in the person's own language, in their personal chat), and the
introduction the bot posts in a group chat it created. Implements `core.coaching_rounds.Introductions` and
`FollowUps`; used by the rounds feature (confirming) and by the coaching scheduler."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.i18n import Translator
from bot.services import Services
from cards import coaching as cards
from cards.base import to_json
from core.coaching_rounds import Round, RoundGroup
from core.coaching_views import Member, members_of
from core.outbox import OutgoingMessage, Target

CARD_CONTENT = "application/vnd.microsoft.card.adaptive"


def message(value: AdaptiveCard, summary: str) -> dict[str, Any]:
    """A card message whose notification says what it is (`summary`), not just "sent a card"."""
    return {
        "type": "message",
        "summary": summary,
        "attachments": [{"contentType": CARD_CONTENT, "content": to_json(value)}],
    }


class CoachingMessages:
    def __init__(self, services: Services) -> None:
        self._services = services

    def _t(self, member: Member | None) -> Translator:
        return self._services.catalogs.for_locale(member.locale if member else None)

    def _person(self, due: Round, person: str) -> Target:
        reach = due.reach
        return Target(
            "person", reach.service_url, user_id=person, tenant_id=reach.tenant_id, bot_id=reach.bot_id
        )

    async def personal(self, confirmed: Round) -> Sequence[OutgoingMessage]:
        """Everyone's introduction to their partners."""
        people = await members_of(self._services.store, [m for g in confirmed.groups for m in g.members])
        themes = self._services.coaching.themes
        messages = []
        for group in confirmed.groups:
            for me in group.members:
                t = self._t(people.get(me))
                value = cards.introduction_card(t, me, group, people, themes, confirmed)
                messages.append(
                    OutgoingMessage(
                        key=f"coaching:{confirmed.id}:intro:{me}",
                        broadcast=f"coaching:{confirmed.id}:intro",
                        recipient=me,
                        target=self._person(confirmed, me),
                        activity=message(value, t("coaching.intro.summary")),
                    )
                )
        return messages

    async def checkins(
        self, due: Round, people: Sequence[str], *, reminder: bool
    ) -> Sequence[OutgoingMessage]:
        """The check-in card (or its reminder) for `people` of the round."""
        wanted = set(people)
        everyone = await members_of(self._services.store, [m for g in due.groups for m in g.members])
        kind = "reminder" if reminder else "checkin"
        messages = []
        for group in due.groups:
            for me in group.members:
                if me not in wanted:
                    continue
                t = self._t(everyone.get(me))
                partners = [everyone[m] for m in group.members if m != me]
                value = cards.checkin_card(t, due, group, partners, reminder=reminder)
                messages.append(
                    OutgoingMessage(
                        key=f"coaching:{due.id}:{kind}:{me}",
                        broadcast=f"coaching:{due.id}:{kind}",
                        recipient=me,
                        target=self._person(due, me),
                        activity=message(value, t(f"coaching.{kind}.summary")),
                    )
                )
        return messages

    async def in_chat(self, due: Round, group: RoundGroup, chat_id: str) -> Sequence[OutgoingMessage]:
        """The introduction posted in the group's own chat (English only when everyone uses English)."""
        people = await members_of(self._services.store, group.members)
        english = all((people[m].locale or "").lower().startswith("en") for m in group.members)
        t = self._services.catalogs.for_locale("en" if english else "fi")
        value = cards.chat_introduction_card(t, group, people, self._services.coaching.themes)
        reach = due.reach
        return [
            OutgoingMessage(
                key=f"coaching:{due.id}:chat:{group.number}",
                broadcast=f"coaching:{due.id}:chat",
                recipient=chat_id,
                target=Target(
                    "conversation",
                    reach.service_url,
                    conversation_id=chat_id,
                    tenant_id=reach.tenant_id,
                    bot_id=reach.bot_id,
                ),
                activity=message(value, t("coaching.chat.summary")),
            )
        ]

    def topic(self, group: RoundGroup, people: dict[str, Member]) -> str:
        t = self._services.catalogs.for_locale("fi")
        return cards.chat_topic(t, [people.get(m) or Member(m, m) for m in group.members])
