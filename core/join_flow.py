"""What people do with join requests: ask on the page, invite with `kutsu`, the coordinator's decision, the
membership job that approving starts (retried until Graph has done it), and the welcome when the person
first appears in the team. The rules are in `core.joins`."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from core.audit import AuditLog
from core.errors import Conflict, DomainError, Invalid, NotFound, Unavailable
from core.joins import (
    NOTE_MAX,
    PER_CLIENT,
    PER_EMAIL,
    PER_INVITER,
    JoinForm,
    JoinRequest,
    JoinStore,
    Source,
    Status,
    Step,
    check_action,
    clean_email,
    plain,
    require_coordinator,
)
from core.networks import Network, NetworkStatus, NetworkStore, find_network
from core.people import PeopleStore
from core.workspace import WorkspaceForbidden

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=2)


class Store(JoinStore, AuditLog, NetworkStore, PeopleStore, Protocol):
    """What the join use cases read and write."""


class Approvals(Protocol):
    """Tells the coordinators (the bot: an approval card in their personal chats, through the outbox)."""

    async def ask(self, request: JoinRequest) -> int:
        """Queue the approval card; returns to how many coordinators."""
        ...

    async def finished(self, request: JoinRequest) -> None:
        """A job that ran after the decision ended (done or failed): tell the coordinator who decided."""
        ...


class Membership(Protocol):
    """The Graph calls of the job (implemented by the workspace)."""

    async def add_member_by_address(self, team_id: str, address: str) -> str | None:
        """Add the tenant's user with this principal name as a member; their user id, None when the tenant
        has no such user. No error when they are a member already."""
        ...

    async def invite_guest(self, email: str, name: str, redirect_url: str, language: str) -> str:
        """A B2B invitation; the guest's user id. Raises `InvitationRefused` when the tenant's policy
        refuses it."""
        ...

    async def add_group_member(self, group_id: str, user_id: str) -> None:
        """Add the user to the team's group (no error when already a member)."""
        ...


class Notices(Protocol):
    """Tells the requester the outcome by email, when the bot has a mailbox (False: it has none)."""

    async def tell(self, request: JoinRequest) -> bool: ...


class InvitationRefused(Conflict):
    """The tenant's external collaboration settings refuse the invitation (Graph: 403)."""

    default_key = "joins.error.policy"


class RateLimited(Conflict):
    default_key = "joins.error.rate"


@dataclass(frozen=True)
class Decision:
    request: JoinRequest
    changed: bool  # False: it had been decided before (a second click, a replay)


async def submit(
    store: Store,
    approvals: Approvals,
    form: JoinForm,
    *,
    locale: str,
    client: str,
    now: datetime,
) -> JoinRequest:
    """A request from the page: `RateLimited` past the limits per client and per address."""
    for key, (limit, window) in (("client", PER_CLIENT), ("email", PER_EMAIL)):
        where = {"client": client} if key == "client" else {"email": form.email}
        if await store.count_join_requests(since=now - window, **where) >= limit:
            raise RateLimited()
    request = JoinRequest(
        id=uuid.uuid4().hex,
        source=Source.FORM,
        email=form.email,
        name=form.name,
        organization=form.organization,
        networks=form.networks,
        message=form.message,
        locale=locale,
        client=client,
    )
    return await _open(store, approvals, request, actor="form")


async def invite(
    store: Store,
    approvals: Approvals,
    *,
    inviter: str | None,
    text: str,
    locale: str,
    now: datetime,
) -> JoinRequest:
    """`kutsu <email> [network]` from a member: `Invalid` for a bad address or an unknown network,
    `RateLimited` past the invitations one member may send a day."""
    if not inviter:
        raise Invalid("joins.error.who")
    limit, window = PER_INVITER
    if await store.count_join_requests(since=now - window, inviter=inviter) >= limit:
        raise RateLimited("joins.error.invite_rate")
    address, _, rest = plain(text).partition(" ")
    email = clean_email(address)
    if email is None:
        raise Invalid("joins.error.invite_usage")
    chosen: tuple[str, ...] = ()
    if rest.strip():
        chosen = (find_network(await store.list_networks(), rest).key,)
    request = JoinRequest(
        id=uuid.uuid4().hex,
        source=Source.INVITE,
        email=email,
        networks=chosen,
        locale=locale,
        invited_by=inviter,
    )
    return await _open(store, approvals, request, actor=inviter)


async def _open(store: Store, approvals: Approvals, request: JoinRequest, *, actor: str) -> JoinRequest:
    stored = await store.add_join_request(request)
    asked = await approvals.ask(stored)
    details = {"source": stored.source.value, "networks": list(stored.networks), "coordinators": asked}
    await store.record(actor, "join.request", f"join:{stored.id}", details)
    return stored


async def pending(store: JoinStore, *, is_coordinator: bool) -> Sequence[JoinRequest]:
    require_coordinator(is_coordinator)
    return await store.join_requests([Status.PENDING, Status.APPROVED, Status.FAILED])


async def decide(
    store: Store,
    secret: bytes,
    *,
    request_id: str,
    verb: str,
    signature: str,
    approve: bool,
    note: str,
    actor: str,
    is_coordinator: bool,
    now: datetime,
) -> Decision:
    """The coordinator's approve or decline. A forged button is `NotAllowed`; a second decision changes
    nothing (`Decision.changed` False), so approving twice starts the job once."""
    require_coordinator(is_coordinator)
    check_action(secret, request_id, verb, signature)
    text = plain(note)[:NOTE_MAX]
    status = Status.APPROVED if approve else Status.DECLINED
    changed = await store.decide_join_request(request_id, status, by=actor, note=text, now=now)
    request = await store.get_join_request(request_id)
    if request is None:
        raise NotFound("joins.error.unknown")
    if changed:
        await store.record(actor, f"join.{status.value}", f"join:{request_id}", {"note": bool(text)})
    return Decision(request, changed)


