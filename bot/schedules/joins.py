"""The join requests' scheduler: every instance runs one. Each run advances the approved requests whose
membership job is due (`core.join_flow.run_due`: each held by one instance at a time), so what Graph
throttled or refused for a while is tried again; the coordinator who decided hears when one ends."""

from __future__ import annotations

import logging

from bot.join_messages import JoinMessages
from bot.schedules import Clock, Periodic, utcnow
from bot.services import Services
from core.join_flow import run_due
from core.teams import project_team

log = logging.getLogger(__name__)

INTERVAL_S = 30.0


class JoinScheduler(Periodic):
    name = "join-requests"
    wait_first = True  # approving runs the first attempt itself

    def __init__(self, services: Services, *, interval: float = INTERVAL_S, clock: Clock = utcnow) -> None:
        super().__init__(interval)
        self._services = services
        self._clock = clock

    async def tick(self) -> int:
        services = self._services
        team = await project_team(services.store, seen=None, configured=services.settings.team_id)
        messages = JoinMessages(services)
        ran = await run_due(
            services.store,
            services.workspace,
            messages,
            messages,
            team_id=team.team_id if team else None,
            redirect_url=services.settings.public_base_url,
            now=self._clock(),
        )
        if ran:
            log.info("join requests: %d membership jobs advanced", ran)
            services.outbox.wake()
        return ran


def start_joins(services: Services, **options: object) -> JoinScheduler:
    scheduler = JoinScheduler(services, **options)  # type: ignore[arg-type]
    scheduler.start()
    return scheduler
