"""The delivery worker: claims due outbox rows, sends each at its paced slot, stores what happened.

One worker runs inside each service instance. It keeps about a second's worth of rows in hand (claimed
with a lease it renews), sends each through the `Sender` at the slot the `Pacer` books, and writes outcomes
back in small batches. A killed worker's rows come back due when their lease ends; only the rows it was
sending at that moment can reach a recipient twice. Stopping gives unsent rows back at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import uuid
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.outbox.pacing import Pacer
from bot.outbox.sender import Delivery
from core.errors import Unavailable
from core.outbox import (
    ClaimedMessage,
    OutboxStore,
    Outcome,
    Priority,
    Reason,
    RetryPolicy,
    State,
    Verdict,
    verdict_for,
)

log = logging.getLogger(__name__)

MAX_PAUSE_S = 5.0
URGENT_HAND = 8  # urgent rows claimed at a time while the hand is full


class Sender(Protocol):
    async def send(self, claimed: ClaimedMessage) -> Delivery: ...


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class OutboxWorker:
    def __init__(
        self,
        store: OutboxStore,
        sender: Sender,
        *,
        pacer: Pacer | None = None,
        policy: RetryPolicy | None = None,
        lease_seconds: float = 10.0,
        poll_seconds: float = 0.5,
        flush_seconds: float = 0.05,
        db_retry_seconds: float = 5.0,
        name: str | None = None,
        rng: random.Random | None = None,
        on_outcomes: Callable[[Sequence[Outcome]], None] | None = None,
    ) -> None:
        self.name = name or worker_name()
        self._store = store
        self._sender = sender
        self._pacer = pacer or Pacer()
        self._policy = policy or RetryPolicy()
        self._lease = lease_seconds
        self._poll = poll_seconds
        self._flush_every = flush_seconds
        self._db_retry = db_retry_seconds
        self._rng = rng or random.Random()
        self._on_outcomes = on_outcomes
        self._hand = max(8, int(self._pacer.rate))  # about a second of sending
        self._renew_every = min(1.0, lease_seconds / 3)
        self._held: dict[int, asyncio.Task[None]] = {}
        self._outcomes: list[Outcome] = []
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._claim_loop(), name="outbox-claim"),
            asyncio.create_task(self._flush_loop(), name="outbox-flush"),
            asyncio.create_task(self._lease_loop(), name="outbox-lease"),
        ]
        log.info("outbox worker %s started (%.0f msg/s)", self.name, self._pacer.rate)

    def wake(self) -> None:
        """New rows are due: look now rather than at the next poll."""
        self._wake.set()

    async def stop(self, grace: float = 10.0) -> None:
        """Stop claiming; unsent rows go back to the outbox, sends under way get `grace` seconds to finish."""
        self._stopping.set()
        self._wake.set()
        claim, flush, lease = self._tasks or (None, None, None)
        if claim is not None:
            await claim
        pending = list(self._held.values())
        if pending:
            _, late = await asyncio.wait(pending, timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        for loop in (flush, lease):
            if loop is not None:
                loop.cancel()
                with suppress(asyncio.CancelledError):
                    await loop
        await self._flush(final=True)
        log.info("outbox worker %s stopped", self.name)

    async def _claim_loop(self) -> None:
        while not self._stopping.is_set():
            room = self._room()
            claimed: Sequence[ClaimedMessage] = ()
            # With the hand full of a broadcast's rows, urgent ones are still taken (a few at a time): the
            # pacer lets them go before the rows in hand.
            full = room < self._hand // 2
            try:
                if full:
                    claimed = await self._store.claim_due(
                        self.name, URGENT_HAND, self._lease, up_to=Priority.URGENT
                    )
                else:
                    claimed = await self._store.claim_due(self.name, room, self._lease)
            except Exception as error:  # the loop must survive anything a database driver raises
                cause = error.__cause__ if isinstance(error, Unavailable) else error
                log.warning("outbox: claiming failed, trying again in %.1f s: %s", self._db_retry, cause)
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self._db_retry)
                continue
            for row in claimed:
                self._held[row.id] = asyncio.create_task(self._deliver(row), name=f"outbox-{row.id}")
            if claimed:
                await self._share_rate()
            if claimed and not full and len(claimed) == room:
                await asyncio.sleep(0.05)  # more are due: come back once some of these are under way
                continue
            self._wake.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll)

    def _room(self) -> int:
        """How many rows to claim: a hand of rows still to be sent. A row sent stays held (its lease
        renewed) until its outcome is stored, but no longer takes room: with SQLite's writer busy, storing
        outcomes took up to half a second, the hand ran dry meanwhile and the sending stopped. Held rows
        stay under two hands, so outcomes the database does not take do not pile up."""
        unsent = sum(1 for task in self._held.values() if not task.done())
        return min(self._hand - unsent, 2 * self._hand - len(self._held))

    async def _deliver(self, row: ClaimedMessage) -> None:
        try:
            outcome = await self._attempt(row)
        except asyncio.CancelledError:
            outcome = self._release(row, 0.0)
        except Exception as error:  # a bug must not kill the worker: the row is retried, then dead-lettered
            log.exception("outbox: delivering row %s failed", row.id)
            outcome = self._after(row, Delivery(None, error=f"{type(error).__name__}: {error}"))
        self._outcomes.append(outcome)  # after the await: a flush may have swapped the list meanwhile
        if self._room() >= self._hand // 2:
            self._wake.set()  # room for more: claim now rather than after the outcomes are stored

    async def _attempt(self, row: ClaimedMessage) -> Outcome:
        if row.attempts > self._policy.max_attempts:  # leases ran out too often (the worker kept dying)
            return self._outcome(row, State.DEAD, reason=Reason.EXHAUSTED, error="lease expired repeatedly")
        message = row.message
        later = await self._pacer.acquire(message.target.pace_key, self._stopping, message.priority)
        if later is not None:  # the conversation is full for a while, or the worker is stopping
            return self._release(row, later)
        delivery = await self._sender.send(row)
        if delivery.status == 429:
            wait = delivery.retry_after if delivery.retry_after is not None else 1.0
            self._pacer.pause(min(wait, MAX_PAUSE_S))
        return self._after(row, delivery)

    def _after(self, row: ClaimedMessage, delivery: Delivery) -> Outcome:
        verdict = verdict_for(delivery.status)
        if verdict is not Verdict.SENT:
            final = verdict is not Verdict.RETRY or self._policy.exhausted(row.attempts)
            log.log(
                logging.WARNING if final else logging.INFO,
                "outbox: %s to %s answered %s (attempt %d): %s",
                row.message.key,
                row.message.recipient,
                delivery.status,
                row.attempts,
                delivery.error,
            )
        if verdict is Verdict.SENT:
            return self._outcome(
                row, State.SENT, activity_id=delivery.activity_id, conversation_id=delivery.conversation_id
            )
        if verdict is Verdict.UNREACHABLE:
            return self._outcome(row, State.FAILED, reason=Reason.UNREACHABLE, error=delivery.error)
        if verdict is Verdict.REJECTED:
            return self._outcome(row, State.FAILED, reason=Reason.REJECTED, error=delivery.error)
        if self._policy.exhausted(row.attempts):
            return self._outcome(row, State.DEAD, reason=Reason.EXHAUSTED, error=delivery.error)
        delay = self._policy.delay(row.attempts, delivery.retry_after, self._rng)
        return self._outcome(
            row, State.PENDING, delay=delay, error=delivery.error, conversation_id=delivery.conversation_id
        )

    def _release(self, row: ClaimedMessage, delay: float) -> Outcome:
        return self._outcome(row, State.PENDING, delay=max(0.0, delay), refund=True)

    def _outcome(
        self,
        row: ClaimedMessage,
        state: State,
        *,
        delay: float = 0.0,
        reason: Reason | None = None,
        error: str | None = None,
        activity_id: str | None = None,
        conversation_id: str | None = None,
        refund: bool = False,
    ) -> Outcome:
        return Outcome(
            id=row.id,
            state=state,
            next_attempt_at=datetime.now(UTC) + timedelta(seconds=delay),
            error=error,
            reason=reason,
            activity_id=activity_id,
            conversation_id=conversation_id,
            refund_attempt=refund,
        )

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(self._flush_every)
            await self._flush()

    async def _flush(self, final: bool = False) -> None:
        if not self._outcomes:
            return
        batch, self._outcomes = self._outcomes, []
        try:
            await self._store.record_outcomes(self.name, batch)
        except asyncio.CancelledError:
            # Stopping cancels the flush loop, perhaps mid-write: keep the batch for the final flush
            # (writing an outcome twice is harmless; losing it would send the message again).
            self._outcomes = batch + self._outcomes
            raise
        except Exception as error:  # kept and written on the next flush; the lease keeps the rows ours
            log.warning("outbox: could not store %d outcomes: %s", len(batch), error)
            self._outcomes = batch + self._outcomes
            if not final:
                await asyncio.sleep(self._db_retry)
            return
        if self._on_outcomes is not None:
            self._on_outcomes(batch)
        for outcome in batch:
            task = self._held.get(outcome.id)
            if task is not None and task.done():  # not a newer claim of the same row
                del self._held[outcome.id]
        if self._room() >= self._hand // 2:
            self._wake.set()  # room for more: claim now rather than at the next poll

    async def _lease_loop(self) -> None:
        """Keep the claims alive, and share the app-wide rate with the other instances now sending."""
        while True:
            await asyncio.sleep(self._renew_every)
            try:
                if self._held:
                    await self._store.renew_leases(self.name, list(self._held), self._lease)
            except Exception as error:  # the next renewal may work; the lease has slack for several misses
                log.warning("outbox: could not renew leases: %s", error)
            await self._share_rate()

    async def _share_rate(self) -> None:
        try:
            self._pacer.share(await self._store.active_workers())
        except Exception as error:  # keep the current share until the database answers again
            log.warning("outbox: could not count the workers sending: %s", error)
