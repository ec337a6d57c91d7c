"""`materiaalit` "Send to me" over real HTTP: the button on each file, the FileConsentCard in personal chat,
`fileConsent/invoke` accepted (the file streamed from the Graph sandbox and PUT, byte for byte and without a
token, to an upload-URL double, then a FileInfo card), declined, and refused for a forged, someone else's or
replayed context; in a channel the button explains that files go to personal chats only."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from bot.features.materials_send import FILE_CONSENT, FILE_INFO
from tests.harness.activities import LIISA, MATTI, TEAM_AAD, User, invoke
from tests.harness.cards import walk
from tests.materials.conftest import MaterialsWorld, sha
from tests.materials.test_filing import cards_of
from tests.materials.test_listing import FOLDER

SEND = "materials.send"


@dataclass
class UploadDouble:
    """Stands in for the OneDrive upload session Teams names in `uploadInfo.uploadUrl`."""

    puts: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    base: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.puts.append((dict(request.headers), body))
        return web.json_response({"id": "onedrive-item", "name": request.match_info["name"]}, status=201)

    def upload_info(self, name: str) -> dict[str, Any]:
        return {
            "contentUrl": f"https://vertaansa-my.sharepoint.com/personal/liisa/Documents/Applications/{name}",
            "name": name,
            "uploadUrl": f"{self.base}/upload/{name}?tempauth=x",
            "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C9D",
            "fileType": name.rpartition(".")[2],
        }


@pytest.fixture
async def uploads() -> AsyncIterator[UploadDouble]:
    double = UploadDouble()
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_put("/upload/{name}", double.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    double.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield double
    finally:
        await runner.cleanup()


def send_buttons(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The "Send to me" buttons of a card, by file name."""
    return {
        node["data"]["name"]: node
        for node in walk(card)
        if node.get("type") == "Action.Execute" and node.get("verb") == SEND
    }


async def button_for(w: MaterialsWorld, name: str, data: bytes, user: User = LIISA) -> dict[str, Any]:
    w.sandbox.seed_file(TEAM_AAD, f"{FOLDER}/{name}", data)
    (card,) = cards_of(await w.say("materiaalit hr", user))
    button = send_buttons(card)[name]
    assert button["title"] == ("Lähetä minulle" if user.locale.startswith("fi") else "Send to me")
    return button


async def offer(w: MaterialsWorld, button: dict[str, Any], user: User = LIISA) -> dict[str, Any]:
    """Click "Send to me" in personal chat; the FileConsentCard attachment the bot sent."""
    before = len(w.connector.sent)
    body = await w.act(SEND, button["data"], user)
    assert body["type"] == "application/vnd.microsoft.activity.message", body
    sent = await w.connector.settle(0.1)
    consents = [a for s in sent[before:] for a in s.attachments if a["contentType"] == FILE_CONSENT]
    assert len(consents) == 1, [s.body for s in sent[before:]]
    return {"text": body["value"], "attachment": consents[0]}


async def consent(
    w: MaterialsWorld, action: str, context: Any, upload: dict[str, Any] | None, user: User = LIISA
) -> list[dict[str, Any]]:
    """Answer the FileConsentCard; asserts the invoke got 200; returns what the bot said in the chat."""
    before = len(w.connector.sent)
    value: dict[str, Any] = {"type": "fileUpload", "action": action, "context": context}
    if upload is not None:
        value["uploadInfo"] = upload
    status, _ = await w.bot.post_json(invoke(w.connector.url, "fileConsent/invoke", value, user))
    assert status == 200
    sent = await w.connector.settle(0.15)
    return [s.body for s in sent[before:] if s.conversation_id == f"a:personal-{user.key}"]


