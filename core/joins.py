"""Join requests (liittymispyynnöt) and invitations (kutsut): the rules.

Someone outside the project team asks to join on the public `/liity` page, or a member invites someone with
`kutsu <email>`; either way it becomes a `JoinRequest` the coordinator approves or declines. Approving runs
the membership steps (`core.join_flow.advance`) as a persisted job, retried until Graph has done them:

1. `member`: the address is tried as a user of the tenant (`POST /teams/{id}/members`, the user bound by
   their principal name). Graph answers 404 for someone who is not one: then
2. `invite`: a B2B guest invitation (`POST /invitations`, User.Invite.All) gives the guest's user id, and
3. `group`: the guest is added to the team's Microsoft 365 group (`POST /groups/{id}/members/$ref`,
   GroupMember.ReadWrite.All), which Teams syncs into the team: Graph refuses application permissions that
   add a guest through `/teams/{id}/members` (403, microsoft-graph-docs#11756, docs-contrib#3840).
4. `notify`: the requester is told by email when the bot has a mailbox (`MAIL_SENDER`, sendMail); the
   welcome in the bot's chat comes when they first appear in the team (`core.join_flow.arrived`).

A request's states: pending -> approved (steps running) -> done | failed; pending -> declined.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from core.errors import Invalid, NotAllowed

NAME_MAX = 100
EMAIL_MAX = 254
ORGANIZATION_MAX = 150
MESSAGE_MAX = 1000
NOTE_MAX = 500
NETWORKS_MAX = 12
FORM_TOKEN_MAX_AGE = timedelta(hours=2)
# At most this many requests from one client address an hour, and for one email address a day.
PER_CLIENT = (5, timedelta(hours=1))
PER_EMAIL = (3, timedelta(days=1))
PER_INVITER = (20, timedelta(days=1))  # invitations one member sends a day
EMAIL = re.compile(r"^[A-Za-z0-9._%'+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"  # approved; the membership steps are running
    DONE = "done"
    DECLINED = "declined"
    FAILED = "failed"  # Graph refused for good (policy); the coordinator adds them by hand


class Source(StrEnum):
    FORM = "form"  # the public /liity page
    INVITE = "invite"  # `kutsu <email>` from a member


class Step(StrEnum):
    MEMBER = "member"
    INVITE = "invite"
    GROUP = "group"
    NOTIFY = "notify"
    END = "end"


@dataclass(frozen=True)
class JoinRequest:
    id: str
    source: Source
    email: str
    name: str = ""
    organization: str = ""
    networks: tuple[str, ...] = ()
    message: str = ""
    locale: str = "fi"
    invited_by: str | None = None  # the member's Entra object id, for an invitation
    client: str | None = None  # a keyed hash of the form's client address (the rate limit), never the address
    status: Status = Status.PENDING
    created_at: datetime | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str = ""  # the coordinator's message to the requester
    step: Step = Step.MEMBER
    user_id: str | None = None  # the Entra object id once known (tenant user, or the invited guest)
    guest: bool = False
    attempts: int = 0
    next_attempt_at: datetime | None = None
    error: str = ""  # the last failure's catalog key
    arrived_at: datetime | None = field(default=None, compare=False)


@dataclass(frozen=True)
class JoinForm:
    """What the page's form (or `kutsu`) carries, cleaned: see `clean_form`."""

    name: str
    email: str
    organization: str
    networks: tuple[str, ...]
    message: str


class FormInvalid(Invalid):
    """Some fields break a rule: `errors` maps each field to its catalog key (the page shows each beside
    its field)."""

    default_key = "joins.error.form"

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("joins.error.form")
        self.errors = dict(errors)


def plain(text: str) -> str:
    """Text as it is kept: control and bidirectional-override characters out, white space collapsed."""
    return " ".join(CONTROL.sub(" ", text).split())


def clean_email(text: str) -> str | None:
    address = plain(text).lower()
    return address if len(address) <= EMAIL_MAX and EMAIL.match(address) else None


