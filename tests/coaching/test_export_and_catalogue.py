"""The coordinator's CSV of pairs and groups through Teams' file consent (personal chat only, a signed
single-use context, Finnish Excel's format), and the organisation catalogue grown from Teams."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from tests.coaching.conftest import AINO, Coaching, text_of
from tests.harness.activities import LIISA, MAIJA, MATTI, invoke
from tests.materials.test_send import UploadDouble, uploads  # noqa: F401 (the upload-URL double fixture)

FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"


async def _confirmed_pair(cw: Coaching) -> str:
    await cw.join(MATTI, organization="tredu")
    await cw.join(LIISA, organization="vamia")
    await cw.act("coaching.round.propose", {"size": "2"})
    round_id = (await cw.store.proposal()).id
    await cw.act("coaching.round.confirm", {"round": round_id})
    return round_id


async def _consent(cw: Coaching, context: Any, upload: dict[str, Any], action: str = "accept") -> list[dict]:  # type: ignore[type-arg]
    before = len(cw.world.connector.sent)
    value = {"type": "fileUpload", "action": action, "context": context, "uploadInfo": upload}
    status, _ = await cw.world.bot.post_json(
        invoke(cw.world.connector.url, "fileConsent/invoke", value, MAIJA)
    )
    assert status == 200
    sent = await cw.world.connector.settle(0.15)
    return [s.body for s in sent[before:] if s.conversation_id == f"a:personal-{MAIJA.key}"]


async def test_the_csv_goes_to_the_coordinator_alone_in_finnish_excels_format(
    cw: Coaching,
    uploads: UploadDouble,  # noqa: F811
) -> None:
    await _confirmed_pair(cw)
    refused = await cw.act("coaching.export", {}, MATTI)
    assert refused["type"] == "application/vnd.microsoft.error"
    before = len(cw.world.connector.sent)
    body = await cw.act("coaching.export")
    assert body["type"] == "application/vnd.microsoft.activity.message"
    sent = await cw.world.connector.settle(0.1)
    (offer,) = [a for s in sent[before:] for a in s.attachments if a["contentType"] == FILE_CONSENT]
    context = offer["content"]["acceptContext"]
    replies = await _consent(cw, context, uploads.upload_info(offer["name"]))
    (headers, data) = uploads.puts[-1]
    assert "Authorization" not in headers
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:5] == ["Kierroksen päivä", "Kierros", "Ryhmä", "Koko", "Nimi"]
    assert {r[4] for r in rows[1:]} == {MATTI.name, LIISA.name}
    assert {r[6] for r in rows[1:]} == {"Tredu", "Vamia"}
    # The round's time as the survey export writes one (core.spreadsheets): Excel reads it as a date.
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", r[0]) for r in rows[1:]), rows
    assert text.endswith("\r\n") and "\r\n" in text[: text.index(LIISA.name)]
    assert any(a["contentType"] == FILE_INFO for r in replies for a in r.get("attachments") or [])
    again = await _consent(cw, context, uploads.upload_info(offer["name"]))  # replayed
    assert "Pyydä se uudelleen" in text_of(again)
    forged = {**context, "user": MATTI.aad}
    assert "Pyydä se uudelleen" in text_of(await _consent(cw, forged, uploads.upload_info("x.csv")))


async def test_the_coordinator_grows_the_catalogue_to_76_from_teams(cw: Coaching) -> None:
    before = len(await cw.store.list_organizations())
    lines = "\n".join(f"Koulutuksen järjestäjä {i} (KJ{i}); kj{i}.fi" for i in range(76 - before))
    card = text_of((await cw.act("coaching.organizations.add", {"organizations": lines}))["value"])
    assert "Organisaatiot (76)" in card and f"Tallennettu: {76 - before} organisaatiota" in card
    bad = text_of(
        (await cw.act("coaching.organizations.add", {"organizations": "Opisto; ei-domain"}))["value"]
    )
    assert "Rivi 1" in bad and len(await cw.store.list_organizations()) == 76
    seeded = text_of(
        (await cw.act("coaching.organizations.add", {"organizations": "Omnia; uusi-omnia.fi"}))["value"]
    )
    assert "asetustiedosto" in seeded
    added = await cw.act(
        "coaching.organizations.domains",
        {"organization": "koulutuksen-jarjestaja-0", "domains": "tuntematon-opisto.fi"},
    )
    assert "Verkkotunnukset lisätty" in text_of(added["value"])
    # Aino's email domain now names her organisation in her profile card.
    await cw.store.upsert_person(await cw.store.get_person(AINO.aad))
    profile = await cw.world.say("valmennus", AINO)
    assert '"value": "koulutuksen-jarjestaja-0"' in text_of(profile[-1]["attachments"][0]["content"])
    refused = await cw.act("coaching.organizations.add", {"organizations": "X; x.fi"}, MATTI)
    assert refused["type"] == "application/vnd.microsoft.error"
