"""Meetings over real HTTP: planning in the network channel, the announcement, the presenters' shared
planning card, "I'll attend", small groups with answers and the summary filed through the Graph sandbox;
and the refusals (wrong person, bad input, no channel)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.app import SERVICES
from core.materials import Kind, Material
from core.meetings import Meeting
from core.polls import PollDraft, PollKind, new_poll
from tests.harness.activities import LIISA, MAIJA, MATTI, TEAM_AAD
from tests.meetings.conftest import EMILIA, HR, PEKKA, SANNA, MeetingWorld, local, text_of


def plan_data(days: int = 7, presenters: str = "aad-matti,aad-maija", **extra: Any) -> dict[str, Any]:
    day, clock = local(days)
    return {
        "network": HR,
        "theme": "Palautekulttuuri ja työhyvinvointi",
        "date": day,
        "time": clock,
        "presenters": presenters,
        "description": "Miten rakennamme palautekulttuuria?",
        **extra,
    }


async def plan_meeting(mw: MeetingWorld, **extra: Any) -> Meeting:
    body = await mw.act("meeting.plan", plan_data(**extra))
    assert "on suunniteltu" in text_of(body["value"]), body
    [meeting] = await mw.store.meetings_of_network(HR)
    return meeting


def announcement_posts(mw: MeetingWorld) -> list[dict[str, Any]]:
    return [
        s.body["activity"]["attachments"][0]["content"]
        for s in mw.connector.sent
        if s.path == "/v3/conversations"
        and (s.body.get("channelData") or {}).get("channel", {}).get("id") == mw.channel_id
    ]


def card_updates(mw: MeetingWorld) -> list[dict[str, Any]]:
    return [s.body["attachments"][0]["content"] for s in mw.connector.sent if s.method == "PUT"]


async def test_facilitator_plans_announces_and_presenters_get_planning_cards(any_mw: MeetingWorld) -> None:
    mw = any_mw
    [reply] = await mw.say_in_channel("tapaamiset", LIISA)
    form = text_of(reply["attachments"][0]["content"])
    assert "Uusi tapaaminen: HR-kehittäjäverkosto" in form
    for name in ("Matti Virtanen", "Sanna Öhman", "Emilia Ärölä"):
        assert name in form  # presenters are chosen from the members

    meeting = await plan_meeting(mw)
    assert meeting.presenters == ("aad-matti", "aad-maija") and meeting.facilitator == LIISA.aad
    local_start = meeting.local_start()
    assert (local_start.hour, local_start.minute) == (14, 0) and local_start.utcoffset() is not None
    assert (
        meeting.folder_path()
        == f"Tapaamiset/{local_start.date().isoformat()} Palautekulttuuri ja työhyvinvointi"
    )

    [post] = announcement_posts(mw)
    text = text_of(post)
    assert "Tapaaminen: Palautekulttuuri ja työhyvinvointi" in text and "Matti Virtanen" in text
    assert "meeting.attend" in text and "0 ilmoittautunutta" in text
    assert await mw.store.announcement_of(meeting.id) is not None

    report = await mw.world.delivered(f"meeting:{meeting.id}:planning", 2)
    assert report.sent == 2
    planning = await mw.queued(f"meeting:{meeting.id}:planning")
    assert set(planning) == {MATTI.aad, MAIJA.aad}
    assert "Planning the meeting" in text_of(planning[MATTI.aad])  # Matti reads English
    assert "Tapaamisen suunnittelu" in text_of(planning[MAIJA.aad])
    assert planning[MATTI.aad]["refresh"]["action"]["verb"] == "meeting.plan.refresh"


async def test_who_may_plan_and_bad_plans(mw: MeetingWorld) -> None:
    # A member who is not the facilitator gets the list, not the form; their plan click is refused.
    [reply] = await mw.say_in_channel("tapaamiset", PEKKA)
    assert "Tapaamiset: HR-kehittäjäverkosto" in text_of(reply) and "Tapaamisia ei ole vielä" in text_of(
        reply
    )
    body = await mw.act("meeting.plan", plan_data(), PEKKA)
    assert body["value"]["code"] == "NotAllowed"

    async def refused(data: dict[str, Any]) -> str:
        body = await mw.act("meeting.plan", data)
        return text_of(body["value"])

    assert "Tapaamisen aika on jo mennyt" in await refused(plan_data(days=-1))
    assert "Valitse 1–3 alustajaa" in await refused(
        plan_data(presenters="aad-matti,aad-maija,aad-pekka,aad-sanna")
    )
    assert "Valitse 1–3 alustajaa" in await refused(plan_data(presenters=""))
    assert "Alustajien pitää olla verkoston jäseniä" in await refused(plan_data(presenters="aad-outsider"))
    assert "Anna tapaamiselle teema" in await refused(plan_data(theme="   "))
    assert "Päivämäärä tai kellonaika" in await refused(plan_data(date="ensi tiistaina"))
    assert await mw.store.meetings_of_network(HR) == []

    # A network without a channel yet, and a channel that is no network's.
    body = await mw.act("meeting.plan", {**plan_data(), "network": "tiimimainen-toimintatapa"}, MAIJA)
    assert body["value"]["code"] in ("Conflict", "NotFound")
    [reply] = await mw.say_in_channel("tapaamiset", LIISA, channel_id=mw.world.general_id)
    assert "ei kuulu mihinkään verkostoon" in text_of(reply)


async def test_presenters_edit_one_plan_and_a_stale_save_shows_the_newer(mw: MeetingWorld) -> None:
    meeting = await plan_meeting(mw)
    saved = await mw.act(
        "meeting.plan.save",
        {
            "meeting": meeting.id,
            "version": 0,
            "agenda": "Avaus\nAlustus: palaute arjessa\nPienryhmät",
            "questions": "Miten palautetta annetaan teillä?\nMitä kokeilisitte?",
            "bring_0": "Diat palautemalleista",
        },
        MATTI,
        channel=False,
    )
    assert "Plan saved" in text_of(saved["value"])
    stale = await mw.act(
        "meeting.plan.save",
        {"meeting": meeting.id, "version": 0, "agenda": "Jotain muuta"},
        MAIJA,
        channel=False,
    )
    stale_text = text_of(stale["value"])
    assert "Toinen alustaja ehti muuttaa" in stale_text and "Alustus: palaute arjessa" in stale_text
    refreshed = text_of(
        (await mw.act("meeting.plan.refresh", {"meeting": meeting.id}, MAIJA, channel=False))["value"]
    )
    assert "Diat palautemalleista" in refreshed and "Mitä kokeilisitte?" in refreshed
    stored = await mw.store.get_meeting(meeting.id)
    assert stored.agenda[1] == "Alustus: palaute arjessa" and stored.version == 1
    # The channel's announcement was updated with the agenda.
    assert any("Alustus: palaute arjessa" in text_of(card) for card in card_updates(mw))

    # Someone who is no presenter, facilitator or coordinator may neither see nor edit the plan.
    body = await mw.act("meeting.plan.save", {"meeting": meeting.id, "version": 1}, PEKKA, channel=False)
    assert body["value"]["code"] == "NotAllowed"
    body = await mw.act("meeting.plan.refresh", {"meeting": meeting.id}, PEKKA, channel=False)
    assert body["value"]["code"] == "NotAllowed"
    body = await mw.act("meeting.plan.save", {"meeting": "forged", "version": 0}, MATTI, channel=False)
    assert body["value"]["code"] == "NotFound"
    body = await mw.act("meeting.plan.save", {"meeting": meeting.id, "version": "x"}, MATTI, channel=False)
    assert body["value"]["code"] == "Invalid"


async def test_attend_counts_people_once_and_updates_the_channel_card(mw: MeetingWorld) -> None:
    meeting = await plan_meeting(mw)
    first = await mw.act("meeting.attend", {"meeting": meeting.id}, PEKKA)
    assert "Tapaamiseen on nyt ilmoittautunut 1 henkilö." in text_of(first["value"])
    again = await mw.act("meeting.attend", {"meeting": meeting.id}, PEKKA)
    assert "Olet jo ilmoittautunut" in text_of(again["value"])
    second = await mw.act("meeting.attend", {"meeting": meeting.id}, SANNA)
    assert "2 people are attending now" in text_of(second["value"])
    assert "2 ilmoittautunutta" in text_of(card_updates(mw)[-1])
    assert (await mw.store.get_meeting(meeting.id)).attendees == 2
    body = await mw.act("meeting.attend", {"meeting": "nope"}, PEKKA)
    assert body["value"]["code"] == "NotFound"

    [reply] = await mw.say_in_channel("tapaamiset", PEKKA)
    assert "Palautekulttuuri ja työhyvinvointi" in text_of(reply) and "2 ilmoittautunutta" in text_of(reply)


async def test_small_groups_answers_and_summary_filed_in_the_meeting_folder(mw: MeetingWorld) -> None:
    meeting = await plan_meeting(mw)
    await mw.act(
        "meeting.plan.save",
        {"meeting": meeting.id, "version": 0, "questions": "Mikä toimii?\nMitä kokeilette?"},
        MATTI,
        channel=False,
    )
    body = await mw.act("meeting.groups", {"meeting": meeting.id, "size": "2"})
    assert "Kukaan ei ole vielä ilmoittautunut" in text_of(body["value"])
    for user in (PEKKA, SANNA, EMILIA, MATTI):
        await mw.act("meeting.attend", {"meeting": meeting.id}, user)

    body = await mw.act("meeting.groups", {"meeting": meeting.id, "size": "2"}, PEKKA)
    assert body["value"]["code"] == "NotAllowed"
    body = await mw.act("meeting.groups", {"meeting": meeting.id, "size": "1"})
    assert "Ryhmän koon pitää olla 2–20" in text_of(body["value"])
    body = await mw.act("meeting.groups", {"meeting": meeting.id, "size": "2"})
    assert "jaettiin 2 pienryhmään" in text_of(body["value"])
    groups = await mw.store.groups_of(meeting.id)
    assert sorted(p for g in groups for p in g) == sorted(u.aad for u in (PEKKA, SANNA, EMILIA, MATTI))
    # Matti and Sanna are both from Tredu: the split puts them in different groups.
    assert not any({MATTI.aad, SANNA.aad} <= set(g) for g in groups)

    await mw.world.delivered(f"meeting:{meeting.id}:groups", 4)
    group_cards = await mw.queued(f"meeting:{meeting.id}:groups")
    assert set(group_cards) == {u.aad for u in (PEKKA, SANNA, EMILIA, MATTI)}
    pekka_group = next(n for n, g in enumerate(groups, start=1) if PEKKA.aad in g)
    partner = next(p for p in groups[pekka_group - 1] if p != PEKKA.aad)
    pekka_card = text_of(group_cards[PEKKA.aad])
    assert (
        f"Pienryhmä {pekka_group}" in pekka_card
        and "Mikä toimii?" in pekka_card
        and "Pekka Mäkinen" in pekka_card
    )

    answer = {
        "meeting": meeting.id,
        "group": pekka_group,
        "answer_0": "Vertaispalaute toimii ä ö",
        "answer_1": "Palautekahvit",
    }
    body = await mw.act("meeting.answer", answer, PEKKA, channel=False)
    assert "Vastauksenne on tallennettu" in text_of(body["value"])
    other_group = 1 if pekka_group == 2 else 2
    body = await mw.act("meeting.answer", {**answer, "group": other_group}, PEKKA, channel=False)
    assert body["value"]["code"] == "NotFound"
    body = await mw.act(
        "meeting.answer", {"meeting": meeting.id, "group": pekka_group, "answer_0": " "}, PEKKA, channel=False
    )
    assert "Kirjoita vastaus" in text_of(body["value"])
    assert partner  # the other group member did not answer

    body = await mw.act("meeting.summary", {"meeting": meeting.id}, PEKKA)
    assert body["value"]["code"] == "NotAllowed"
    body = await mw.act("meeting.summary", {"meeting": meeting.id})
    assert "Yhteenveto on tallennettu" in text_of(body["value"]) and "1/2 ryhmästä" in text_of(body["value"])

    # The document is in the channel's folder Tapaamiset/<date> <theme>/ in the Graph sandbox.
    workspace = mw.world.bot.app[SERVICES].workspace  # type: ignore[index]
    root = await workspace.channel_folder(TEAM_AAD, mw.channel_id)
    files = await workspace.list_files(root)
    [summary] = [f for f in files if f.name == "pienryhmat-yhteenveto.md"]
    assert summary.path.startswith(f"Tapaamiset/{meeting.local_start().date().isoformat()} Palautekulttuuri")
    content = mw.world.sandbox.disk_path(TEAM_AAD, f"HR-kehittäjäverkosto/{summary.path}").read_text()
    assert (
        "Vertaispalaute toimii ä ö" in content
        and "Mitä kokeilette?" in content
        and "(ei vastausta)" in content
    )

    await mw.world.delivered(f"meeting:{meeting.id}:summary", 1)
    posts = announcement_posts(mw)
    assert any(
        "Pienryhmien yhteenveto" in text_of(p) and "pienryhmat-yhteenveto.md" in text_of(p) for p in posts
    )


async def test_form_offers_the_theme_vote_winners(mw: MeetingWorld) -> None:
    moment = datetime.now(UTC)
    draft = PollDraft("Seuraavan tapaamisen teema?", ("Mentorointi", "Etätyö", "Öljyt"), kind=PollKind.THEME)
    poll = new_poll(draft, channel_id=mw.channel_id, author=LIISA.aad, now=moment, network=HR)
    await mw.store.create_poll(poll)
    await mw.store.cast_vote(poll.id, "v1", frozenset({1}), moment)
    await mw.store.cast_vote(poll.id, "v2", frozenset({1}), moment)
    await mw.store.close_poll(poll.id, moment + timedelta(seconds=1))
    [reply] = await mw.say_in_channel("tapaamiset", LIISA)
    form = reply["attachments"][0]["content"]
    [choice] = [e for e in form["body"] if e.get("id") == "theme_choice"]
    assert choice["choices"][0]["title"] == "Etätyö" and "Mentorointi" not in text_of(choice)
    # Choosing the voted theme without typing a new one plans it.
    data = {**plan_data(), "theme": "", "theme_choice": "Etätyö"}
    body = await mw.act("meeting.plan", data)
    assert "Etätyö" in text_of(body["value"])


async def test_announcement_shows_filed_materials_and_personal_list(mw: MeetingWorld) -> None:
    meeting = await plan_meeting(mw)
    await mw.store.save_material(
        Material(
            "mat1",
            meeting.id,
            HR,
            "Palautemallit.pptx",
            Kind.SLIDES,
            "https://sandbox.invalid/Palautemallit.pptx",
            1000,
            MATTI.aad,
            datetime.now(UTC),
            item_id="item-1",
        )
    )
    await mw.act("meeting.attend", {"meeting": meeting.id}, PEKKA)
    assert "Palautemallit.pptx" in text_of(card_updates(mw)[-1])

    # In personal chat: the meetings of one's networks, and those one presents.
    replies = await mw.world.say("tapaamiset", PEKKA)
    assert "Verkostojen tapaamiset" in text_of(replies[0]) and "Palautekulttuuri" in text_of(replies[0])
    replies = await mw.world.say("meetings", MATTI)
    assert "Network meetings" in text_of(replies[0]) and "Palautekulttuuri" in text_of(replies[0])


async def split_and_answer(mw: MeetingWorld, meeting: Meeting) -> None:
    for user in (PEKKA, SANNA):
        await mw.act("meeting.attend", {"meeting": meeting.id}, user)
    await mw.act("meeting.groups", {"meeting": meeting.id, "size": "2"})
    answer = {"meeting": meeting.id, "group": 1, "answer_0": "Yhteinen havainto"}
    await mw.act("meeting.answer", answer, PEKKA, channel=False)


async def test_summary_survives_graph_throttling_and_reports_graph_down(mw: MeetingWorld) -> None:
    meeting = await plan_meeting(mw)
    body = await mw.act("meeting.summary", {"meeting": meeting.id})
    assert "Pienryhmiä ei ole vielä jaettu" in text_of(body["value"])
    await split_and_answer(mw, meeting)

    # Graph answers 503 to every upload for a while: the facilitator is told, nothing is posted.
    mw.world.sandbox.inject(503, times=1000, match="content")
    body = await mw.act("meeting.summary", {"meeting": meeting.id})
    assert body["statusCode"] == 400 and body["value"]["code"] in ("Unavailable", "Throttled")
    assert not any("Pienryhmien yhteenveto" in text_of(p) for p in announcement_posts(mw))

    # Throttled once (429 with Retry-After): the workspace retries and the summary goes through.
    mw.world.sandbox.clear_faults()
    mw.world.sandbox.inject(429, times=1, match="content", retry_after=1)
    body = await mw.act("meeting.summary", {"meeting": meeting.id})
    assert "Yhteenveto on tallennettu" in text_of(body["value"])
    workspace = mw.world.bot.app[SERVICES].workspace  # type: ignore[index]
    files = await workspace.list_files(await workspace.channel_folder(TEAM_AAD, mw.channel_id))
    assert [f.name for f in files if f.name.startswith("pienryhmat")] == ["pienryhmat-yhteenveto.md"]


async def test_announcement_that_fails_to_post_is_reported(mw: MeetingWorld) -> None:
    mw.connector.fail_next(403)
    body = await mw.act("meeting.plan", plan_data())
    text = text_of(body["value"])
    assert "on suunniteltu" in text and "ilmoitusta ei saatu kanavalle" in text
    [meeting] = await mw.store.meetings_of_network(HR)
    assert await mw.store.announcement_of(meeting.id) is None
    # Attending still works from the reminder or list; no card to update is not an error.
    body = await mw.act("meeting.attend", {"meeting": meeting.id}, PEKKA, channel=False)
    assert "olet mukana" in text_of(body["value"])


def form_nonce(card: dict[str, Any]) -> str:
    [submit] = [a for a in card["actions"] if a.get("verb") == "meeting.plan"]
    return submit["data"]["nonce"]


async def test_the_plan_form_submitted_twice_at_once_plans_one_meeting(any_mw: MeetingWorld) -> None:
    mw = any_mw
    [reply] = await mw.say_in_channel("tapaamiset", LIISA)
    data = plan_data(nonce=form_nonce(reply["attachments"][0]["content"]))
    first, second = await asyncio.gather(mw.act("meeting.plan", data), mw.act("meeting.plan", data))
    again = await mw.act("meeting.plan", {**data, "theme": "Jotain muuta"}, LIISA)
    replies = [text_of(b["value"]) for b in (first, second, again)]
    assert all("Palautekulttuuri ja työhyvinvointi" in r for r in replies)  # the first one's meeting
    assert sum("toista tapaamista ei suunniteltu" in r for r in replies) == 2
    [meeting] = await mw.store.meetings_of_network(HR)
    assert meeting.id == data["nonce"].split(".")[0]
    await mw.world.delivered(f"meeting:{meeting.id}:planning", 2)
    assert len(announcement_posts(mw)) == 1


async def test_a_forged_plan_form_nonce_is_refused(mw: MeetingWorld) -> None:
    [reply] = await mw.say_in_channel("tapaamiset", LIISA)
    nonce = form_nonce(reply["attachments"][0]["content"])
    for forged, user, message in (
        (nonce[:-1] + ("A" if nonce[-1] != "A" else "B"), LIISA, "Lomakkeen tunniste ei kelpaa"),
        ("../../etc", MATTI, "This form's identifier is not valid"),
        (12, LIISA, "Lomakkeen tunniste ei kelpaa"),
    ):
        body = await mw.act("meeting.plan", plan_data(nonce=forged), user)
        assert body["type"] == "application/vnd.microsoft.error", body
        assert body["value"]["message"].startswith(message)
    assert await mw.store.meetings_of_network(HR) == []