def clean_form(
    name: str, email: str, organization: str, networks: Sequence[str], message: str, known: Sequence[str]
) -> JoinForm:
    """The form's values kept as plain text within their limits; `FormInvalid` naming every bad field. The
    message keeps its line breaks; networks must be ones the catalogue offers."""
    errors: dict[str, str] = {}
    values = {"name": plain(name), "organization": plain(organization)}
    for key, limit in (("name", NAME_MAX), ("organization", ORGANIZATION_MAX)):
        if not values[key]:
            errors[key] = f"joins.error.{key}_missing"
        elif len(values[key]) > limit:
            errors[key] = f"joins.error.{key}_long"
    address = clean_email(email)
    if address is None:
        errors["email"] = "joins.error.email_long" if len(email) > EMAIL_MAX else "joins.error.email_bad"
    lines = [plain(line) for line in CONTROL.sub(" ", message.replace("\u2028", "\n")).splitlines()]
    text = "\n".join(lines).strip()
    if len(text) > MESSAGE_MAX:
        errors["message"] = "joins.error.message_long"
    chosen = tuple(dict.fromkeys(n for n in networks if n))
    if len(chosen) > NETWORKS_MAX or any(n not in known for n in chosen):
        errors["networks"] = "joins.error.networks_bad"
    if errors:
        raise FormInvalid(errors)
    return JoinForm(values["name"], address or "", values["organization"], chosen, text)


def client_key(secret: bytes, address: str) -> str:
    """A keyed hash of a client's network address: enough to count its requests, not to recover it."""
    return hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()[:32]


def form_token(secret: bytes, nonce: str, issued: datetime) -> str:
    """The form's hidden token: when it was issued, signed together with the nonce of the browser's cookie
    (a signed double submit: another site can neither read the cookie nor make the token)."""
    stamp = str(int(issued.timestamp()))
    return f"{stamp}.{_sign(secret, f'{stamp}.{nonce}')}"


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def check_form_token(secret: bytes, token: str, nonce: str, now: datetime) -> bool:
    stamp, _, signature = token.partition(".")
    if (
        not stamp.isdigit()
        or not nonce
        or not hmac.compare_digest(signature, _sign(secret, f"{stamp}.{nonce}"))
    ):
        return False
    age = now.timestamp() - int(stamp)
    return -60 <= age <= FORM_TOKEN_MAX_AGE.total_seconds()


def action_signature(secret: bytes, request_id: str, verb: str) -> str:
    """What an approval card's button carries: a forged or altered action (another request, another verb)
    does not verify."""
    return _sign(secret, f"{request_id}:{verb}")


def check_action(secret: bytes, request_id: str, verb: str, signature: str) -> None:
    if not signature or not hmac.compare_digest(signature, action_signature(secret, request_id, verb)):
        raise NotAllowed("joins.error.forged")


def _sign(secret: bytes, text: str) -> str:
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()[:40]


def require_coordinator(is_coordinator: bool) -> None:
    if not is_coordinator:
        raise NotAllowed("joins.error.coordinator_only")


class JoinStore(Protocol):
    """Where join requests and their approval jobs are kept."""

    async def add_join_request(self, request: JoinRequest) -> JoinRequest:
        """Store a new request (status pending) stamped with the time; returns it as stored."""
        ...

    async def count_join_requests(
        self,
        *,
        since: datetime,
        client: str | None = None,
        email: str | None = None,
        inviter: str | None = None,
    ) -> int:
        """How many requests came from `client` (for `email`, or invitations by `inviter`) since then."""
        ...

    async def get_join_request(self, request_id: str) -> JoinRequest | None: ...

    async def join_requests(self, statuses: Sequence[Status]) -> Sequence[JoinRequest]:
        """Requests in those states, oldest first."""
        ...

    async def decide_join_request(
        self, request_id: str, status: Status, *, by: str, note: str, now: datetime
    ) -> bool:
        """Move a pending request to approved (due now) or declined; False when it was not pending (decided
        already, by another click or instance)."""
        ...

    async def claim_join_jobs(self, now: datetime, lease: timedelta, limit: int) -> Sequence[JoinRequest]:
        """Approved requests that are due, each leased to the caller until `now + lease` (no other caller
        gets it meanwhile); a lapsed lease makes it due again."""
        ...

    async def save_join_progress(self, request: JoinRequest) -> None:
        """Store the job's step, user id, attempts, next attempt, error and status (releasing its lease)."""
        ...

    async def claim_arrival(self, user_id: str, emails: Sequence[str], now: datetime) -> JoinRequest | None:
        """The done request of someone who just appeared in the team (by user id or address), marked
        arrived; None when there is none or it was claimed before (once per request)."""
        ...

    async def join_interests(self, network: str) -> Sequence[str]:
        """User ids of people let in by a request that asked for `network`."""
        ...