async def test_accepting_sends_the_files_bytes_and_shows_a_file_info_card(
    mworld: MaterialsWorld, uploads: UploadDouble
) -> None:
    data = os.urandom(3 * 1024 * 1024 + 11)  # several chunks from Graph
    name = "Työhyvinvointi ja jaksaminen.pptx"
    offered = await offer(mworld, await button_for(mworld, name, data))
    assert offered["text"] == (
        f"Lähetin tiedoston {name} tähän keskusteluun. Hyväksy se kortilta, niin tallennan sen OneDriveesi."
    )
    attachment = offered["attachment"]
    assert attachment["name"] == name
    content = attachment["content"]
    assert content["sizeInBytes"] == len(data)
    assert name in content["description"]
    assert content["acceptContext"]["user"] == LIISA.aad

    # The invoke is answered at once; the outcome comes through the outbox once the bytes are there.
    await consent(mworld, "accept", content["acceptContext"], uploads.upload_info(name))
    await mworld.delivered(f"material-send:{content['acceptContext']['id']}", 1)
    (put,) = uploads.puts
    headers, body = put
    assert sha(body) == sha(data) and len(body) == len(data)
    assert headers["Content-Range"] == f"bytes 0-{len(data) - 1}/{len(data)}"
    assert "Authorization" not in headers
    infos = [a for s in mworld.connector.sent for a in s.attachments if a["contentType"] == FILE_INFO]
    assert infos == [
        {
            "contentType": FILE_INFO,
            "contentUrl": uploads.upload_info(name)["contentUrl"],
            "name": name,
            "content": {"uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C9D", "fileType": "pptx"},
        }
    ]

    # The same card accepted again (a replay) is refused and nothing more is uploaded.
    (again,) = await consent(mworld, "accept", content["acceptContext"], uploads.upload_info(name))
    assert "ei ole enää voimassa" in again["text"]
    assert len(uploads.puts) == 1


async def test_declining_says_ok_in_the_persons_language(
    mworld: MaterialsWorld, uploads: UploadDouble
) -> None:
    button = await button_for(mworld, "muistio.docx", b"notes", MATTI)
    content = (await offer(mworld, button, MATTI))["attachment"]["content"]
    (reply,) = await consent(mworld, "decline", content["declineContext"], None, MATTI)
    assert reply["text"] == "OK, I won't send muistio.docx."
    assert uploads.puts == []


async def test_a_forged_or_someone_elses_context_is_refused(
    mworld: MaterialsWorld, uploads: UploadDouble
) -> None:
    await button_for(mworld, "salainen.xlsx", b"secret numbers")
    button = await button_for(mworld, "julkinen.pdf", b"%PDF public")
    context = (await offer(mworld, button))["attachment"]["content"]["acceptContext"]
    secret_id = send_buttons(cards_of(await mworld.say("materiaalit hr", LIISA))[0])["salainen.xlsx"]
    forged = {**context, "item": secret_id["data"]["item"], "name": "salainen.xlsx"}
    (reply,) = await consent(mworld, "accept", forged, uploads.upload_info("salainen.xlsx"))
    assert reply["text"].startswith("Tämä tiedostotarjous ei ole enää voimassa")
    unsigned = {k: v for k, v in context.items() if k != "sig"}
    (reply,) = await consent(mworld, "accept", unsigned, uploads.upload_info("julkinen.pdf"))
    assert "ei ole enää voimassa" in reply["text"]
    # Liisa's genuine card, accepted by Matti: not his.
    (reply,) = await consent(mworld, "accept", context, uploads.upload_info("julkinen.pdf"), MATTI)
    assert reply["text"].startswith("This file offer is no longer valid or was made to someone else")
    assert uploads.puts == []
    # The genuine one still works for Liisa (the refusals did not use it up).
    await consent(mworld, "accept", context, uploads.upload_info("julkinen.pdf"))
    await mworld.delivered(f"material-send:{context['id']}", 1)
    assert [body for _, body in uploads.puts] == [b"%PDF public"]


async def test_a_file_outside_the_project_team_is_not_offered(mworld: MaterialsWorld) -> None:
    button = await button_for(mworld, "alustus.pptx", b"slides")
    data = {**button["data"], "drive": "b!someone-elses-onedrive"}
    body = await mworld.act(SEND, data, LIISA)
    assert body["type"] == "application/vnd.microsoft.error"
    assert body["value"]["message"] == "Voin lähettää vain hanketiimin verkostokanavien tiedostoja."


async def test_the_button_in_a_channel_says_files_go_to_personal_chats(mworld: MaterialsWorld) -> None:
    button = await button_for(mworld, "alustus.pptx", b"slides")
    before = len(mworld.connector.sent)
    body = await mworld.act(SEND, button["data"], LIISA, channel=True)
    assert body["type"] == "application/vnd.microsoft.error"
    assert body["value"]["message"].startswith(
        "Voin lähettää tiedostoja vain henkilökohtaisessa keskustelussa."
    )
    sent = await mworld.connector.settle(0.1)
    assert not [a for s in sent[before:] for a in s.attachments if a["contentType"] == FILE_CONSENT]
