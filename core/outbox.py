"""The outbox: proactive messages written with the change that caused them, delivered later, none lost.

A feature that notifies people (a survey opens, a meeting is near, materials were added) builds one
`OutgoingMessage` per recipient and hands them to `OutboxStore.enqueue` in the same transaction as its own
change. A delivery worker (`bot/outbox/`) claims due rows, paces them to Teams' limits and records each
outcome. The rules the worker follows are pure functions here: which answer means what (`verdict_for`),
how long to wait before the next attempt (`RetryPolicy`), when a conversation may take another message
(`window_delay`).

States: pending -> sending (claimed, leased) -> sent | pending (retry later) | failed (recipient
unreachable or message rejected: no retry) | dead (attempts exhausted). A lease that runs out (the worker
died) makes a `sending` row due again; the attempt it spent still counts.
"""

from __future__ import annotations

import json
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any, Literal, Protocol

from core.errors import Invalid, NotFound

TargetKind = Literal["conversation", "channel", "person", "update"]
TARGET_KINDS: tuple[TargetKind, ...] = ("conversation", "channel", "person", "update")


class State(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"


class Reason(StrEnum):
    """Why a message did not arrive (the delivery report groups failures by these)."""

    UNREACHABLE = "unreachable"  # 403/404: the person blocked or removed the bot, or the chat is gone
    REJECTED = "rejected"  # 400/413 and other client errors: this message will never be accepted
    EXHAUSTED = "exhausted"  # throttled or failing until the attempts ran out (dead letter)


@dataclass(frozen=True)
class Target:
    """Where a message goes.

    - `conversation`: an existing conversation (`conversation_id`), continued proactively.
    - `channel`: a new post in a channel (`conversation_id` is the channel's `19:...` id).
    - `person`: a personal chat with `user_id` (`29:...` or the Entra object id), created if needed.
    - `update`: replace the message `activity_id` the bot sent into `conversation_id` (an activity PUT),
      e.g. a poll's shared card once the poll has closed.
    """

    kind: TargetKind
    service_url: str
    conversation_id: str | None = None
    user_id: str | None = None
    tenant_id: str | None = None
    bot_id: str | None = None
    activity_id: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in TARGET_KINDS:
            raise Invalid("outbox.error.bad_target", kind=self.kind)
        if not self.service_url:
            raise Invalid("outbox.error.no_service_url")
        if self.kind == "person" and not self.user_id:
            raise Invalid("outbox.error.no_user")
        if self.kind != "person" and not self.conversation_id:
            raise Invalid("outbox.error.no_conversation")
        if self.kind == "update" and not self.activity_id:
            raise Invalid("outbox.error.no_conversation")

    @property
    def pace_key(self) -> str:
        """The thread Teams counts the per-conversation limits on."""
        if self.kind == "person":
            return f"person:{self.user_id}"
        return (self.conversation_id or "").split(";messageid=", 1)[0]


class Priority(IntEnum):
    """Which due messages go first (lower first, then in the order they became due): a reminder or a card
    update does not wait behind a broadcast to hundreds."""

    URGENT = 0  # time-bound: a meeting's reminder, a poll's card closed at its deadline
    NORMAL = 1  # one person's or one channel's message
    BULK = 2  # broadcasts to many (survey forms, network invitations)


MAX_ACTIVITY_BYTES = 80_000  # Teams refuses messages over 100 KB (413); keep a margin for what it adds


@dataclass(frozen=True)
class OutgoingMessage:
    """One proactive message to one recipient.

    `key` makes enqueueing idempotent (a second message with the same key is ignored), e.g.
    `"survey-7:aad-123"`. `broadcast` groups the messages a delivery report is asked for; `recipient`
    names who did not get it (an Entra object id or a channel name). `activity` is the Bot Framework
    activity as JSON (`{"type": "message", "text": ..., "attachments": [...]}`). `priority` orders due
    messages (the pacing and the retry schedule stay as they are).
    """

    key: str
    broadcast: str
    recipient: str
    target: Target
    activity: Mapping[str, Any]
    priority: Priority = Priority.NORMAL
    # `activity` as JSON text, made once when the message is: its size is checked on it, and the outbox
    # stores this text (a survey start queues a form per member; encoding each twice showed).
    activity_json: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.key or not self.broadcast or not self.recipient:
            raise Invalid("outbox.error.incomplete")
        if self.activity.get("type", "message") != "message":
            raise Invalid("outbox.error.not_a_message")
        try:
            encoded = json.dumps(self.activity, ensure_ascii=False)
        except (TypeError, ValueError) as error:
            raise Invalid("outbox.error.not_json") from error
        size = len(encoded.encode())
        if size > MAX_ACTIVITY_BYTES:
            raise Invalid("outbox.error.too_large", size=size // 1000, limit=MAX_ACTIVITY_BYTES // 1000)
        object.__setattr__(self, "activity_json", encoded)  # frozen: set once, here


@dataclass(frozen=True)
class ClaimedMessage:
    """A row a worker holds: `attempts` already counts the attempt about to be made."""

    id: int
    message: OutgoingMessage
    attempts: int
    conversation_id: str | None = None  # set once a `person` target's chat was created


class Verdict(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    UNREACHABLE = "unreachable"
    REJECTED = "rejected"


RETRYABLE_STATUSES = frozenset({408, 412, 429, 500, 502, 503, 504})
UNREACHABLE_STATUSES = frozenset({403, 404})


def verdict_for(status: int | None) -> Verdict:
    """What an answer means for the message: `None` (a network failure) and 401 (a token glitch) retry."""
    if status is None or status in RETRYABLE_STATUSES or status == 401:
        return Verdict.RETRY
    if 200 <= status < 300:
        return Verdict.SENT
    if status in UNREACHABLE_STATUSES:
        return Verdict.UNREACHABLE
    return Verdict.REJECTED


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, never sooner than the server's `Retry-After`."""

    max_attempts: int = 8
    base_seconds: float = 1.0
    cap_seconds: float = 300.0

    def delay(self, attempts: int, retry_after: float | None, rng: random.Random | None = None) -> float:
        """Seconds to wait after the `attempts`-th failed attempt (1-based)."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        jittered = (rng or random).uniform(ceiling / 2, ceiling)
        if retry_after is None:
            return jittered
        # Honour Retry-After, spread by a little so throttled senders do not come back in lockstep.
        return retry_after + (rng or random).uniform(0, min(1.0, retry_after * 0.1 + 0.05))

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts


Window = tuple[int, float]  # at most `count` messages in any `seconds`
TEAMS_THREAD_WINDOWS: tuple[Window, ...] = ((7, 1.0), (8, 2.0), (60, 30.0), (1800, 3600.0))
TEAMS_APP_RATE = 50.0  # requests per second per app per tenant


def window_delay(history: Sequence[float], now: float, windows: Sequence[Window]) -> float:
    """How long from `now` until one more message fits every window, given earlier send times (ascending)."""
    wait = 0.0
    for count, seconds in windows:
        if len(history) >= count:
            # The count-th newest send must have left the window before another may go.
            wait = max(wait, history[-count] + seconds - now)
    return max(0.0, wait)


@dataclass(frozen=True)
class Outcome:
    """What happened to one claimed row, for `OutboxStore.record_outcomes`."""

    id: int
    state: State
    next_attempt_at: datetime
    error: str | None = None
    reason: Reason | None = None
    activity_id: str | None = None
    conversation_id: str | None = None
    refund_attempt: bool = False  # released without trying (paced out): the attempt is given back


@dataclass(frozen=True)
class NotReached:
    recipient: str
    reason: Reason
    error: str | None


@dataclass(frozen=True)
class DeliveryReport:
    """Where a broadcast stands: `pending` counts messages still to be tried (including those in flight)."""

    broadcast: str
    sent: int
    pending: int
    failed: Mapping[Reason, int] = field(default_factory=dict)
    not_reached: Sequence[NotReached] = ()

    @property
    def total(self) -> int:
        return self.sent + self.pending + sum(self.failed.values())

    @property
    def done(self) -> bool:
        return self.pending == 0


@dataclass(frozen=True)
class Backlog:
    """How far behind delivery is, across every instance: `due` rows wait for a worker now (pending and due,
    or sending with a lapsed lease), `sending` rows are held by a live worker, and the oldest due row has
    waited `oldest_due_seconds` past its due time (0 when nothing is due)."""

    due: int
    sending: int
    oldest_due_seconds: float


class OutboxStore(Protocol):
    """The durable queue of proactive messages."""

    async def enqueue(
        self,
        messages: Sequence[OutgoingMessage],
        *,
        together_with: Callable[[Any], Awaitable[Any]] | None = None,
    ) -> int:
        """Write the messages (due now) in one transaction; a key already queued is skipped. Returns how
        many were new. `together_with(connection)` runs first in the same transaction, so a domain change
        and its notices commit or roll back together. Raises `core.errors.Unavailable` without a database."""
        ...

    async def claim_due(
        self, worker: str, limit: int, lease_seconds: float, *, up_to: Priority | None = None
    ) -> Sequence[ClaimedMessage]:
        """Take up to `limit` due rows for `worker` (only those of priority `up_to` or more urgent, when
        given), most urgent first (`Priority`, then due time), counting an attempt on each; no row is
        handed to two workers at once. A claimed row comes back due when its lease ends without an outcome."""
        ...

    async def renew_leases(self, worker: str, ids: Sequence[int], lease_seconds: float) -> None: ...

    async def record_outcomes(self, worker: str, outcomes: Sequence[Outcome]) -> int:
        """Store outcomes of rows `worker` still holds (others are ignored); returns how many were stored."""
        ...

    async def active_workers(self) -> int:
        """How many workers hold unexpired claims right now: they share the app-wide rate."""
        ...

    async def backlog(self) -> Backlog:
        """The queue's depth right now (for the operator's gauges)."""
        ...

    async def delivery_counts(self, broadcast: str) -> DeliveryReport:
        """The report of one broadcast (all zero when nothing was queued under that name)."""
        ...


async def delivery_report(store: OutboxStore, broadcast: str) -> DeliveryReport:
    """The use case behind "how did my message go": raises `NotFound` for an unknown broadcast."""
    report = await store.delivery_counts(broadcast)
    if report.total == 0:
        raise NotFound("outbox.error.unknown_broadcast", broadcast=broadcast)
    return report
