"""Coaching rounds for coordinators and coaching leads: the new-round form, the proposal shown before anything
is sent, confirming (everyone's introduction through the outbox, once), cancelling; the coordinator's coaching
leads; and the CSV of pairs and groups, sent to the coordinator alone through Teams' file consent (it names
people, so it never goes into a channel's files)."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from botbuilder.core import MessageFactory
from botbuilder.schema import Attachment
from microsoft_teams.cards import AdaptiveCard

from bot.coaching_messages import CoachingMessages
from bot.files import put_to_upload_url
from bot.router import Router
from bot.turn import Turn
from cards import coaching_rounds as cards
from core import coaching, coaching_report, coaching_rounds, coaching_views
from core.coaching import Actor
from core.coaching_rounds import Round
from core.errors import Conflict, DomainError, Invalid, NotAllowed
from core.meetings import HELSINKI, Reach

log = logging.getLogger(__name__)

FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
CSV_KIND = "coaching.csv"
OFFER_SECONDS = 3600
_PURPOSE = b"vertaisbotti coaching.csv v1"


async def _who(turn: Turn) -> Actor:
    return await coaching.actor(turn.services.store, turn.user_aad_id, coordinator=turn.is_coordinator)


def _personal_only(turn: Turn) -> None:
    if turn.conversation_type != "personal":
        raise NotAllowed("coaching.error.personal_only")


async def proposal_card(turn: Turn, shown: Round, notice: str | None = None) -> AdaptiveCard:
    store = turn.services.store
    visible = [m for g in shown.groups[: cards.GROUPS_SHOWN] for m in g.members]
    visible += [p for p, _ in shown.unmatched[: cards.UNMATCHED_SHOWN]]
    people = await coaching_views.members_of(store, visible)
    stats = await coaching_rounds.stats_of(store, shown)
    return cards.proposal_card(turn.t, shown, people, turn.services.coaching.themes, stats, notice=notice)


async def new_round(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    (await _who(turn)).require_rounds()
    return cards.round_form_card(turn.t, turn.services.coaching.themes)


async def propose(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    spec = cards.parse_round_form(data)
    now = datetime.now(UTC)
    proposal = await coaching_rounds.propose_round(
        turn.services.store,
        await _who(turn),
        spec,
        turn.services.coaching.themes,
        round_id=uuid.uuid4().hex,
        now=now,
        today=now.astimezone(HELSINKI).date(),
        reach=Reach(turn.activity.service_url or "", turn.tenant_id, turn.bot_id),
    )
    return await proposal_card(turn, proposal)


async def show(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    found = await coaching_rounds.round_for(
        turn.services.store, await _who(turn), cards.parse_round_ref(data)
    )
    return await proposal_card(turn, found)


async def confirm(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    """One click, one round: a second confirmation shows the confirmed round and sends nothing."""
    _personal_only(turn)
    services = turn.services
    round_id = cards.parse_round_ref(data)
    who = await _who(turn)
    try:
        confirmed = await coaching_rounds.confirm_round(
            services.store,
            who,
            CoachingMessages(services),
            round_id,
            now=datetime.now(UTC),
            chats=services.coaching.group_chats,
        )
    except Conflict as error:
        current = await coaching_rounds.round_for(services.store, who, round_id)
        return await proposal_card(turn, current, turn.t(error.key, **error.params))
    services.outbox.wake()
    return await proposal_card(turn, confirmed, turn.t("coaching.round.confirmed", count=confirmed.matched))


async def cancel(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    cancelled = await coaching_rounds.cancel_round(
        turn.services.store, await _who(turn), cards.parse_round_ref(data)
    )
    return await proposal_card(turn, cancelled, turn.t("coaching.round.cancelled"))


# ---- coaching leads ----------------------------------------------------------------------------------


async def _leads_card(turn: Turn, who: Actor, **notes: str | None) -> AdaptiveCard:
    leads = await coaching.leads(turn.services.store, who)
    people = await coaching_views.members_of(turn.services.store, leads)
    return cards.leads_card(turn.t, [people[p] for p in leads], **notes)


async def leads(turn: Turn, _data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    return await _leads_card(turn, await _who(turn))


async def save_lead(turn: Turn, data: dict[str, Any]) -> AdaptiveCard:
    _personal_only(turn)
    email, add = cards.parse_lead(data)
    who = await _who(turn)
    try:
        await coaching_views.name_lead(turn.services.store, who, email, add)
    except Invalid as error:
        return await _leads_card(turn, who, error=turn.t(error.key, **error.params))
    notice = "coaching.leads.added" if add else "coaching.leads.removed"
    return await _leads_card(turn, who, notice=turn.t(notice, email=email))


# ---- the CSV, through file consent -------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    id: str
    user: str
    expires: int
    kind: str = CSV_KIND

    def payload(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode()


def _signature(turn: Turn, offer: Offer) -> str:
    return hmac.new(turn.services.key.derive(_PURPOSE), offer.payload(), hashlib.sha256).hexdigest()


def _verify(turn: Turn, context: Any) -> Offer:
    """The offer of a genuine, unexpired, unused context made for this person; else `NotAllowed`."""
    refused = NotAllowed("coaching.error.export_refused")
    if not isinstance(context, dict):
        raise refused
    try:
        offer = Offer(str(context["id"]), str(context["user"]), int(context["expires"]), str(context["kind"]))
        signature = str(context["sig"])
    except (KeyError, TypeError, ValueError):
        raise refused from None
    if not hmac.compare_digest(_signature(turn, offer), signature):
        raise refused
    if offer.user != turn.user_aad_id or offer.expires < time.time():
        raise refused
    if not turn.services.used_consents.use(offer.id, offer.expires):
        raise refused
    return offer


def file_name() -> str:
    return f"vertaisvalmennus-{datetime.now(HELSINKI):%Y-%m-%d}.csv"


async def export(turn: Turn, _data: dict[str, Any]) -> str:
    """The coordinator's "CSV" button: a FileConsentCard in the personal chat (Teams asks where to save)."""
    _personal_only(turn)
    who = await _who(turn)
    person = who.require_coordinator()
    offer = Offer(uuid.uuid4().hex, person, int(time.time()) + OFFER_SECONDS)
    context = {**asdict(offer), "sig": _signature(turn, offer)}
    text, rows = await coaching_report.pairs_csv(turn.services.store, who, turn.t)
    name = file_name()
    attachment = Attachment(
        content_type=FILE_CONSENT,
        name=name,
        content={
            "description": turn.t("coaching.export.description", count=rows),
            "sizeInBytes": len(text.encode("utf-8")),
            "acceptContext": context,
            "declineContext": context,
        },
    )
    await turn.context.send_activity(MessageFactory.attachment(attachment))
    return turn.t("coaching.export.offered", name=name)


