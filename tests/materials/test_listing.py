"""`materiaalit` over real HTTP: meetings newest first with their files, merged from the records and the
channel folders in the Graph sandbox (files people dropped in the Files tab included), Graph search with
Finnish words (in names and in content, hits placed in their meeting though search results carry no folder
path; parts of compound names; never another channel's files, though Graph's search returns them; a file
filed a moment ago while the index lags), search words alone searching every network, 1,000 files across
20 networks within the card budget, and the answer when Graph is down."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from core.networks import Network, NetworkStatus
from tests.harness.activities import LIISA, MATTI, TEAM_AAD
from tests.materials.conftest import HR, HR_CHANNEL_NAME, MaterialsWorld
from tests.materials.test_filing import cards_of, file_into
from tests.networks.conftest import card_text, open_world

FOLDER = f"{HR_CHANNEL_NAME}/Tapaamiset/2026-11-13 Työhyvinvointi"


def texts(card: dict[str, Any]) -> list[str]:
    """The TextBlock texts of a card, in order."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card.get("body"))
    return found


async def answer(w: MaterialsWorld, text: str, user: Any = LIISA) -> dict[str, Any]:
    (card,) = cards_of(await w.say(text, user))
    return card


async def test_a_meeting_with_no_materials(mworld: MaterialsWorld) -> None:
    card = await answer(mworld, "materiaalit hr")
    lines = texts(card)
    assert any(line.startswith("Työhyvinvointi – ") for line in lines)
    assert "Tähän tapaamiseen ei ole vielä lisätty materiaaleja." in lines


async def test_files_dropped_in_the_channel_are_found_beside_filed_ones(mworld: MaterialsWorld) -> None:
    body = await file_into(mworld, MATTI, "alustus.pptx", b"slides")
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    await mworld.delivered(f"meeting:{mworld.meeting.id}:materials", 1)
    mworld.sandbox.seed_file(TEAM_AAD, f"{FOLDER}/pienryhmät.docx", b"groups", author="Liisa Korhonen")
    # A folder nobody planned through the bot, and a file outside Tapaamiset (not a meeting material).
    mworld.sandbox.seed_file(
        TEAM_AAD, f"{HR_CHANNEL_NAME}/Tapaamiset/2025-02-03 Perehdytys/muistio.pdf", b"m"
    )
    mworld.sandbox.seed_file(TEAM_AAD, f"{HR_CHANNEL_NAME}/säännöt.docx", b"rules")
    older = await mworld.add_meeting(HR, "Rekrytointi", (LIISA.aad,), days=-60)
    assert older
    card = await answer(mworld, "materiaalit hr")
    lines = texts(card)
    headings = [line for line in lines if " – " in line]
    assert [h.split(" – ")[0] for h in headings] == ["Työhyvinvointi", "Rekrytointi", "Perehdytys"]
    assert {"alustus.pptx", "pienryhmät.docx", "muistio.pdf"} <= set(lines)
    assert "säännöt.docx" not in lines
    text = card_text(card)
    assert "Matti Virtanen" in text and "Liisa Korhonen" in text  # the presenter, and Graph's author
    # The same with no network named: all networks, newest meetings first.
    everything = texts(await answer(mworld, "materiaalit"))
    assert everything.index("alustus.pptx") < everything.index("muistio.pdf")


async def test_search_with_finnish_words(mworld: MaterialsWorld) -> None:
    for name in ("Työhyvinvointi ja jaksaminen.pptx", "Ääni ja läsnäolo.pdf", "Budjetti.xlsx"):
        mworld.sandbox.seed_file(TEAM_AAD, f"{FOLDER}/{name}", name.encode())
    lines = texts(await answer(mworld, "materiaalit hr työhyvinvointi"))
    assert "Työhyvinvointi ja jaksaminen.pptx" in lines
    assert "Budjetti.xlsx" not in lines and "Ääni ja läsnäolo.pdf" not in lines
    lines = texts(await answer(mworld, "materiaalit HR-kehittäjäverkosto läsnäolo"))
    assert "Ääni ja läsnäolo.pdf" in lines and "Budjetti.xlsx" not in lines
    # Graph's search of the whole library, in the documented form, beside the listing that places hits.
    assert any("/root/search(q='läsnäolo')" in line for line in mworld.sandbox.batch_log)
    lines = texts(await answer(mworld, "materiaalit hr jäsenkysely"))
    assert "Hakusanoilla ei löytynyt tiedostoja." in lines
    # The end of a compound word: Graph's search does not find it, the names do.
    lines = texts(await answer(mworld, "materiaalit hr hyvinvointi"))
    assert "Työhyvinvointi ja jaksaminen.pptx" in lines and "Budjetti.xlsx" not in lines


