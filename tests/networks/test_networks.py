"""Peer networks over real HTTP: the list, joining, the coordinator's launch (channel in the Graph sandbox,
welcome card, invitations) including when Graph fails, and catalogue editing; in Finnish and English."""

from __future__ import annotations

import asyncio
import json

from tests.harness.activities import LIISA, MAIJA, MATTI, TEAM_AAD
from tests.networks.conftest import World, card_text

HR = "hr-kehittajat"


async def answer_survey(world: World) -> str:
    await world.say("kartoitus aloita")
    survey = await world.store.open_survey()
    assert survey is not None
    await world.act("survey.answer", {"survey": survey.id, "organization": "tredu", "needs": HR}, MATTI)
    await world.act("survey.answer", {"survey": survey.id, "organization": "vamia", "needs": HR}, LIISA)
    await world.act(
        "survey.answer", {"survey": survey.id, "organization": "omnia", "needs": "johtamisosaaminen"}, MAIJA
    )
    await world.delivered(f"survey:{survey.id}", 4)
    return survey.id


async def test_list_shows_catalogue_with_status_in_both_languages(world: World) -> None:
    replies = await world.say("verkostot", LIISA)
    fi = card_text(replies[0]["attachments"][0]["content"])
    for name in (
        "HR-kehittäjäverkosto",
        "Pedagogisen johtamisen vertaisverkosto",
        "Johtamisosaamisen verkosto",
        "Tiimimäisen toimintatavan vertaisverkosto",
        "Koulutus- ja palvelupäälliköiden verkosto",
    ):
        assert name in fi
    assert "Suunnitteilla" in fi and "Toivottu" in fi and "Vetäjä" in fi
    assert "network.launch" not in fi and "network.edit" not in fi  # not a coordinator
    replies = await world.say("networks", MATTI)
    en = card_text(replies[0]["attachments"][0]["content"])
    assert "HR developers' network" in en and "Planned" in en and "Requested" in en
    replies = await world.say("verkostot", MAIJA)
    coordinator = card_text(replies[0]["attachments"][0]["content"])
    assert "Käynnistä verkosto" in coordinator and "Lisää uusi verkosto" in coordinator


async def test_join_needs_an_active_known_network(world: World) -> None:
    replies = await world.say("liity HR-kehittäjäverkosto", LIISA)
    assert replies[0]["text"] == (
        "Verkosto HR-kehittäjäverkosto ei ole vielä toiminnassa, joten siihen ei voi vielä liittyä. "
        "Kun se käynnistyy, sen kanava avautuu tiimiin."
    )
    replies = await world.say("join the astronauts", MATTI)
    assert replies[0]["text"] == "No network called the astronauts. Type networks to see them."
    replies = await world.say("liity verkosto", LIISA)
    assert replies[0]["text"] == "Nimellä verkosto löytyi 5 verkostoa. Kirjoita nimi tarkemmin."
    body = await world.act("network.join", {"network": "forged-key"}, LIISA)
    assert body["value"]["code"] == "NotFound"
    assert await world.store.network_members(HR) == []


async def test_launch_creates_channel_welcomes_and_invites_requesters(world: World) -> None:
    await answer_survey(world)
    body = await world.act("network.launch", {"network": HR})
    assert "on käynnistetty" in card_text(body["value"]) and "2 henkilölle" in card_text(body["value"])
    network = await world.store.get_network(HR)
    assert network is not None and network.status == "active" and network.launch_step == "done"
    channels = world.sandbox.channel_names(TEAM_AAD)
    assert "HR-kehittäjäverkosto" in channels
    await world.delivered(f"network:{HR}:welcome", 1)
    [welcome] = world.channel_posts(network.channel_id or "")
    assert "Tervetuloa: HR-kehittäjäverkosto" in card_text(welcome) and "tasa-arvo" in card_text(welcome)
    report = await world.delivered(f"network:{HR}:invite", 2)
    assert report.sent == 2
    invite = card_text((await world.chat_cards(MATTI))[-1])
    assert "HR developers' network has started" in invite and "network.join" in invite
    assert "on käynnistynyt" in card_text((await world.chat_cards(LIISA))[-1])

    # One click joins; a second click says so; the list then shows the member.
    body = await world.act("network.join", {"network": HR}, MATTI)
    assert "You are now a member of HR developers' network" in card_text(body["value"])
    body = await world.act("network.join", {"network": HR}, MATTI)
    assert "You are already a member" in card_text(body["value"])
    replies = await world.say("liity hr-kehittäjä", LIISA)
    assert "Olet nyt verkoston HR-kehittäjäverkosto jäsen" in card_text(
        replies[0]["attachments"][0]["content"]
    )
    assert sorted(await world.store.network_members(HR)) == sorted([MATTI.aad, LIISA.aad])
    replies = await world.say("verkostot", LIISA)
    listing = card_text(replies[0]["attachments"][0]["content"])
    assert "Toiminnassa" in listing and "Olet jäsen" in listing

    # Launching again is refused; nothing is created twice.
    body = await world.act("network.launch", {"network": HR})
    assert body["value"]["message"] == "Verkosto HR-kehittäjäverkosto on jo käynnistetty."
    assert world.sandbox.channel_names(TEAM_AAD).count("HR-kehittäjäverkosto") == 1


