"""A file sent to the bot whose link names a host inside the network is never fetched (over HTTP, with a
resolver double behind the bot's downloads)."""

from __future__ import annotations

from bot.app import SERVICES
from bot.files import Downloads
from tests.harness.activities import MATTI
from tests.harness.resolver import Names
from tests.materials.conftest import MaterialsWorld, draft_of
from tests.materials.test_filing import choices
from tests.networks.conftest import card_text


async def test_the_bot_refuses_a_sent_file_whose_host_is_private(mworld: MaterialsWorld) -> None:
    """Over HTTP: Teams' downloadUrl naming a host that resolves inside the network is never fetched; the
    sender hears the link cannot be used and nothing is filed."""
    assert mworld.bot.app is not None
    names = Names({"files.example": [["10.0.0.5"]]})
    async with Downloads(loopback=True, resolver=lambda: names) as downloads:
        mworld.bot.app[SERVICES].downloads = downloads
        attachment = mworld.attachment("sisainen.pptx", b"internal")
        attachment["content"]["downloadUrl"] = "https://files.example/sisainen.pptx"
        (choose,) = choices(await mworld.send_files(MATTI, attachment))
        await mworld.act("materials.file", {"draft": draft_of(choose), "meeting": mworld.meeting.id}, MATTI)
        await mworld.delivered(f"meeting:{mworld.meeting.id}:filing", 1)
        (failed,) = [c for c in await mworld.chat_cards(MATTI) if "could not be filed" in card_text(c)]
        assert "send it again" in card_text(failed)
        assert names.calls == ["files.example"] and mworld.files.requests == []
        assert await mworld.store.materials_of_meetings([mworld.meeting.id]) == {}
