"""`tietoni` / `mydata` over real HTTP: the person's own data, and never in a shared conversation."""

from __future__ import annotations

from bot.app import SERVICES
from store.networks import load_catalogue
from tests.cards.checks import assert_teams_card
from tests.harness import activities as a
from tests.harness.connector import ConnectorDouble
from tests.harness.running import RunningBot


def facts(card: dict) -> dict[str, str]:
    block = next(b for b in card["body"] if b["type"] == "FactSet")
    return {f["title"]: f["value"] for f in block["facts"]}


async def test_mydata_shows_the_person_their_record_and_networks(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    store = bot.app[SERVICES].store
    await store.seed_networks(await load_catalogue())
    networks = await store.list_networks()
    await store.join_network(networks[0].key, a.LIISA.aad)
    await bot.post(a.personal_message(connector.url, "tietoni", user=a.LIISA))
    [sent] = await connector.wait_for(1)
    assert_teams_card(sent.card)
    shown = facts(sent.card)
    assert shown["Nimi"] == a.LIISA.name
    assert shown["Verkostot, joissa olet jäsenenä"] == networks[0].name("fi")
    assert shown["Tarvekartoitus"] == "–"
    assert shown["Ensimmäinen käyttö"] != "–"
    assert shown["Kieli"] == "suomi"
    assert shown["Organisaatio"] == "–"  # Teams puts no email in a message; the roster or the survey would


async def test_mydata_in_english(bot: RunningBot, connector: ConnectorDouble) -> None:
    await bot.post(a.personal_message(connector.url, "MyData", user=a.MATTI))
    [sent] = await connector.wait_for(1)
    assert sent.card["body"][0]["text"] == "Your data in Vertaisbotti"
    assert facts(sent.card)["Name"] == a.MATTI.name


async def test_mydata_is_never_shown_in_a_channel(bot: RunningBot, connector: ConnectorDouble) -> None:
    await bot.post(a.channel_message(connector.url, "tietoni"))
    [sent] = await connector.wait_for(1)
    assert sent.card is None
    assert "henkilökohtaisessa keskustelussa" in sent.text
    assert a.MAIJA.name not in sent.text
