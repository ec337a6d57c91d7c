"""What join requests send, outside any turn (the public page has none): the approval card to each
coordinator's personal chat and, when a job ends later, the outcome to the coordinator who decided (both
through the outbox); the requester's email when the bot has a mailbox (`MAIL_SENDER`, Graph sendMail).
Implements `core.join_flow.Approvals` and `Notices`."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.outbox import send_later
from bot.proactive import card_message
from bot.services import Services
from cards import joins as cards
from core.joins import JoinRequest, Status, action_signature
from core.networks import Network
from core.outbox import OutgoingMessage, Target
from core.people import display_names
from core.teams import project_team

log = logging.getLogger(__name__)

ACTIONS = b"join-actions"


def signatures(services: Services, request_id: str) -> dict[str, str]:
    secret = services.key.derive(ACTIONS)
    return {verb: action_signature(secret, request_id, verb) for verb in cards.SIGNED}


async def names_for(services: Services, request: JoinRequest) -> dict[str, str]:
    """The inviter's display name and the requested networks' names (Finnish), for the cards."""
    names: dict[str, str] = {}
    if request.invited_by:
        names |= await display_names(services.store, [request.invited_by])
    for network in await services.store.list_networks():
        if network.key in request.networks:
            names[network.key] = network.name_fi
    return names


class JoinMessages:
    def __init__(self, services: Services) -> None:
        self._services = services

    async def _target(self, person: str) -> Target | None:
        """The person's chat with the bot: the one known, else a new one in the project team's Teams."""
        services = self._services
        known = await services.store.personal_conversation(person)
        if known is not None:
            return Target(
                "person", known.service_url, user_id=person, tenant_id=known.tenant_id, bot_id=known.bot_id
            )
        team = await project_team(services.store, seen=None, configured=services.settings.team_id)
        if team is None:
            return None
        return Target("person", team.service_url, user_id=person, tenant_id=team.tenant_id)

    async def _send(self, people: Sequence[str], request: JoinRequest, kind: str) -> int:
        services = self._services
        names = await names_for(services, request)
        messages = []
        signed = signatures(services, request.id) if kind == "ask" else {}
        for person in people:
            target = await self._target(person)
            if target is None:
                log.warning("join request %s: no Teams to reach coordinator %s in", request.id, person)
                continue
            known = await services.store.get_person(person)
            t = services.catalogs.for_locale(known.locale if known else None)
            if kind == "ask":
                value = cards.approval_card(t, request, names, signed)
            else:
                value = cards.decided_card(t, request, names)
            activity = card_message(value) | {"summary": t(f"joins.summary.{kind}")}
            messages.append(
                OutgoingMessage(
                    key=f"join:{request.id}:{kind}:{person}",
                    broadcast=f"join:{request.id}:{kind}",
                    recipient=person,
                    target=target,
                    activity=activity,
                )
            )
        return await send_later(services, messages) if messages else 0

    async def ask(self, request: JoinRequest) -> int:
        return await self._send(sorted(self._services.settings.coordinators), request, "ask")

    async def finished(self, request: JoinRequest) -> None:
        if request.decided_by:
            await self._send([request.decided_by], request, "outcome")

    async def welcome(self, request: JoinRequest, networks: Sequence[Network]) -> int:
        """The newcomer's welcome in their chat with the bot, with the networks they asked for."""
        services = self._services
        person = request.user_id or ""
        target = await self._target(person)
        if target is None:
            return 0
        t = services.catalogs.for_locale(request.locale)
        activity = card_message(cards.welcome_card(t, request, networks)) | {
            "summary": t("joins.summary.welcome")
        }
        message = OutgoingMessage(
            key=f"join:{request.id}:welcome",
            broadcast=f"join:{request.id}:welcome",
            recipient=person,
            target=target,
            activity=activity,
        )
        return await send_later(services, [message])

    async def tell(self, request: JoinRequest) -> bool:
        """The outcome by email from the bot's mailbox; False without one (the chat welcome tells them)."""
        services = self._services
        sender = services.settings.mail_sender
        if not sender:
            return False
        t = services.catalogs.for_locale(request.locale)
        approved = request.status is not Status.DECLINED
        subject = t("joins.mail.subject")
        lines = [t("joins.mail.approved" if approved else "joins.mail.declined")]
        if approved and request.guest:
            lines.append(t("joins.mail.guest"))
        if request.note:
            lines += ["", t("joins.mail.note"), request.note]
        await services.workspace.send_mail(sender, request.email, subject, "\n".join(lines))
        return True
