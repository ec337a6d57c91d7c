"""Badges over HTTP in Finnish and English: an automatic award for a meeting presented (on `merkit` and by
the scheduler), the coordinator defining a class and awarding it by hand, a revocation that the
verification page (HTML and JSON) and the status list show, and a member trying to award or revoke."""

from __future__ import annotations

import json

from core.badges import BadgeClass, issue
from tests.assessment.conftest import buttons, text_of, walk
from tests.badges.conftest import CARD, ERROR, BadgeWorld
from tests.badges.ob3 import status_bit
from tests.harness.activities import LIISA, MAIJA, MATTI
from tests.meetings.conftest import EMILIA, PEKKA


def _card(reply: dict) -> dict:
    (attachment,) = reply["attachments"]
    return attachment["content"]


async def test_presenting_at_a_meeting_earns_the_presenter_badge(bw: BadgeWorld) -> None:
    await bw.past_meeting((MATTI.aad, PEKKA.aad))
    (reply,) = await bw.say("badges", MATTI)
    mine = _card(reply)
    assert "Your badges" in text_of(mine) and "Presenter" in text_of(mine) and "valid" in text_of(mine)
    (award,) = await bw.store.awards_of(MATTI.aad)
    assert award.class_key == "alustaja" and award.locale == "en"
    queued = await bw.queued_cards("badge:alustaja")
    card = queued[MATTI.aad]
    assert card["summary"] == "You earned the badge Presenter"
    content = card["attachments"][0]["content"]
    assert "You earned a badge: Presenter" in text_of(content)
    images = [n["url"] for n in walk(content) if n.get("type") == "Image"]
    assert images == [f"{bw.url}/badges/classes/alustaja/image.png"]
    links = [n["url"] for n in walk(content) if n.get("type") == "Action.OpenUrl"]
    assert links == [f"{bw.url}/badges/credentials/{award.id}"]
    assert buttons(content)["badges.download"]["data"] == {"award": award.id}

    # The other presenter gets it from the scheduler, without asking; a second round gives nothing twice.
    services = bw.services
    assert await services.badge_evaluator.tick() == 1
    assert await services.badge_evaluator.tick() == 0
    (pekka,) = await bw.store.awards_of(PEKKA.aad)
    assert pekka.class_key == "alustaja" and pekka.locale == "fi"
    assert (await bw.queued_cards("badge:alustaja"))[PEKKA.aad]["summary"] == "Sait osaamismerkin Alustaja"
    status, kind, _image = await bw.get("/badges/classes/alustaja/image.png")
    assert status == 200 and kind.startswith("image/png")


async def test_a_meeting_yet_to_come_earns_nothing(bw: BadgeWorld) -> None:
    await bw.past_meeting((EMILIA.aad,), days=-3)  # three days ahead
    (reply,) = await bw.say("merkit", EMILIA)
    assert "Sinulla ei ole vielä osaamismerkkejä" in text_of(_card(reply))
    assert await bw.store.awards_of(EMILIA.aad) == []


async def test_the_coordinator_defines_awards_and_revokes(bw: BadgeWorld) -> None:
    (reply,) = await bw.say("merkit", MAIJA)
    manage = await bw.world.act(buttons(_card(reply))["badges.manage"]["verb"], {}, MAIJA)
    assert manage["type"] == CARD and "Osaamismerkit" in text_of(manage["value"])
    form = await bw.world.act("badges.new_class", {}, MAIJA)
    assert "Uusi osaamismerkki" in text_of(form["value"])
    values = {
        "name_fi": "Verkostojen rakentaja",
        "name_en": "Network builder",
        "description_fi": "Rakentaa yhteistyötä oppilaitosten välille.",
        "description_en": "Builds cooperation between providers.",
        "criteria_fi": "Käynnistänyt uuden vertaisverkoston.",
        "criteria_en": "Started a new peer network.",
        "color": "purple",
        "emblem": "bridge",
        "valid_months": "24",
    }
    saved = await bw.world.act("badges.save_class", values, MAIJA)
    assert "Merkki Verkostojen rakentaja on tallennettu." in text_of(saved["value"])
    badge = await bw.store.get_badge_class("verkostojen-rakentaja")
    assert badge is not None and badge.rule.value == "manual" and badge.valid_months == 24

    people = f"{LIISA.email}, nobody@example.invalid\n{LIISA.email}"
    awarded = await bw.world.act("badges.award", {"class": badge.key, "people": people}, MAIJA)
    text = text_of(awarded["value"])
    assert "Liisa Korhonen" in text and "nobody@example.invalid" in text
    (award,) = await bw.store.awards_of(LIISA.aad)
    assert award.valid_until is not None and award.awarded_by == MAIJA.aad
    again = await bw.world.act("badges.award", {"class": badge.key, "people": LIISA.email}, MAIJA)
    assert LIISA.email in text_of(again["value"]) and len(await bw.store.awards_of(LIISA.aad)) == 1

    status, kind, page = await bw.get(f"/badges/credentials/{award.id}")
    assert status == 200 and kind.startswith("text/html")
    assert 'data-status="valid"' in page and "Merkki on aito ja voimassa." in page
    assert "Liisa" not in page and LIISA.email not in page  # the page names no one

    recipients = await bw.world.act("badges.class_awards", {"class": badge.key}, MAIJA)
    assert "Liisa Korhonen" in text_of(recipients["value"])
    revoked = await bw.world.act(
        "badges.revoke", {"award": award.id, "class": badge.key, f"reason.{award.id}": "Väärä saaja"}, MAIJA
    )
    assert "Merkki on peruttu" in text_of(revoked["value"])
    status, _, page = await bw.get(f"/badges/credentials/{award.id}")
    assert 'data-status="revoked"' in page and "Merkki on peruttu." in page and "Väärä saaja" not in page
    status, _, english = await bw.get(f"/badges/credentials/{award.id}?lang=en")
    assert "This badge has been revoked." in english and 'lang="en"' in english
    status, kind, raw = await bw.get(f"/badges/credentials/{award.id}", Accept="application/json")
    verdict = json.loads(raw)
    assert (
        kind.startswith("application/json") and verdict["status"] == "revoked" and verdict["signatureValid"]
    )
    assert (await bw.queued_cards("badge:verkostojen-rakentaja"))[LIISA.aad]  # told in her chat
    downloaded = await bw.world.act("badges.download", {"award": award.id}, LIISA)
    assert downloaded["type"] == ERROR and "peruttu" in downloaded["value"]["message"]

    # The status list says so too: its bit for this award is set.
    status, kind, token = await bw.get("/badges/status/1")
    assert kind.startswith("application/vc+jwt")
    payload = json.loads(_b64(token.split(".")[1]))
    assert status_bit(payload["credentialSubject"]["encodedList"], award.status_index)

    counts = await bw.world.act("badges.manage", {}, MAIJA)
    assert "peruttuja: 1" in text_of(counts["value"])