async def on_consent(turn: Turn, action: str, context: Any, upload: dict[str, Any]) -> None:
    """Accepted: the CSV as it is now goes to the OneDrive place Teams gave, then a FileInfo card."""
    _verify(turn, context)
    if action != "accept":
        await turn.send_text("coaching.export.declined")
        return
    url = upload.get("uploadUrl")
    if not isinstance(url, str) or not url:
        raise Invalid("error.bad_card_data")
    text, _rows = await coaching_report.pairs_csv(turn.services.store, await _who(turn), turn.t)
    data = text.encode("utf-8")
    try:
        await put_to_upload_url(url, io.BytesIO(data), len(data))
    except DomainError as error:
        log.warning("coaching CSV upload failed: %s", error.key)
        await turn.send_text("coaching.export.failed")
        return
    name = str(upload.get("name") or file_name())
    info = Attachment(
        content_type=FILE_INFO,
        content_url=upload.get("contentUrl"),
        name=name,
        content={"uniqueId": upload.get("uniqueId"), "fileType": upload.get("fileType") or "csv"},
    )
    await turn.context.send_activity(MessageFactory.attachment(info))


def register(router: Router) -> None:
    router.action(cards.NEW_ROUND, new_round)
    router.action(cards.PROPOSE, propose)
    router.action(cards.SHOW_ROUND, show)
    router.action(cards.CONFIRM, confirm)
    router.action(cards.CANCEL, cancel)
    router.action(cards.LEADS, leads)
    router.action(cards.LEAD_SAVE, save_lead)
    router.action(cards.EXPORT, export)
    router.on_file_consent(on_consent, kind=CSV_KIND)
