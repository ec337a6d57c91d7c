"""Filing meeting materials over real HTTP: a file sent in personal chat, the meeting picked on a card, the
bytes streamed into the channel folder of the Graph sandbox, the sender and the channel told."""

from __future__ import annotations

import os
from typing import Any

from tests.harness.activities import LIISA, MAIJA, MATTI, group_message
from tests.materials.conftest import PEKKA, MaterialsWorld, draft_of, sha
from tests.networks.conftest import card_text

CARD = "application/vnd.microsoft.card.adaptive"


def cards_of(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [a["content"] for r in replies for a in r.get("attachments") or [] if a["contentType"] == CARD]


def choices(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The "which meeting?" cards among the replies (outcomes of earlier filings may arrive meanwhile)."""
    return [
        c for c in cards_of(replies) if any(a.get("verb") == "materials.file" for a in c.get("actions") or [])
    ]


async def file_into(
    w: MaterialsWorld, user: Any, name: str, data: bytes, meeting_id: str | None = None
) -> dict[str, Any]:
    """Send `name` as `user`, click "File it" for the meeting; returns the invoke body."""
    (choose,) = choices(await w.send_files(user, w.attachment(name, data)))
    return await w.act(
        "materials.file", {"draft": draft_of(choose), "meeting": meeting_id or w.meeting.id}, user
    )


async def test_a_presenter_files_slides_from_an_attachment(any_mworld: MaterialsWorld) -> None:
    mworld = any_mworld
    data = os.urandom(300_000)
    replies = await mworld.send_files(MATTI, mworld.attachment("Työhyvinvointi-diat.pptx", data))
    (choose,) = choices(replies)
    assert "Työhyvinvointi" in card_text(choose)
    assert mworld.files.requests == []  # nothing fetched before the meeting is chosen
    body = await mworld.act(
        "materials.file", {"draft": draft_of(choose), "meeting": mworld.meeting.id}, MATTI
    )
    assert body["type"] == CARD, body
    assert "Filing Työhyvinvointi-diat.pptx" in card_text(body["value"])
    report = await mworld.delivered(f"meeting:{mworld.meeting.id}:materials", 1)
    assert report.sent == 1
    await mworld.delivered(f"meeting:{mworld.meeting.id}:filing", 1)
    stored = mworld.sandbox.disk_path(
        "team-aad-vertaansa",
        "HR-kehittäjäverkosto/Tapaamiset/2026-11-13 Työhyvinvointi/Työhyvinvointi-diat.pptx",
    )
    assert sha(stored.read_bytes()) == sha(data)
    assert all("Authorization" not in headers for headers in mworld.files.requests)
    (post,) = mworld.channel_posts(mworld.hr_channel)
    assert "Työhyvinvointi-diat.pptx" in card_text(post) and MATTI.name in card_text(post)
    (filed,) = [c for c in await mworld.chat_cards(MATTI) if "is filed" in card_text(c)]
    url = next(a["url"] for a in filed["actions"] if a["type"] == "Action.OpenUrl")
    async with mworld.bot.session.get(url) as response:
        assert response.status == 200 and sha(await response.read()) == sha(data)
    # Anyone finds it with one message, with type, presenter and date.
    (answer,) = cards_of(await mworld.say("materiaalit hr", LIISA))
    text = card_text(answer)
    assert "Työhyvinvointi-diat.pptx" in text and "Diat" in text and MATTI.name in text
    assert url in text


async def test_a_name_sharepoint_refuses_is_filed_under_a_valid_name(mworld: MaterialsWorld) -> None:
    body = await file_into(mworld, MATTI, 'Q3: "budjetti" <luonnos>?.xlsx', b"budget")
    assert body["type"] == CARD, body
    await mworld.delivered(f"meeting:{mworld.meeting.id}:materials", 1)
    (filed,) = [c for c in await mworld.chat_cards(MATTI) if "is filed" in card_text(c)]
    assert "Q3 budjetti luonnos.xlsx" in card_text(filed)
    stored = mworld.sandbox.disk_path(
        "team-aad-vertaansa",
        "HR-kehittäjäverkosto/Tapaamiset/2026-11-13 Työhyvinvointi/Q3 budjetti luonnos.xlsx",
    )
    assert stored.read_bytes() == b"budget"
    body = await file_into(mworld, MATTI, "CON.pptx", b"reserved")
    await mworld.delivered(f"meeting:{mworld.meeting.id}:materials", 2)
    folder = "HR-kehittäjäverkosto/Tapaamiset/2026-11-13 Työhyvinvointi"
    assert mworld.sandbox.disk_path("team-aad-vertaansa", f"{folder}/_CON.pptx").read_bytes() == b"reserved"


async def test_a_60_mb_deck_is_streamed_through_an_upload_session(mworld: MaterialsWorld) -> None:
    data = os.urandom(60 * 1024 * 1024)
    mworld.files.chunked.add("iso-esitys.pptx")  # no Content-Length: spooled to a temporary file first
    body = await file_into(mworld, MATTI, "iso-esitys.pptx", data)
    assert body["type"] == CARD, body
    await mworld.delivered(f"meeting:{mworld.meeting.id}:materials", 1, within=120)
    stored = mworld.sandbox.disk_path(
        "team-aad-vertaansa", "HR-kehittäjäverkosto/Tapaamiset/2026-11-13 Työhyvinvointi/iso-esitys.pptx"
    )
    assert stored.stat().st_size == len(data) and sha(stored.read_bytes()) == sha(data)
    assert mworld.sandbox.open_upload_sessions() == 0
    assert any("createUploadSession" in line for line in mworld.sandbox.request_log)


async def test_a_file_too_large_is_refused_before_it_is_read(mworld: MaterialsWorld) -> None:
    mworld.files.claimed_sizes["valtava.mp4"] = 300 * 1024 * 1024
    body = await file_into(mworld, MATTI, "valtava.mp4", b"")
    assert body["type"] == CARD
    await mworld.delivered(f"meeting:{mworld.meeting.id}:filing", 1)
    (failed,) = [c for c in await mworld.chat_cards(MATTI) if "could not be filed" in card_text(c)]
    assert "250 MB" in card_text(failed)
    assert not any(a.get("verb") == "materials.file" for a in failed.get("actions") or [])
    assert mworld.channel_posts(mworld.hr_channel) == []


async def test_someone_who_is_no_presenter_cannot_file_into_the_meeting(mworld: MaterialsWorld) -> None:
    replies = await mworld.send_files(PEKKA, mworld.attachment("omat.pptx", b"x"))
    assert cards_of(replies) == []
    assert "Et ole minkään tapaamisen alustaja" in replies[0]["text"]
    # Pekka presents in another network's meeting, so he gets a card; he forges the HR meeting's id.
    other = await mworld.launch("johtamisosaaminen", "Johtamisosaamisen verkosto")
    assert other
    await mworld.add_meeting("johtamisosaaminen", "Arviointi", (PEKKA.aad,))
    (choose,) = choices(await mworld.send_files(PEKKA, mworld.attachment("omat.pptx", b"x")))
    assert "Työhyvinvointi" not in card_text(choose)
    body = await mworld.act(
        "materials.file", {"draft": draft_of(choose), "meeting": mworld.meeting.id}, PEKKA
    )
    assert body["type"] == "application/vnd.microsoft.error"
    assert "Vain tapaamisen Työhyvinvointi alustajat" in body["value"]["message"]
    assert mworld.files.requests == []
    # Matti cannot use Pekka's draft either.
    body = await mworld.act(
        "materials.file", {"draft": draft_of(choose), "meeting": mworld.meeting.id}, MATTI
    )
    assert body["type"] == "application/vnd.microsoft.error"
    assert "no longer waiting" in body["value"]["message"]
    # The facilitator and the coordinator may.
    for user in (LIISA, MAIJA):
        body = await file_into(mworld, user, f"{user.key}.docx", user.key.encode())
        assert body["type"] == CARD, body
    await mworld.delivered(f"meeting:{mworld.meeting.id}:materials", 2)


async def test_a_double_click_files_once_and_cancel_drops_the_draft(mworld: MaterialsWorld) -> None:
    (choose,) = choices(await mworld.send_files(MATTI, mworld.attachment("kerran.pdf", b"once")))
    data = {"draft": draft_of(choose), "meeting": mworld.meeting.id}
    first = await mworld.act("materials.file", data, MATTI)
    second = await mworld.act("materials.file", data, MATTI)
    assert first["type"] == CARD
    assert second["type"] == "application/vnd.microsoft.error"
    (choose,) = choices(await mworld.send_files(MATTI, mworld.attachment("peru.pdf", b"no")))
    body = await mworld.act("materials.cancel", {"draft": draft_of(choose)}, MATTI)
    assert "won't file peru.pdf" in card_text(body["value"])
    body = await mworld.act(
        "materials.file", {"draft": draft_of(choose), "meeting": mworld.meeting.id}, MATTI
    )
    assert body["type"] == "application/vnd.microsoft.error"
    await mworld.delivered(f"meeting:{mworld.meeting.id}:materials", 1)
    assert len(mworld.channel_posts(mworld.hr_channel)) == 1


async def test_graph_throttling_during_an_upload(mworld: MaterialsWorld) -> None:
    mworld.sandbox.inject(429, times=2, match="PUT", retry_after=0)
    body = await file_into(mworld, MATTI, "sitkea.pptx", b"retried")
    assert body["type"] == CARD
    await mworld.delivered(f"meeting:{mworld.meeting.id}:materials", 1)
    folder = "HR-kehittäjäverkosto/Tapaamiset/2026-11-13 Työhyvinvointi"
    assert mworld.sandbox.disk_path("team-aad-vertaansa", f"{folder}/sitkea.pptx").read_bytes() == b"retried"
    # Throttled past the retries: the sender is told and may try again.
    mworld.sandbox.inject(429, times=50, match="PUT", retry_after=0)
    body = await file_into(mworld, MATTI, "ruuhka.pptx", b"later")
    await mworld.delivered(f"meeting:{mworld.meeting.id}:filing", 2)
    (failed,) = [c for c in await mworld.chat_cards(MATTI) if "could not be filed" in card_text(c)]
    retry = next(a for a in failed["actions"] if a.get("verb") == "materials.file")
    assert not mworld.sandbox.disk_path("team-aad-vertaansa", f"{folder}/ruuhka.pptx").exists()
    mworld.sandbox.clear_faults()
    body = await mworld.act("materials.file", retry["data"], MATTI)
    assert body["type"] == CARD, body
    await mworld.delivered(f"meeting:{mworld.meeting.id}:materials", 2)
    assert mworld.sandbox.disk_path("team-aad-vertaansa", f"{folder}/ruuhka.pptx").read_bytes() == b"later"


async def test_a_link_is_filed_as_an_internet_shortcut(mworld: MaterialsWorld) -> None:
    replies = await mworld.say("materiaalit https://example.org/esitys/tyohyvinvointi?x=1", MATTI)
    (choose,) = choices(replies)
    body = await mworld.act(
        "materials.file", {"draft": draft_of(choose), "meeting": mworld.meeting.id}, MATTI
    )
    assert body["type"] == CARD
    await mworld.delivered(f"meeting:{mworld.meeting.id}:materials", 1)
    folder = "HR-kehittäjäverkosto/Tapaamiset/2026-11-13 Työhyvinvointi"
    shortcut = mworld.sandbox.disk_path(
        "team-aad-vertaansa", f"{folder}/example.org-esitys-tyohyvinvointi.url"
    )
    assert b"URL=https://example.org/esitys/tyohyvinvointi?x=1" in shortcut.read_bytes()
    (answer,) = cards_of(await mworld.say("materiaalit hr"))
    assert "Linkki" in card_text(answer)
    for bad in ("materiaalit http://example.org/x", "materiaalit https://"):
        (reply,) = await mworld.say(bad, MATTI)
        assert "does not look like a link" in reply["text"]


async def test_filing_into_a_network_without_a_channel(mworld: MaterialsWorld) -> None:
    await mworld.add_meeting("pedagoginen-johtaminen", "Arviointikulttuuri", (MATTI.aad,))
    (choose,) = choices(await mworld.send_files(MATTI, mworld.attachment("a.pptx", b"a")))
    meeting = next(c["value"] for c in choose["body"][1]["choices"] if "Arviointikulttuuri" in c["title"])
    body = await mworld.act("materials.file", {"draft": draft_of(choose), "meeting": meeting}, MATTI)
    assert body["type"] == "application/vnd.microsoft.error"
    assert "has no channel yet" in body["value"]["message"]
    assert mworld.files.requests == []


async def test_an_expired_download_link_asks_to_send_again(mworld: MaterialsWorld) -> None:
    attachment = mworld.attachment("vanhentunut.pptx")  # the file server no longer has it: 404
    (choose,) = choices(await mworld.send_files(MATTI, attachment))
    body = await mworld.act(
        "materials.file", {"draft": draft_of(choose), "meeting": mworld.meeting.id}, MATTI
    )
    assert body["type"] == CARD
    await mworld.delivered(f"meeting:{mworld.meeting.id}:filing", 1)
    (failed,) = [c for c in await mworld.chat_cards(MATTI) if "could not be filed" in card_text(c)]
    assert "send it again" in card_text(failed)
    assert not any(a.get("verb") == "materials.file" for a in failed.get("actions") or [])


async def test_files_are_taken_in_personal_chat_only(mworld: MaterialsWorld) -> None:
    activity = group_message(mworld.connector.url, "", MATTI, attachments=[mworld.attachment("a.pdf", b"a")])
    before = len(mworld.connector.sent)
    response = await mworld.bot.post(activity)
    assert response.status in (200, 201, 202)
    sent = await mworld.connector.settle(0.15)
    assert [s.text for s in sent[before:]] == ["Send me files and links in a personal chat."]


async def test_the_meeting_announcement_shows_a_file_once_it_has_landed(mworld: MaterialsWorld) -> None:
    store = mworld.world.store
    announcement = f"{mworld.hr_channel};messageid=777"
    await store.set_announcement(mworld.meeting.id, announcement, "777")
    body = await file_into(mworld, MATTI, "Alustus.pptx", b"slides")
    assert body["type"] == CARD, body
    await mworld.delivered(f"meeting:{mworld.meeting.id}:materials", 1)
    updates = [
        s for s in mworld.world.connector.sent if s.method == "PUT" and s.path.endswith("/activities/777")
    ]
    assert updates, "the channel's announcement card was not updated"
    assert "Alustus.pptx" in card_text(updates[-1].card)
