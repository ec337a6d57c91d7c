"""How long the bot keeps what it needs only for a while, and the use case that forgets the rest.

- Outbox rows that reached an end (sent, failed, dead): kept for the delivery report, then deleted.
- Claimed activity ids: Teams redelivers within minutes, so a couple of days is plenty.
- Audit entries: who changed what, kept for the period the organisation's log policy names.
- Used FileConsent contexts: kept until their offer expires (a day), then forgotten.
- Join requests (what people wrote on the join page, and invitations): once decided (or left undecided),
  kept for a while for questions about them, then deleted; a request whose approval is still running stays.

A period of None keeps that kind for good. The scheduler (`bot/retention.py`) applies it every hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from core.activities import ActivityLog
from core.material_offers import UsedContexts


@dataclass(frozen=True)
class RetentionPolicy:
    outbox: timedelta | None
    activities: timedelta
    audit: timedelta | None
    joins: timedelta | None = timedelta(days=180)


@dataclass(frozen=True)
class Purged:
    outbox: int = 0
    activities: int = 0
    audit: int = 0
    consents: int = 0
    joins: int = 0

    @property
    def total(self) -> int:
        return self.outbox + self.activities + self.audit + self.consents + self.joins


class RetentionStore(ActivityLog, UsedContexts, Protocol):
    async def purge_outbox_before(self, moment: datetime) -> int:
        """Delete outbox rows that reached an end (sent, failed, dead) before `moment`; never a row still
        waiting or being sent. Returns how many."""
        ...

    async def purge_audit_before(self, moment: datetime) -> int:
        """Delete audit entries older than `moment`; returns how many."""
        ...

    async def purge_join_requests_before(self, moment: datetime) -> int:
        """Delete join requests made before `moment`, except those whose approval is still running."""
        ...


async def apply_retention(store: RetentionStore, policy: RetentionPolicy, now: datetime) -> Purged:
    outbox = await store.purge_outbox_before(now - policy.outbox) if policy.outbox is not None else 0
    activities = await store.forget_activities_before(now - policy.activities)
    audit = await store.purge_audit_before(now - policy.audit) if policy.audit is not None else 0
    joins = await store.purge_join_requests_before(now - policy.joins) if policy.joins is not None else 0
    return Purged(outbox, activities, audit, await store.purge_consents_before(now), joins)
