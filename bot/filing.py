"""Filing a material after the click was answered (Teams gives an invoke a few seconds; a 60 MB deck may
take longer): the transfer (`core.materials_flow.file`) runs in the background task group, then the
sender hears the outcome in their chat and the network channel sees what was added, both through the
outbox, and the meeting's announcement card lists the file.

Nothing is lost on a restart: the draft stays in the store, claimed, until its file has landed. A transfer
cut off by the service stopping hands its draft back; `FilingResumer` (every instance) claims such drafts,
and those of an instance that died (once their claim runs out), and files them again.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.announcements import refresh_announcement
from bot.background import Stopping
from bot.outbox import send_later
from bot.proactive import card_message
from bot.schedules import Periodic
from bot.services import Services
from cards import materials as cards
from core import materials_flow
from core.errors import DomainError, Unavailable
from core.materials import FILING_LEASE, Entry, Material
from core.materials_flow import Filing
from core.outbox import OutgoingMessage, Target
from core.teams import Team, project_team
from graph.names import clean_folder_name

log = logging.getLogger(__name__)

RESUME_INTERVAL_S = 30.0


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


class FilingResumer(Periodic):
    """Claims the drafts whose transfer no instance is doing (handed back at a shutdown, or of an instance
    that died) and files them again in this instance's background."""

    name = "filing resumer"
    wait_first = True  # the first round after one interval: the service is up by then

    def __init__(self, services: Services, interval: float = RESUME_INTERVAL_S) -> None:
        super().__init__(interval)
        self._services = services

    async def tick(self) -> int:
        store, now = self._services.store, datetime.now(UTC)
        configured = self._services.settings.team_id or None
        resumed = 0
        team: Team | None = None
        for waiting in await store.resumable_drafts(now):
            draft = await store.reclaim_draft(waiting.id, now + FILING_LEASE, now)
            if draft is None:  # another instance was first
                continue
            if team is None:  # the same for every draft: read once a round, and only when one is waiting
                team = await project_team(store, seen=None, configured=configured)
            filing = await materials_flow.resumed(store, draft, team)
            if filing is None:
                log.warning("filing %s dropped: its meeting, network or team is gone", draft.name)
                continue
            job = _job_of(filing)
            try:
                start_filing(self._services, job)
            except Stopping:
                await store.release_draft(draft.id, resume=True)
                break
            log.info("filing %s into meeting %s resumed", draft.name, filing.meeting.id)
            resumed += 1
        return resumed


def _job_of(filing: Filing) -> Job:
    saved = filing.draft.job or {}
    return Job(
        filing,
        filing.team.service_url or filing.draft.service_url,
        saved.get("tenant_id"),
        saved.get("bot_id"),
        saved.get("locale"),
        saved.get("person") or "",
    )


def start_resumer(services: Services) -> FilingResumer:
    resumer = FilingResumer(services)
    resumer.start()
    return resumer


async def file_job(services: Services, job: Job) -> None:
    """File the draft, then tell the sender and the channel. A failure that trying again may cure keeps
    the draft (`core.materials_flow.file`) and the sender's card offers a retry."""
    t = services.catalogs.for_locale(job.locale)
    draft, meeting, network = job.filing.draft, job.filing.meeting, job.filing.network
    try:
        material = await _file(services, job)
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
        await services.store.finish_draft(draft.id)
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


async def _file(services: Services, job: Job) -> Material:
    """The transfer; cut off (the service stopping), the draft is handed back for any instance to resume."""
    try:
        return await materials_flow.file(
            services.store,
            services.workspace,
            services.downloads.open,
            job.filing,
            team_id=job.filing.team.team_id,
            clean=clean_folder_name,
            clock=lambda: datetime.now(UTC),
        )
    except asyncio.CancelledError:
        draft = job.filing.draft
        log.warning("filing %s cut off by the shutdown: handed back to be resumed", draft.name)
        await asyncio.shield(services.store.release_draft(draft.id, resume=True))
        raise


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
