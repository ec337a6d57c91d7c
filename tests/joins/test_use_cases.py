"""The join use cases straight against the store (SQLite and PostgreSQL), with recording fakes for Graph
and the coordinators: two instances racing for a decision or a job, the steps kept across failures, the
form's rules, retention and erasure."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from core import join_flow
from core.errors import Invalid, NotAllowed, Unavailable
from core.joins import (
    FormInvalid,
    JoinRequest,
    Source,
    Status,
    Step,
    action_signature,
    check_form_token,
    clean_form,
    form_token,
)
from core.mydata import Identity
from core.retention import RetentionPolicy, apply_retention
from store import SqlStore

SECRET = b"k" * 32
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


class Coordinators:
    def __init__(self) -> None:
        self.asked: list[str] = []
        self.ended: list[str] = []

    async def ask(self, request: JoinRequest) -> int:
        self.asked.append(request.id)
        return 1

    async def finished(self, request: JoinRequest) -> None:
        self.ended.append(request.id)


class Graph:
    """Records the calls; `fail` raises once for the named step."""

    def __init__(self, tenant: set[str], fail: dict[str, Exception] | None = None) -> None:
        self.tenant = tenant
        self.fail = dict(fail or {})
        self.calls: list[str] = []

    def _maybe_fail(self, name: str) -> None:
        self.calls.append(name)
        if name in self.fail:
            raise self.fail.pop(name)

    async def add_member_by_address(self, team_id: str, address: str) -> str | None:
        self._maybe_fail("member")
        return f"id-{address}" if address in self.tenant else None

    async def invite_guest(self, email: str, name: str, redirect_url: str, language: str) -> str:
        self._maybe_fail("invite")
        return f"guest-{email}"

    async def add_group_member(self, group_id: str, user_id: str) -> None:
        self._maybe_fail("group")


class NoMail:
    async def tell(self, request: JoinRequest) -> bool:
        return False


async def _approved(store: SqlStore, email: str) -> JoinRequest:
    request = await store.add_join_request(
        JoinRequest(f"r-{email}", Source.INVITE, email, invited_by="aad-a")
    )
    assert await store.decide_join_request(request.id, Status.APPROVED, by="aad-c", note="", now=NOW)
    stored = await store.get_join_request(request.id)
    assert stored is not None
    return stored


async def test_one_decision_and_one_job_holder_across_instances(store: SqlStore) -> None:
    request = await store.add_join_request(JoinRequest("r1", Source.FORM, "a@x.fi", "A", "X"))
    signature = action_signature(SECRET, "r1", "join.approve")
    decisions = await asyncio.gather(
        *(
            join_flow.decide(
                store,
                SECRET,
                request_id=request.id,
                verb="join.approve",
                signature=signature,
                approve=True,
                note="",
                actor="aad-c",
                is_coordinator=True,
                now=NOW,
            )
            for _ in range(3)
        )
    )
    assert sorted(d.changed for d in decisions) == [False, False, True]
    with pytest.raises(NotAllowed):
        await join_flow.decide(
            store,
            SECRET,
            request_id=request.id,
            verb="join.decline",
            signature=signature,  # the approve button's signature on a decline
            approve=False,
            note="",
            actor="aad-c",
            is_coordinator=True,
            now=NOW,
        )
    claims = await asyncio.gather(*(store.claim_join_jobs(NOW, timedelta(minutes=2), 10) for _ in range(3)))
    assert sorted(len(c) for c in claims) == [0, 0, 1]
    assert await store.claim_join_jobs(NOW + timedelta(minutes=3), timedelta(minutes=2), 10)  # lease lapsed


async def test_a_step_that_succeeded_is_not_repeated_after_a_failure(store: SqlStore) -> None:
    graph = Graph(set(), fail={"group": Unavailable("graph.error.unavailable")})
    request = await _approved(store, "guest@elsewhere.fi")
    after = await join_flow.advance(
        store, graph, NoMail(), request, team_id="team", redirect_url="https://bot", now=NOW
    )
    assert (after.status, after.step, after.attempts) == (Status.APPROVED, Step.GROUP, 1)
    assert after.next_attempt_at is not None and after.next_attempt_at > NOW
    coordinators = Coordinators()
    ran = await join_flow.run_due(
        store,
        graph,
        NoMail(),
        coordinators,
        team_id="team",
        redirect_url="https://bot",
        now=NOW + timedelta(hours=2),
    )
    assert ran == 1 and coordinators.ended == [request.id]
    assert graph.calls == ["member", "invite", "group", "group"]  # invited once
    done = await store.get_join_request(request.id)
    assert done is not None and (done.status, done.guest, done.user_id) == (
        Status.DONE,
        True,
        "guest-guest@elsewhere.fi",
    )
    assert await store.join_interests("hr") == []


async def test_a_member_sends_twenty_invitations_a_day(store: SqlStore) -> None:
    for n in range(20):
        await join_flow.invite(
            store, Coordinators(), inviter="aad-a", text=f"p{n}@x.fi", locale="fi", now=NOW
        )
    with pytest.raises(join_flow.RateLimited):
        await join_flow.invite(
            store, Coordinators(), inviter="aad-a", text="one@more.fi", locale="fi", now=NOW
        )
    with pytest.raises(Invalid):
        await join_flow.invite(
            store, Coordinators(), inviter="aad-b", text="not an address", locale="fi", now=NOW
        )


def test_the_form_keeps_plain_text_within_its_limits() -> None:
    form = clean_form(
        " Aino\u202e  Esimerkki ", "AINO@Luksia.FI", "Luksia", ["hr"], "rivi 1\r\nrivi 2\x07", ["hr"]
    )
    assert (form.name, form.email, form.message) == ("Aino Esimerkki", "aino@luksia.fi", "rivi 1\nrivi 2")
    with pytest.raises(FormInvalid) as invalid:
        clean_form("", "not-an-address", "x" * 151, ["made-up"], "m" * 1001, ["hr"])
    assert set(invalid.value.errors) == {"name", "email", "organization", "networks", "message"}
    token = form_token(SECRET, "nonce", NOW)
    assert check_form_token(SECRET, token, "nonce", NOW + timedelta(minutes=5))
    assert not check_form_token(SECRET, token, "other-nonce", NOW)
    assert not check_form_token(SECRET, token, "nonce", NOW + timedelta(hours=3))


async def test_retention_and_erasure_cover_join_requests(store: SqlStore) -> None:
    await store.add_join_request(JoinRequest("old", Source.FORM, "old@x.fi", "Old"))
    running = await _approved(store, "running@x.fi")
    policy = RetentionPolicy(outbox=None, activities=timedelta(hours=1), audit=None, joins=timedelta(days=1))
    purged = await apply_retention(store, policy, datetime.now(UTC) + timedelta(days=2))
    assert purged.joins == 1 and [r.id for r in await store.join_requests(list(Status))] == [running.id]

    mine = await store.add_join_request(JoinRequest("mine", Source.FORM, "me@x.fi", "Me Myself"))
    await store.save_join_progress(
        JoinRequest(**{**mine.__dict__, "user_id": "aad-me", "status": Status.DONE})
    )
    invited = await store.add_join_request(
        JoinRequest("theirs", Source.INVITE, "friend@x.fi", invited_by="aad-me")
    )
    await store.erase_person(Identity("aad-me", emails=("me@x.fi",)), "pseudo-1")
    assert await store.get_join_request(mine.id) is None
    kept = await store.get_join_request(invited.id)
    assert kept is not None and kept.invited_by == "pseudo-1"