async def test_another_channels_files_are_never_shown(mworld: MaterialsWorld) -> None:
    # SharePoint answers a search from the whole library (onedrive-api-docs#1265): Graph's hits include
    # General's file and the other network's; only the files listed below each channel's folder count.
    store = mworld.store
    await store.save_network(
        Network("digi", "Digiverkosto", "Digital network", "", "", NetworkStatus.PLANNED)
    )
    await mworld.launch("digi", "Digiverkosto")
    digi = await mworld.add_meeting("digi", "Talous", (LIISA.aad,), days=-3)
    mworld.sandbox.seed_file(TEAM_AAD, f"{FOLDER}/muistio.txt", b"Budjetti ja jaksaminen")
    mworld.sandbox.seed_file(TEAM_AAD, f"Digiverkosto/{digi.folder_path()}/talous.xlsx", b"budjetti 2026")
    mworld.sandbox.seed_file(TEAM_AAD, "General/Tapaamiset/2026-01-01 Yleinen/budjetti.docx", b"PK")
    lines = texts(await answer(mworld, "materiaalit hr budjetti"))
    assert "muistio.txt" in lines and "talous.xlsx" not in lines and "budjetti.docx" not in lines
    lines = texts(await answer(mworld, "materiaalit budjetti"))  # every network: each file once
    assert lines.count("muistio.txt") == 1 and lines.count("talous.xlsx") == 1
    assert "budjetti.docx" not in lines


async def test_a_deck_filed_a_moment_ago_is_found_while_the_index_lags(mworld: MaterialsWorld) -> None:
    mworld.sandbox.switches.index_lag = 600  # Graph's index lags minutes (onedrive-api-docs#1499)
    await file_into(mworld, MATTI, "Jaksaminen työssä.pptx", b"Tuoreet diat")
    await mworld.delivered(f"meeting:{mworld.meeting.id}:materials", 1)
    lines = texts(await answer(mworld, "materiaalit hr jaksaminen"))
    assert "Jaksaminen työssä.pptx" in lines
    assert "Hakusanoilla ei löytynyt tiedostoja." not in lines