async def test_non_coordinator_cannot_launch_or_edit(world: World) -> None:
    for verb, data in (
        ("network.launch", {"network": HR}),
        ("network.edit", {"network": HR}),
        ("network.save", {"key": HR}),
    ):
        body = await world.act(verb, data, MATTI)
        assert body["value"]["message"] == "Only the project coordinator can do this.", verb
    replies = await world.say("verkostot käynnistä HR-kehittäjäverkosto", LIISA)
    assert replies[0]["text"] == "Vain projektipäällikkö voi tehdä tämän."
    assert "HR-kehittäjäverkosto" not in world.sandbox.channel_names(TEAM_AAD)
    network = await world.store.get_network(HR)
    assert network is not None and network.status == "planned" and network.channel_id is None


async def test_launch_when_graph_fails_is_reported_and_resumes(world: World) -> None:
    await answer_survey(world)
    world.sandbox.inject(503, times=100, match="/channels")
    body = await world.act("network.launch", {"network": HR})
    failed = card_text(body["value"])
    assert "käynnistys keskeytyi" in failed and "Kanavaa ei saatu luotua" in failed
    assert "Yritä uudelleen" in failed
    network = await world.store.get_network(HR)
    assert network is not None
    assert (network.status, network.launch_step, network.channel_id) == ("planned", "none", None)
    assert network.launch_error
    assert "HR-kehittäjäverkosto" not in world.sandbox.channel_names(TEAM_AAD)
    assert (await world.store.delivery_counts(f"network:{HR}:invite")).total == 0

    world.sandbox.clear_faults()
    body = await world.act("network.launch", {"network": HR})
    assert "on käynnistetty" in card_text(body["value"])
    network = await world.store.get_network(HR)
    assert network is not None and (network.status, network.launch_step, network.launch_error) == (
        "active",
        "done",
        None,
    )
    assert world.sandbox.channel_names(TEAM_AAD).count("HR-kehittäjäverkosto") == 1
    assert (await world.delivered(f"network:{HR}:invite", 2)).sent == 2


async def test_a_name_kept_by_a_deleted_channel_is_explained_and_a_free_one_offered(world: World) -> None:
    # Teams keeps a deleted channel's name (microsoft-graph-docs#6649); the bot said "invalid name".
    old = world.sandbox.seed_team(TEAM_AAD, "Vertaansa vailla", ["HR-kehittäjäverkosto"])[
        "HR-kehittäjäverkosto"
    ]
    world.sandbox.delete_channel(TEAM_AAD, old)
    await answer_survey(world)
    body = await world.act("network.launch", {"network": HR})
    failed = card_text(body["value"])
    assert "on poistettu" in failed and "HR-kehittäjäverkosto 2" in failed
    assert "{name}" not in failed and "kelvollista" not in failed
    actions = body["value"]["actions"]
    renamed = next(a for a in actions if a.get("data", {}).get("channel"))
    assert renamed["title"] == "Luo uudella nimellä"
    body = await world.act("network.launch", renamed["data"])
    assert "on käynnistetty" in card_text(body["value"])
    assert "HR-kehittäjäverkosto 2" in world.sandbox.channel_names(TEAM_AAD)
    network = await world.store.get_network(HR)
    assert network is not None and network.status == "active"
    await world.delivered(f"network:{HR}:welcome", 1)


async def test_a_restored_channel_is_taken_into_use(world: World) -> None:
    old = world.sandbox.seed_team(TEAM_AAD, "Vertaansa vailla", ["HR-kehittäjäverkosto"])[
        "HR-kehittäjäverkosto"
    ]
    world.sandbox.delete_channel(TEAM_AAD, old)
    await answer_survey(world)
    body = await world.act("network.launch", {"network": HR})
    assert "on poistettu" in card_text(body["value"])
    world.sandbox.restore_channel(TEAM_AAD, old)  # a team owner restores it, then the coordinator retries
    body = await world.act("network.launch", {"network": HR})
    assert "on käynnistetty" in card_text(body["value"])
    network = await world.store.get_network(HR)
    assert network is not None and network.channel_id == old


async def test_launch_resumes_after_channel_was_created(world: World) -> None:
    """A launch that stopped after the channel existed reuses it: no second channel, one welcome."""
    from core.networks import LaunchStep

    channel = world.sandbox.seed_team(TEAM_AAD, "Vertaansa vailla", ["HR-kehittäjäverkosto"])[
        "HR-kehittäjäverkosto"
    ]
    await world.say("verkostot")  # the catalogue is seeded on first use
    await world.store.record_launch(HR, LaunchStep.CHANNEL, channel_id=channel, error="graph.error.throttled")
    body = await world.act("network.launch", {"network": HR}, MAIJA)
    assert "on käynnistetty" in card_text(body["value"])
    assert world.sandbox.channel_names(TEAM_AAD).count("HR-kehittäjäverkosto") == 1
    await world.delivered(f"network:{HR}:welcome", 1)
    assert len(world.channel_posts(channel)) == 1


