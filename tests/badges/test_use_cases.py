"""The badge use cases (`core.badges`, `core.credentials`) straight against the store, with no bot and no
HTTP; a `Signer` fake stands in for the key (its "signature" is a hash the fake can check)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import pytest

from core import badges as b
from core.coaching import Actor, Method, Profile, save_profile
from core.coaching_rounds import CheckIn, RoundSpec, check_in, confirm_round, propose_round
from core.credentials import Issuer, encode_status_list, status_bit
from core.errors import Conflict, Invalid, NotAllowed, NotFound
from core.meetings import Meeting, Reach
from core.people import Person
from store import SqlStore
from store.badges import load_badge_classes
from store.coaching_file import load_themes
from tests.coaching.test_use_cases import Cards

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ISSUER = Issuer("https://bot.example.fi", "Vertaansa vailla")


class FakeSigner:
    kid = "fake-key"
    public_jwk: ClassVar[dict[str, Any]] = {"kty": "oct", "kid": "fake-key"}

    def sign(self, claims: Mapping[str, Any], key_url: str) -> str:
        body = base64.urlsafe_b64encode(json.dumps(dict(claims)).encode()).decode()
        return f"{key_url}.{body}.{hashlib.sha256(body.encode()).hexdigest()}"

    def verify(self, token: str, keys: Mapping[str, Mapping[str, Any]]) -> dict[str, Any] | None:
        _url, body, mark = token.rsplit(".", 2)
        if self.kid not in keys or hashlib.sha256(body.encode()).hexdigest() != mark:
            return None
        return json.loads(base64.urlsafe_b64decode(body))


async def _world(store: SqlStore) -> None:
    await store.seed_badge_classes(await load_badge_classes())
    for key in ("p1", "p2"):
        await store.upsert_person(Person(key, name=key.upper(), email=f"{key}@omnia.fi", locale="fi-FI"))


async def _meeting(store: SqlStore, presenter: str, starts: datetime) -> None:
    meeting = Meeting(f"m-{presenter}-{starts.day}", "hr", "Teema", starts, (presenter,), None, "")
    await store.create_meeting(meeting, Reach("https://smba.example", "t", "28:bot"))


async def test_presenting_earns_once_and_only_after_the_meeting_started(store: SqlStore) -> None:
    await _world(store)
    signer = FakeSigner()
    await _meeting(store, "p1", NOW + timedelta(days=1))
    assert await b.evaluate(store, store, signer, ISSUER, "p1", NOW) == []
    (award,) = await b.evaluate(store, store, signer, ISSUER, "p1", NOW + timedelta(days=2))
    assert award.class_key == "alustaja" and award.organization == "omnia"
    assert await b.evaluate(store, store, signer, ISSUER, "p1", NOW + timedelta(days=3)) == []
    assert await store.badge_candidates(NOW + timedelta(days=2)) == ["p1"]
    claims = signer.verify(award.jws, await store.signing_keys())
    assert claims is not None and claims["jti"] == ISSUER.credential_url(award.id)
    assert claims["credentialSubject"]["identifier"][0]["identityType"] == "emailAddress"
    assert "p1@omnia.fi" not in award.jws


async def test_manual_awards_revocation_and_verdicts(store: SqlStore) -> None:
    await _world(store)
    signer = FakeSigner()
    draft = b.BadgeClass("", "Sillanrakentaja", "Bridge builder", "d", "d", "c", "c", valid_months=1)
    with pytest.raises(NotAllowed):
        await b.define_class(store, draft, is_coordinator=False)
    badge = await b.define_class(store, draft, is_coordinator=True)
    assert badge.key == "sillanrakentaja" and badge.rule is b.Rule.MANUAL
    with pytest.raises(Conflict):
        await b.define_class(store, draft, is_coordinator=True)
    with pytest.raises(NotAllowed):
        await b.award_by_hand(
            store, store, signer, ISSUER, badge.key, ["p1@omnia.fi"], is_coordinator=False, by="p2", now=NOW
        )
    done = await b.award_by_hand(
        store,
        store,
        signer,
        ISSUER,
        badge.key,
        ["P1@omnia.fi", "x@y.fi"],
        is_coordinator=True,
        by="p2",
        now=NOW,
    )
    (award,) = done.awards
    assert [o.person is None for o in done.outcomes] == [False, True]
    assert (await b.verify_award(store, signer, award.id, NOW)).verdict is b.Verdict.VALID
    assert (
        await b.verify_award(store, signer, award.id, NOW + timedelta(days=40))
    ).verdict is b.Verdict.EXPIRED
    with pytest.raises(NotAllowed):
        await b.revoke(store, award.id, "", is_coordinator=False, now=NOW)
    with pytest.raises(NotFound):
        await b.revoke(store, "nope", "", is_coordinator=True, now=NOW)
    await b.revoke(store, award.id, "väärin", is_coordinator=True, now=NOW)
    assert (await b.verify_award(store, signer, award.id, NOW)).verdict is b.Verdict.REVOKED
    assert list(await store.revoked_indexes()) == [award.status_index]
    with pytest.raises(Conflict):
        await b.own_award(store, "p1", award.id)
    with pytest.raises(NotFound):
        await b.own_award(store, "p2", award.id)
    counts = await b.counts(store, is_coordinator=True)
    assert (counts.by_class, counts.revoked) == ({}, 1)


async def test_a_tampered_stored_credential_is_invalid(store: SqlStore) -> None:
    await _world(store)
    signer = FakeSigner()
    badge = (await store.list_badge_classes())[0]
    award = await b.issue(store, signer, ISSUER, badge, Person("p1", email="p1@omnia.fi"), NOW)
    assert award is not None
    url, body, mark = award.jws.rsplit(".", 2)
    async with store.engine.begin() as conn:
        from sqlalchemy import text

        forged = f"{url}.{body[:-4]}AAAA.{mark}"
        await conn.execute(
            text("UPDATE badge_awards SET jws = :jws WHERE id = :id"), {"jws": forged, "id": award.id}
        )
    assert (await b.verify_award(store, signer, award.id, NOW)).verdict is b.Verdict.INVALID


def test_class_rules_keys_and_the_status_list() -> None:
    assert b.key_for("Verkostojen ärjä Öö", []) == "verkostojen-arja-oo"
    assert b.key_for("Alustaja", ["alustaja"]) == "alustaja-2"
    with pytest.raises(Invalid):
        b.validate_class(b.BadgeClass("ok", "", "x", "d", "d", "c", "c"))
    with pytest.raises(Invalid):
        b.validate_class(b.BadgeClass("ok", "x", "x", "d", "d", "c", "c", color="pink"))
    assert b.add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    encoded = encode_status_list([0, 7, 131071])
    assert encoded.startswith("u") and len(encoded) < 300
    assert [status_bit(encoded, i) for i in (0, 1, 7, 8, 131071)] == [True, False, True, False, True]
    with pytest.raises(ValueError):
        encode_status_list([131072])


async def test_a_coaching_check_in_that_says_we_met_earns_the_peer_coach_badge(store: SqlStore) -> None:
    await _world(store)
    themes = await load_themes()
    orgs = ["omnia", "tredu"]
    for i, key in enumerate(("p1", "p2")):
        profile = Profile(key, orgs[i], themes=("hoks",), methods=(Method.SPARRING,))
        await save_profile(store, Actor(key), profile, themes, orgs)
    boss = Actor("boss", coordinator=True)
    reach = Reach("https://smba.example")
    spec = RoundSpec(2)
    await propose_round(store, boss, spec, themes, round_id="r1", now=NOW, today=NOW.date(), reach=reach)
    await confirm_round(store, boss, Cards(), "r1", now=NOW, chats=False)
    signer = FakeSigner()
    assert await store.badge_candidates(NOW) == []
    await check_in(store, Actor("p2"), CheckIn("r1", "", False), NOW)  # "not yet" earns nothing
    assert await b.evaluate(store, store, signer, ISSUER, "p2", NOW) == []
    await check_in(store, Actor("p1"), CheckIn("r1", "", True, Method.SPARRING), NOW)
    assert await store.badge_candidates(NOW) == ["p1"]
    (award,) = await b.evaluate(store, store, signer, ISSUER, "p1", NOW)
    assert award.class_key == "vertaisvalmentaja" and award.organization == "omnia"
    assert await b.evaluate(store, store, signer, ISSUER, "p1", NOW) == []
