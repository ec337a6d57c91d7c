"""Invitations and approvals over HTTP, in Finnish (Maija) and English (Matti, also a coordinator here):
the bot on a port, the coordinator's cards through the connector double, Graph calls to the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import SERVICES
from bot.schedules.joins import JoinScheduler
from cards import joins as cards
from core.joins import JoinRequest, Status
from tests.harness.activities import LIISA, MAIJA, MATTI, TEAM_AAD, User, card_action, team_install
from tests.networks.conftest import World, card_text, open_world


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    settings = {"COORDINATORS": "aad-maija,aad-matti", "MAIL_SENDER": "vertaisbotti@omnia.fi"}
    async for opened in open_world(tmp_path, url, **settings):
        yield opened


async def invited(world: World, text: str, by: User, coordinator: User) -> tuple[JoinRequest, dict[str, Any]]:
    """`by` writes `text`; the request, and the approval card that reached `coordinator`."""
    [receipt] = await world.say(text, by)
    assert receipt["attachments"], receipt
    [request] = await world.store.join_requests([Status.PENDING])
    await world.delivered(f"join:{request.id}:ask", 2)
    found = [card_text(c) for c in await world.chat_cards(coordinator)]
    [card] = [
        c
        for c, text in zip(await world.chat_cards(coordinator), found, strict=True)
        if cards.APPROVE in text and request.email in text
    ]
    return request, card


def button(card: dict[str, Any], verb: str) -> dict[str, Any]:
    return next(a["data"] for a in card["actions"] if a["verb"] == verb)


def members(world: World) -> list[str]:
    return world.sandbox.members(TEAM_AAD)


async def test_a_tenant_user_is_added_once_however_often_approved(world: World) -> None:
    user_id = world.sandbox.seed_user("pekka.uusi@omnia.fi")
    request, card = await invited(world, "kutsu Pekka.Uusi@omnia.fi hr-kehittäjä", LIISA, MAIJA)
    assert request.networks == ("hr-kehittajat",) and request.invited_by == LIISA.aad
    assert "Liisa Korhonen" in card_text(card) and "HR-kehittäjäverkosto" in card_text(card)

    approve = {**button(card, cards.APPROVE), "note": "Tervetuloa!"}
    first = await world.act(cards.APPROVE, approve, MAIJA)
    assert "lisätty hanketiimin jäseneksi" in card_text(first["value"])
    again = await world.act(cards.APPROVE, approve, MAIJA)  # a double click, or the card replayed
    assert "jo käsitelty" in card_text(again["value"])
    declined_late = await world.act(cards.DECLINE, button(card, cards.DECLINE), MATTI)
    assert "had been handled already" in card_text(declined_late["value"])
    assert members(world) == [user_id]
    done = await world.store.get_join_request(request.id)
    assert done is not None and (done.status, done.user_id, done.note) == (
        Status.DONE,
        user_id,
        "Tervetuloa!",
    )
    actions = [e.action for e in await world.store.audit_entries(target=f"join:{request.id}")]
    assert actions == ["join.told", "join.member_added", "join.approved", "join.request"]
    [mail] = world.sandbox.mail  # told from the bot's mailbox, in the language of the invitation
    assert mail["from"] == "vertaisbotti@omnia.fi" and "Tervetuloa!" in mail["body"]["content"]
    assert mail["toRecipients"] == [{"emailAddress": {"address": "pekka.uusi@omnia.fi"}}]

    # a forged button (another request's signature) and someone who is not the coordinator are refused
    forged = await world.act(cards.APPROVE, {**approve, "request": "another"}, MAIJA)
    assert forged["statusCode"] == 400 and "ei tunnistettu" in forged["value"]["message"]
    status, body = await world.bot.post_json(_action(world, cards.APPROVE, approve, LIISA))
    assert status == 200 and "Vain projektipäällikkö" in body["value"]["message"]
    [refused] = await world.say("pyynnöt", LIISA)
    assert refused["text"] == "Vain projektipäällikkö voi käsitellä liittymispyyntöjä."
    [usage] = await world.say("kutsu", LIISA)
    assert usage["text"].startswith("Kirjoita kutsuttavan sähköpostiosoite")


def _action(world: World, verb: str, data: dict[str, Any], user: User) -> dict[str, Any]:
    return card_action(world.connector.url, verb, data, user)


async def test_someone_from_outside_is_invited_as_a_guest_and_welcomed_on_arrival(world: World) -> None:
    # Graph throttles the invitation once (kiota waits the Retry-After and asks again), then the group
    # answers 502, which only the membership job retries
    world.sandbox.inject(429, times=1, match="POST /invitations", retry_after=1)
    world.sandbox.inject(502, times=1, match="POST /groups")
    request, card = await invited(world, "invite aino@luksia.fi", MATTI, MATTI)
    first = await world.act(cards.APPROVE, button(card, cards.APPROVE), MATTI)
    assert "The bot will try again" in card_text(first["value"])
    waiting = await world.store.get_join_request(request.id)
    assert waiting is not None and waiting.status is Status.APPROVED and waiting.attempts == 1

    assert world.bot.app is not None
    later = datetime.now(UTC) + timedelta(hours=2)
    assert await JoinScheduler(world.bot.app[SERVICES], clock=lambda: later).tick() == 1
    done = await world.store.get_join_request(request.id)
    assert done is not None and (done.status, done.guest) == (Status.DONE, True)
    assert world.sandbox.member_roles(TEAM_AAD, done.user_id or "") == ["guest"]
    sent = world.sandbox.request_log
    assert sum("POST /v1.0/invitations" in r for r in sent) == 2  # throttled once, never sent again
    await world.delivered(f"join:{request.id}:outcome", 1)  # the deciding coordinator hears of it
    assert any("added to the project team as a guest" in card_text(c) for c in await world.chat_cards(MATTI))

    # the guest redeems the invitation and Teams says they are in the team: welcomed once, in English
    guest = User("aino", "Aino Esimerkki", "aino@luksia.fi", "en-US")
    world.connector.members = [guest.member() | {"aadObjectId": done.user_id}]
    arrival = team_install(world.connector.url)
    arrival["membersAdded"] = [{"id": guest.id, "aadObjectId": done.user_id}]
    for _ in range(2):
        assert (await world.bot.post(arrival)).status == 200
    await world.delivered(f"join:{request.id}:welcome", 1)
    report = await world.store.delivery_counts(f"join:{request.id}:welcome")
    assert report.total == 1


async def test_already_a_member_declined_and_refused_by_policy(world: World) -> None:
    world.sandbox.switches.member_conflict = True  # Graph answering 409 for someone in the team already
    user_id = world.sandbox.seed_user("liisa.korhonen@vamia.fi")
    assert world.bot.app is not None
    await world.bot.app[SERVICES].workspace.add_member(TEAM_AAD, user_id)  # in the team already
    request, card = await invited(world, "kutsu liisa.korhonen@vamia.fi", MAIJA, MAIJA)
    answer = await world.act(cards.APPROVE, button(card, cards.APPROVE), MAIJA)
    assert "lisätty hanketiimin jäseneksi" in card_text(answer["value"])

    world.sandbox.switches.guest_invitations = False
    request, card = await invited(world, "invite someone@elsewhere.example", MATTI, MATTI)
    answer = await world.act(cards.APPROVE, button(card, cards.APPROVE), MATTI)
    assert "external collaboration settings do not allow" in card_text(answer["value"])
    failed = await world.store.get_join_request(request.id)
    assert failed is not None and failed.status is Status.FAILED

    request, card = await invited(world, "kutsu toinen@elsewhere.example", MAIJA, MAIJA)
    answer = await world.act(cards.DECLINE, {**button(card, cards.DECLINE), "note": "Ei nyt."}, MAIJA)
    assert "Hylätty." in card_text(answer["value"])
    declined = world.sandbox.mail[-1]
    assert declined["toRecipients"][0]["emailAddress"]["address"] == "toinen@elsewhere.example"
    assert (
        "ei tällä kertaa hyväksytty" in declined["body"]["content"]
        and "Ei nyt." in declined["body"]["content"]
    )
    [listing] = await world.say("pyynnöt", MAIJA)
    shown = card_text(listing["attachments"][0]["content"])
    assert "someone@elsewhere.example" in shown and "lisääminen ei onnistunut" in shown  # failed: listed
    assert "toinen@elsewhere.example" not in shown  # declined: done with