async def tell_declined(store: Store, notices: Notices, request: JoinRequest) -> None:
    """A declined request is told by email when the bot has a mailbox; a failure is recorded, not raised
    (the decision stands)."""
    try:
        told = await notices.tell(request)
    except DomainError as failure:
        await store.record("system", "join.tell_failed", f"join:{request.id}", {"error": failure.key})
        return
    await store.record("system", "join.told", f"join:{request.id}", {"by": "mail" if told else "none"})


async def advance(
    store: Store,
    membership: Membership,
    notices: Notices,
    request: JoinRequest,
    *,
    team_id: str | None,
    redirect_url: str,
    now: datetime,
    rng: random.Random | None = None,
) -> JoinRequest:
    """Run the job's steps from where it stopped, recording each; a failure worth retrying schedules the
    next attempt (backoff), a refusal ends it as failed. Returns the request as saved."""
    current = request
    try:
        if not team_id:
            raise Unavailable("joins.error.no_team")
        while current.step is not Step.END:
            current = await _step(store, membership, notices, current, team_id, redirect_url)
        current = replace(current, status=Status.DONE, error="", next_attempt_at=None)
    except (InvitationRefused, WorkspaceForbidden, Invalid) as refused:
        current = replace(current, status=Status.FAILED, error=refused.key, next_attempt_at=None)
        await store.record("system", "join.failed", f"join:{current.id}", {"error": refused.key})
    except DomainError as failure:  # throttled, unavailable: try again later
        attempts = current.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            current = replace(current, status=Status.FAILED, attempts=attempts, error=failure.key)
        else:
            wait = min(3600.0, 30.0 * 2 ** (attempts - 1)) * (rng or random).uniform(0.5, 1.0)
            current = replace(
                current,
                attempts=attempts,
                error=failure.key,
                next_attempt_at=now + timedelta(seconds=wait),
            )
        await store.record("system", "join.retry", f"join:{current.id}", {"error": failure.key})
    await store.save_join_progress(current)
    return current


async def _step(
    store: Store,
    membership: Membership,
    notices: Notices,
    request: JoinRequest,
    team_id: str,
    redirect_url: str,
) -> JoinRequest:
    target = f"join:{request.id}"
    if request.step is Step.MEMBER:
        user_id = await membership.add_member_by_address(team_id, request.email)
        if user_id is None:
            await store.record("system", "join.not_in_tenant", target, {})
            return await _saved(store, replace(request, step=Step.INVITE))
        await store.record("system", "join.member_added", target, {"user": user_id})
        return await _saved(store, replace(request, step=Step.NOTIFY, user_id=user_id or None))
    if request.step is Step.INVITE:
        language = "fi" if request.locale == "fi" else "en"
        user_id = await membership.invite_guest(request.email, request.name, redirect_url, language)
        await store.record("system", "join.invited", target, {"user": user_id})
        return await _saved(store, replace(request, step=Step.GROUP, user_id=user_id, guest=True))
    if request.step is Step.GROUP:
        await membership.add_group_member(team_id, request.user_id or "")
        await store.record("system", "join.guest_added", target, {"user": request.user_id})
        return await _saved(store, replace(request, step=Step.NOTIFY))
    told = await notices.tell(request)
    await store.record("system", "join.told", target, {"by": "mail" if told else "chat"})
    return replace(request, step=Step.END)


async def _saved(store: JoinStore, request: JoinRequest) -> JoinRequest:
    """Each step's result is kept at once: a retry never repeats a step that succeeded."""
    await store.save_join_progress(request)
    return request


async def run_due(
    store: Store,
    membership: Membership,
    notices: Notices,
    approvals: Approvals,
    *,
    team_id: str | None,
    redirect_url: str,
    now: datetime,
    limit: int = 20,
) -> int:
    """One scheduler run: advance the due jobs (each held by one instance); tells the deciding coordinator
    of each that ended. Returns how many ran."""
    jobs = await store.claim_join_jobs(now, LEASE, limit)
    for job in jobs:
        after = await advance(
            store, membership, notices, job, team_id=team_id, redirect_url=redirect_url, now=now
        )
        if after.status in (Status.DONE, Status.FAILED):
            await approvals.finished(after)
    return len(jobs)


async def arrived(store: Store, user_id: str, now: datetime) -> tuple[JoinRequest, list[Network]] | None:
    """Someone let in by a request appeared in the team: their request (once) and the active networks it
    asked for, to invite them into; the others are remembered for their launch
    (`JoinStore.join_interests`)."""
    person = await store.get_person(user_id)
    emails = [a.lower() for a in ((person.email, person.upn) if person else ()) if a]
    request = await store.claim_arrival(user_id, emails, now)
    if request is None:
        return None
    networks = await store.list_networks()
    wanted = [n for n in networks if n.key in request.networks and n.status is NetworkStatus.ACTIVE]
    return request, wanted


async def view(
    store: JoinStore, secret: bytes, *, request_id: str, signature: str, verb: str, is_coordinator: bool
) -> JoinRequest:
    """One request, for the coordinator who opens it from the list."""
    require_coordinator(is_coordinator)
    check_action(secret, request_id, verb, signature)
    request = await store.get_join_request(request_id)
    if request is None:
        raise NotFound("joins.error.unknown")
    return request