async def test_coordinator_edits_catalogue_and_names_facilitator(world: World) -> None:
    body = await world.act("network.edit", {"network": HR})
    form = card_text(body["value"])
    assert "Muokkaa verkostoa: HR-kehittäjäverkosto" in form and "Vetäjän sähköpostiosoite" in form
    data = {
        "key": HR,
        "name_fi": "HR-kehittäjien verkosto",
        "name_en": "HR developers",
        "purpose_fi": "Henkilöstötyön kehittäminen",
        "purpose_en": "Developing personnel work",
        "status": "planned",
        "candidate": "true",
        "facilitator": "Liisa.Korhonen@vamia.fi",
    }
    body = await world.act("network.save", data)
    assert "HR-kehittäjien verkosto" in card_text(body["value"])
    network = await world.store.get_network(HR)
    assert (
        network is not None
        and network.name_fi == "HR-kehittäjien verkosto"
        and network.facilitator == LIISA.aad
    )
    assert LIISA.aad in await world.store.network_members(HR)
    replies = await world.say("networks", MATTI)
    assert "Liisa Korhonen" in card_text(replies[0]["attachments"][0]["content"])

    new = {
        "key": "opo-verkosto",
        "name_fi": "Opinto-ohjaajien verkosto",
        "name_en": "Student counsellors",
        "purpose_fi": "",
        "purpose_en": "",
        "status": "requested",
        "candidate": "false",
    }
    body = await world.act("network.save", new)
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert (await world.store.get_network("opo-verkosto")) is not None

    bad = [
        (
            {**new, "key": "Bad Key!"},
            "Tunnus bad key! ei kelpaa: käytä 2–40 pientä kirjainta, numeroa tai viivaa.",
        ),
        (
            {**new, "name_fi": "x" * 51},
            "Verkoston nimi on pakollinen, ja siinä saa olla enintään 50 merkkiä.",
        ),
        (
            {**new, "status": "active"},
            "Verkosto otetaan toimintaan käynnistämällä se, jolloin sille luodaan kanava.",
        ),
        ({**new, "status": "bogus"}, "Tuntematon tila."),
        (
            {**data, "facilitator": "nobody@nowhere.fi"},
            "En tunne henkilöä, jonka sähköposti on nobody@nowhere.fi.",
        ),
    ]
    for payload, message in bad:
        body = await world.act("network.save", payload)
        assert body["value"]["message"] == message, payload
    network = await world.store.get_network(HR)
    assert network is not None and network.facilitator == LIISA.aad


async def test_double_click_launches_once(world: World) -> None:
    bodies = await asyncio.gather(*(world.act("network.launch", {"network": HR}) for _ in range(3)))
    texts = sorted(
        card_text(b["value"])
        if "value" in b and isinstance(b["value"], dict) and "body" in b["value"]
        else b["value"]["message"]
        for b in bodies
    )
    assert sum("on käynnistetty" in text for text in texts) == 1
    assert texts.count("Verkosto HR-kehittäjäverkosto on jo käynnistetty.") == 2
    assert world.sandbox.channel_names(TEAM_AAD).count("HR-kehittäjäverkosto") == 1


async def test_english_coordinator_and_channel_answer(world: World) -> None:
    replies = await world.say("survey start", MAIJA, locale="en-US")
    assert replies[0]["text"].startswith("The needs survey has started.")
    assert "Needs survey results" in card_text(replies[1]["attachments"][0]["content"])
    replies = await world.say("networks", MAIJA, locale="en-US")
    assert "Launch the network" in card_text(replies[0]["attachments"][0]["content"])
    survey = await world.store.open_survey()
    assert survey is not None
    # The General channel's announcement button opens the clicking member's own form.
    body = await world.act("survey.open", {"survey": survey.id}, LIISA, channel=True)
    assert '"value": "vamia"' in card_text(body["value"]) and "Lähetä vastaus" in card_text(body["value"])


async def test_a_launched_network_cannot_be_edited_back_to_planned(world: World) -> None:
    await answer_survey(world)
    await world.act("network.launch", {"network": HR})
    form = {"key": HR, "name_fi": "HR", "name_en": "HR", "purpose_fi": "x", "purpose_en": "x"}
    body = await world.act("network.save", {**form, "status": "planned"})
    assert "Käynnistetyn verkoston voi vain arkistoida" in json.dumps(body, ensure_ascii=False)
    network = await world.store.get_network(HR)
    assert network is not None and network.status == "active"
    await world.act("network.save", {**form, "status": "archived"})
    archived = await world.store.get_network(HR)
    assert archived is not None and archived.status == "archived"
