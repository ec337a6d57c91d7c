"""Purges for the retention policy (`core.retention`): finished outbox rows (with the delivery report requests
of broadcasts none of whose rows are left) and old audit entries. Claimed
activity ids are forgotten by `store.activities` (`forget_activities_before`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, func

from core.joins import Status
from core.outbox import State
from store.audit import AuditRow
from store.database import Database
from store.delivery_reports import DeliveryReportRow
from store.joins import JoinRequestRow
from store.outbox import OutboxRow

FINISHED = (State.SENT.value, State.FAILED.value, State.DEAD.value)


class RetentionQueries(Database):
    async def purge_outbox_before(self, moment: datetime) -> int:
        # A sent row counts from when it was sent; a failed or dead one from its last attempt.
        ended = func.coalesce(OutboxRow.sent_at, OutboxRow.next_attempt_at)
        async with self._tx() as conn:
            result = await conn.execute(
                delete(OutboxRow).where(OutboxRow.state.in_(FINISHED), ended < moment)
            )
            # A broadcast's report request goes with the last of its rows (there is nothing left to report).
            rows_left = exists().where(OutboxRow.broadcast == DeliveryReportRow.broadcast)
            await conn.execute(
                delete(DeliveryReportRow).where(DeliveryReportRow.requested_at < moment, ~rows_left)
            )
            return result.rowcount or 0

    async def purge_audit_before(self, moment: datetime) -> int:
        async with self._tx() as conn:
            return (await conn.execute(delete(AuditRow).where(AuditRow.at < moment))).rowcount or 0

    async def purge_join_requests_before(self, moment: datetime) -> int:
        async with self._tx() as conn:
            result = await conn.execute(
                delete(JoinRequestRow).where(
                    JoinRequestRow.created_at < moment, JoinRequestRow.status != Status.APPROVED.value
                )
            )
            return result.rowcount or 0