def docx(text: str) -> bytes:
    """A minimal Word document whose body says `text`."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            f"<w:document><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return data.getvalue()


async def test_search_finds_words_inside_files_and_places_them_in_their_meeting(
    mworld: MaterialsWorld,
) -> None:
    # Graph's search results have no parentReference.path: the hits' folders are resolved by id. (The old
    # code read the path, got the bare name, and dropped every hit: "no files found".)
    mworld.sandbox.seed_file(TEAM_AAD, f"{FOLDER}/muistio.txt", b"Keskustelimme JAKSAMISESTA.")
    mworld.sandbox.seed_file(TEAM_AAD, f"{FOLDER}/pienryhmät.docx", docx("Jaksamisesta ja läsnäolosta"))
    mworld.sandbox.seed_file(TEAM_AAD, f"{FOLDER}/liitteet/kysely.csv", b"aihe;jaksamisesta\n")
    mworld.sandbox.seed_file(TEAM_AAD, f"{FOLDER}/Budjetti.xlsx", b"euroja")
    mworld.sandbox.seed_file(TEAM_AAD, f"{HR_CHANNEL_NAME}/jaksamisesta.txt", b"not in a meeting folder")
    mworld.sandbox.reset_counts()
    card = await answer(mworld, "materiaalit hr jaksamisesta")
    lines = texts(card)
    headings = [line for line in lines if " – " in line]
    assert [h.split(" – ")[0] for h in headings] == ["Työhyvinvointi"]
    assert {"muistio.txt", "pienryhmät.docx", "kysely.csv"} <= set(lines)  # by content, at any depth
    assert "Budjetti.xlsx" not in lines and "jaksamisesta.txt" not in lines
    assert "Hakusanoilla ei löytynyt tiedostoja." not in lines
    # The channel's folder; then its listing (4 folder levels, one $batch each) beside the one search.
    assert mworld.sandbox.round_trips == 1 + 4 + 1
    assert sum("search" in line for line in mworld.sandbox.batch_log) == 1
    lines = texts(await answer(mworld, "materiaalit hr läsnäolosta jaksamisesta"))  # every word, anywhere
    assert "pienryhmät.docx" in lines and "muistio.txt" not in lines


async def test_search_words_alone_search_every_network(mworld: MaterialsWorld) -> None:
    store = mworld.store
    await store.save_network(
        Network("digi", "Digiverkosto", "Digital network", "", "", NetworkStatus.PLANNED)
    )
    await mworld.launch("digi", "Digiverkosto")
    digi = await mworld.add_meeting("digi", "Tekoäly opetuksessa", (LIISA.aad,), days=-3)
    digi_folder = f"Digiverkosto/{digi.folder_path()}"
    mworld.sandbox.seed_file(TEAM_AAD, f"{FOLDER}/Jäsenkysely tulokset.xlsx", b"PK")
    mworld.sandbox.seed_file(TEAM_AAD, f"{digi_folder}/kooste.md", "# Jäsenkyselyn kooste".encode())
    mworld.sandbox.seed_file(TEAM_AAD, f"{digi_folder}/muuta.md", b"ei osumaa")
    mworld.sandbox.reset_counts()
    card = await answer(mworld, "materiaalit jäsenkysely")  # no network named: not "unknown network"
    lines = texts(card)
    assert "Hakusanoilla ei löytynyt tiedostoja." not in lines
    headings = [line.split(" – ")[0] for line in lines if " – " in line]
    assert headings == ["Tekoäly opetuksessa", "Työhyvinvointi"]  # newest first, across networks
    assert {"Jäsenkysely tulokset.xlsx", "kooste.md"} <= set(lines) and "muuta.md" not in lines
    assert "jäsenkysely" in card_text(card)  # the title names the words
    # Batched: the channels' folders; their listing (3 levels) beside one search of the team's library.
    assert mworld.sandbox.round_trips == 1 + 3 + 1
    assert sum("search" in line for line in mworld.sandbox.batch_log) == 1
    lines = texts(await answer(mworld, "materiaalit ei-tällaista-verkostoa"))
    assert "Hakusanoilla ei löytynyt tiedostoja." in lines
    # A network named first still narrows the search to it.
    lines = texts(await answer(mworld, "materiaalit digiverkosto jäsenkysely"))
    assert "kooste.md" in lines and "Jäsenkysely tulokset.xlsx" not in lines


async def test_a_network_without_a_channel_yet(mworld: MaterialsWorld) -> None:
    lines = texts(await answer(mworld, "materiaalit pedagoginen johtaminen"))
    assert any("ei ole vielä kanavaa" in line for line in lines)


async def test_a_thousand_files_across_twenty_networks(mworld: MaterialsWorld) -> None:
    store = mworld.store
    keys = [HR]
    for i in range(19):
        key = f"verkosto-{i:02d}"
        await store.save_network(
            Network(key, f"Verkosto {i:02d}", f"Network {i:02d}", "", "", NetworkStatus.PLANNED)
        )
        await mworld.launch(key, f"Verkosto {i:02d}")
        keys.append(key)
    mworld.sandbox.switches.page_size = 20  # every folder of 50 files takes three pages
    for n, key in enumerate(keys):
        meeting = await mworld.add_meeting(key, f"Teema {n:02d}", (MATTI.aad,), days=-10 - n)
        channel = HR_CHANNEL_NAME if key == HR else f"Verkosto {n - 1:02d}"
        folder = f"{channel}/{meeting.folder_path()}"
        for f in range(50):
            mworld.sandbox.seed_file(TEAM_AAD, f"{folder}/tiedosto-{f:02d}.pdf", b"%PDF", author="Aino")
    mworld.sandbox.reset_counts()
    card = await answer(mworld, "materiaalit")  # checked under 80 KB by the world
    lines = texts(card)
    headings = [line for line in lines if " – " in line]
    assert headings[0].startswith("Työhyvinvointi")  # the newest meeting first, though it has no files
    assert headings[1].startswith("Teema 00")
    (more,) = [line for line in lines if "vanhempaa tapaamista." in line]
    rest = int(more.split()[1])
    # Capped by the size budget (each file's "Send to me" button takes room), and says how many more.
    assert 6 <= len(headings) <= 12 and len(headings) + rest == 21
    # Every page of every folder was read: each shown meeting says 40 files more than the 10 it shows.
    assert lines.count("…ja 40 tiedostoa lisää tämän tapaamisen kansiossa.") == len(headings) - 1
    # One batched listing: far fewer round trips than folders and pages.
    assert mworld.sandbox.round_trips < 20 * 3


async def test_graph_down_answers_from_the_records(mworld: MaterialsWorld) -> None:
    await file_into(mworld, MATTI, "muistiinpanot.docx", b"notes")
    await mworld.delivered(f"meeting:{mworld.meeting.id}:materials", 1)
    mworld.sandbox.seed_file(TEAM_AAD, f"{FOLDER}/suoraan.docx", b"direct")
    mworld.sandbox.inject(503, times=200, retry_after=0)
    lines = texts(await answer(mworld, "materiaalit hr"))
    mworld.sandbox.clear_faults()
    assert any("Teamsin tiedostoihin ei juuri nyt saatu yhteyttä" in line for line in lines)
    assert "muistiinpanot.docx" in lines and "suoraan.docx" not in lines


async def test_no_network_has_a_channel_yet(tmp_path: Path) -> None:
    async for world in open_world(tmp_path, f"sqlite:///{tmp_path / 'bot.db'}"):
        world.sandbox.reset_counts()
        (reply,) = await world.say("materiaalit", LIISA)
        lines = texts(reply["attachments"][0]["content"])
        assert "Tapaamisilla ei ole vielä materiaaleja." in lines
        assert world.sandbox.round_trips == 0