async def test_a_member_can_neither_award_nor_revoke_nor_manage(bw: BadgeWorld) -> None:
    await bw.past_meeting((MATTI.aad,))
    await bw.say("badges", MATTI)
    (award,) = await bw.store.awards_of(MATTI.aad)
    for verb, data in (
        ("badges.award", {"class": "alustaja", "people": LIISA.email}),
        ("badges.revoke", {"award": award.id, "class": "alustaja"}),
        ("badges.manage", {}),
        ("badges.new_class", {}),
        ("badges.save_class", {"name_fi": "X", "name_en": "X"}),
        ("badges.class_awards", {"class": "alustaja"}),
    ):
        body = await bw.world.act(verb, data, LIISA)
        assert body["type"] == ERROR, verb
        assert body["value"]["message"] == "Merkkejä hallinnoi, myöntää ja peruu vain projektipäällikkö."
    assert await bw.store.awards_of(LIISA.aad) == []
    assert (await bw.store.get_award(award.id)).revoked_at is None
    # Someone else's badge cannot be downloaded either.
    body = await bw.world.act("badges.download", {"award": award.id}, LIISA)
    assert body["type"] == ERROR


async def test_an_expired_badge_says_so(bw: BadgeWorld) -> None:
    from datetime import UTC, datetime, timedelta

    services = bw.services
    badge = BadgeClass("kurssi", "Kurssi", "Course", "d", "d", "c", "c", valid_months=1)
    await bw.store.save_badge_class(badge)
    person = await bw.store.get_person(LIISA.aad)
    long_ago = datetime.now(UTC) - timedelta(days=80)
    signer = await services.badges.signer()
    award = await issue(bw.store, signer, services.badges.issuer, badge, person, long_ago)
    _status, _, page = await bw.get(f"/badges/credentials/{award.id}")
    assert 'data-status="expired"' in page and "Merkin voimassaolo on päättynyt." in page
    (reply,) = await bw.say("merkit", LIISA)
    assert "vanhentunut" in text_of(_card(reply))


async def test_unknown_and_malformed_ids_are_404(bw: BadgeWorld) -> None:
    for path in (
        "/badges/credentials/nope",
        "/badges/credentials/..%2F..",
        "/badges/classes/x%20y",
        "/badges/keys/k",
    ):
        status, _, _ = await bw.get(path)
        assert status == 404, path


def _b64(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_the_counts_per_organisation_are_a_table_with_whole_names() -> None:
    """A FactSet cuts its title column on a phone; long organisation names get a table's wrapping cells."""
    from bot.i18n import Catalogs
    from cards.badges import manage_card
    from cards.base import to_json
    from core.badges import Counts

    long_name = "Keski-Pohjanmaan koulutusyhtymä, ammatillinen aikuiskoulutus"
    for lang, header in (("fi", ["Organisaatio", "Merkkejä"]), ("en", ["Organisation", "Badges"])):
        t = Catalogs().for_locale(lang)
        counts = Counts({"alustaja": 1235}, {"kpedu": 1234, "": 1}, 0)
        card = to_json(manage_card(t, [], counts, {"kpedu": long_name}))
        assert not [n for n in walk(card) if n.get("type") == "FactSet"]
        (table,) = [n for n in walk(card) if n.get("type") == "Table"]
        rows = [[c["items"][0]["text"] for c in row["cells"]] for row in table["rows"]]
        unknown = t("badges.manage.unknown_org")
        assert rows == [header, [long_name, t.number(1234)], [unknown, "1"]]
        assert all(c["items"][0]["wrap"] for row in table["rows"] for c in row["cells"])
