"""Filing a material after the click was answered (Teams gives an invoke a few seconds; a 60 MB deck may
take longer): the transfer (`core.materials_flow.file`) runs in the background task group, then the
sender hears the outcome in their chat and the network channel sees what was added, both through the
outbox, and the meeting's announcement card lists the file."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.announcements import refresh_announcement
from bot.files import open_download
from bot.outbox import send_later
from bot.proactive import card_message
from bot.services import Services
from cards import materials as cards
from core import materials_flow
from core.errors import DomainError, Unavailable
from core.materials import Entry
from core.materials_flow import Filing
from core.outbox import OutgoingMessage, Target
from graph.names import clean_folder_name

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """Everything the transfer needs once the turn is over."""

    filing: Filing
    team_service_url: str
    tenant_id: str | None
    bot_id: str | None
    locale: str | None
    person: str
    # The connector client of the click's turn (pooled, it outlives the turn): the channel's announcement
    # card is updated with it once the file has landed.
    client: Any = None


def start_filing(services: Services, job: Job) -> asyncio.Task[None]:
    return services.background.start(file_job(services, job), name=f"materials:{job.filing.draft.id}")


async def file_job(services: Services, job: Job) -> None:
    """File the draft, then tell the sender and the channel. A failure that trying again may cure keeps
    the draft (`core.materials_flow.file`) and the sender's card offers a retry."""
    t = services.catalogs.for_locale(job.locale)
    draft, meeting, network = job.filing.draft, job.filing.meeting, job.filing.network
    try:
        material = await materials_flow.file(
            services.store,
            services.workspace,
            open_download,
            job.filing,
            team_id=job.filing.team.team_id,
            clean=clean_folder_name,
            clock=lambda: datetime.now(UTC),
        )
    except DomainError as error:
        log.warning("filing %s into meeting %s failed: %s", draft.name, meeting.id, error.key)
        retry = isinstance(error, Unavailable)
        failed = cards.filing_failed_card(
            t, draft.name, t(error.key, **error.params), draft.id if retry else None, meeting.id
        )
        await send_later(services, [_to_sender(job, f"failed:{uuid.uuid4().hex}", failed)])
        return
    except Exception:  # the task's last guard: the sender must hear something
        log.exception("filing %s into meeting %s failed unexpectedly", draft.name, meeting.id)
        failed = cards.filing_failed_card(t, draft.name, t("materials.error.unexpected"), None, meeting.id)
        await send_later(services, [_to_sender(job, f"failed:{uuid.uuid4().hex}", failed)])
        return
    await refresh_announcement(services, job.client, meeting.id)
    name = network.name(t.locale)
    filed = cards.filed_card(t, draft.name, material.name, meeting.theme, name, material.web_url)
    fi = services.catalogs.for_locale("fi")
    entry = Entry(
        material.name, material.kind, material.web_url, draft.owner, material.added_at, material.size, True
    )
    added = cards.added_card(fi, meeting, job.person, [entry], {draft.owner: job.person})
    channel = Target(
        kind="channel",
        service_url=job.team_service_url,
        conversation_id=network.channel_id,
        tenant_id=job.tenant_id,
        bot_id=job.bot_id,
    )
    await send_later(
        services,
        [
            _to_sender(job, "filed", filed),
            OutgoingMessage(
                key=f"material:{material.id}:channel",
                broadcast=f"meeting:{meeting.id}:materials",
                recipient=network.name_fi,
                target=channel,
                activity=card_message(added),
            ),
        ],
    )


def _to_sender(job: Job, what: str, value: AdaptiveCard) -> OutgoingMessage:
    draft = job.filing.draft
    return OutgoingMessage(
        key=f"material-draft:{draft.id}:{what}",
        broadcast=f"meeting:{job.filing.meeting.id}:filing",
        recipient=draft.owner,
        target=Target(
            kind="conversation",
            service_url=draft.service_url,
            conversation_id=draft.conversation_id,
            tenant_id=job.tenant_id,
            bot_id=job.bot_id,
        ),
        activity=card_message(value),
    )
