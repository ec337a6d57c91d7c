"""A person's data over real HTTP, on SQLite and PostgreSQL: the full export through file consent (JSON and
a readable summary), and `poista tietoni`, after which no table names the person and their anonymous
ballots still count."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from bot.app import SERVICES
from core.audit import AuditEntry
from core.coaching import Profile
from core.materials import Draft, Kind, Material
from core.meetings import Contribution, Meeting, Reach
from core.outbox import OutgoingMessage, Target
from core.polls import Poll, PollKind, Results, voter_key
from core.survey import Answer
from core.teams import TeamMember
from store.base import Base
from store.networks import load_catalogue
from tests.harness.activities import LIISA, MAIJA, MATTI, TEAM_AAD, TENANT, User, invoke
from tests.materials.test_send import UploadDouble, uploads  # noqa: F401 (the upload-URL double fixture)
from tests.networks.conftest import World, card_text

FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
NOW = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def identifiers(user: User) -> list[str]:
    return [user.aad, user.id, user.name, user.email]


async def dump(world: World) -> str:
    """Every row of every table, as text (JSON decoded, so names inside it read as written)."""
    found = []
    async with world.store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in await conn.execute(select(table)):
                found.append(json.dumps([table.name, *row], ensure_ascii=False, default=str))
    return "\n".join(found).casefold()


def message_to(user: User, key: str, text: str, service_url: str) -> OutgoingMessage:
    return OutgoingMessage(
        key=key,
        broadcast=key.partition(":")[0],
        recipient=user.aad,
        target=Target("person", service_url, user_id=user.aad, tenant_id=TENANT),
        activity={"type": "message", "text": text},
    )


async def liisa_everywhere(world: World) -> dict[str, str]:
    """Liisa (and Matti beside her) in every table that can hold a person."""
    store = world.store
    secret = world.bot.app[SERVICES].key.secret  # type: ignore[index]
    await store.seed_networks(await load_catalogue())
    network = (await store.list_networks())[0]
    for user in (LIISA, MATTI):
        await store.join_network(network.key, user.aad)
    await store.set_facilitator(network.key, LIISA.aad)
    members = [TeamMember(user.aad, user.id) for user in (LIISA, MATTI)]
    await store.replace_team_members(TEAM_AAD, members)  # the project team's roster
    survey = await store.start_survey("survey-1", None, LIISA.aad)
    for user in (LIISA, MATTI):
        await store.save_answer(
            Answer(survey.id, user.aad, "vamia", existing="Oma verkosto", needs=(network.key,))
        )
    polls = {}
    for anonymous in (False, True):
        poll = Poll(
            id=f"poll-{'anon' if anonymous else 'named'}",
            channel_id=world.general_id,
            author=LIISA.aad,
            question=f"Mitä {LIISA.name} tuo?",
            options=("Kyllä", "Ei"),
            multiple=False,
            anonymous=anonymous,
            results=Results.ALL,
            kind=PollKind.GENERAL,
            created_at=NOW,
            audience=(LIISA.id, MATTI.id),
        )
        await store.create_poll(poll)
        for user, choice in ((LIISA, 0), (MATTI, 1)):
            await store.cast_vote(poll.id, voter_key(secret, poll, user.aad), frozenset({choice}), NOW)
        polls[anonymous] = poll.id
    meeting = Meeting(
        id="meeting-1",
        network_key=network.key,
        theme="Ohjaus",
        starts_at=NOW + timedelta(days=3),
        presenters=(LIISA.aad, MATTI.aad),
        facilitator=LIISA.aad,
        description=f"Esittäjänä {LIISA.name} ({LIISA.email})",
        contributions=(Contribution(LIISA.aad, "Työpaja"), Contribution(MATTI.aad, "Dia")),
    )
    await store.create_meeting(meeting, Reach(world.connector.url, TENANT))
    for user in (LIISA, MATTI):
        await store.attend(meeting.id, user.aad)
    await store.save_groups(meeting.id, [[LIISA.aad, MATTI.aad]])
    await store.save_group_answer(meeting.id, 1, LIISA.aad, ["Vastaus"])
    await store.save_material(
        Material(
            "m-1",
            meeting.id,
            network.key,
            "diat.pptx",
            Kind.SLIDES,
            "https://x/diat.pptx",
            10,
            LIISA.aad,
            NOW,
            "i-1",
        )
    )
    await store.save_draft(
        Draft("d-1", LIISA.aad, "luonnos.pdf", NOW, conversation_id=f"a:personal-{LIISA.key}")
    )
    await store.save_profile(Profile(LIISA.aad, "vamia", themes=("hoks",)))
    await store.save_profile(Profile(MATTI.aad, "tredu", themes=("hoks",)))
    await store.set_coaching_lead(LIISA.aad, True)
    await store.enqueue(
        [
            message_to(LIISA, f"note:{LIISA.aad}", "Hei Liisa", world.connector.url),
            message_to(MATTI, f"note:{MATTI.aad}", f"Parisi on {LIISA.name}", world.connector.url),
        ]
    )
    await store.record(LIISA.aad, "network.save", f"network:{network.key}", {"by": LIISA.name})
    await store.record(MATTI.aad, "network.save", f"network:{network.key}", {})
    async with store.engine.begin() as conn:
        tables = Base.metadata.tables
        for user in (LIISA, MATTI):
            await conn.execute(
                insert(tables["assessments"]).values(
                    id=f"as-{user.key}",
                    person=user.aad,
                    questionnaire="johtaminen",
                    version=1,
                    status="done",
                    answers={},
                    position=0,
                    goal="Tavoite",
                    started_at=NOW,
                    updated_at=NOW,
                    completed_at=NOW,
                )
            )
            await conn.execute(
                insert(tables["badge_awards"]).values(
                    id=f"b-{user.key}",
                    class_key="osallistuja",
                    person=user.aad,
                    organization="vamia",
                    status_index=1 if user is LIISA else 2,
                    issued_at=NOW,
                    jws="e30.e30.sig",
                    locale="fi",
                    awarded_by=None,
                    revoked_reason="",
                )
            )
    return {"network": network.key, "named": polls[False], "anonymous": polls[True], "meeting": meeting.id}


async def consent(world: World, context: Any, upload: dict[str, Any], user: User = LIISA) -> None:
    value = {"type": "fileUpload", "action": "accept", "context": context, "uploadInfo": upload}
    status, _ = await world.bot.post_json(invoke(world.connector.url, "fileConsent/invoke", value, user))
    assert status == 200


async def test_the_export_arrives_as_json_and_a_readable_summary(
    any_world: World,
    uploads: UploadDouble,  # noqa: F811
) -> None:
    world = any_world
    await liisa_everywhere(world)
    await world.say("tietoni", LIISA)  # Teams tells the bot her Teams id and her chat
    before = len(world.connector.sent)
    body = await world.act("mydata.export", {}, LIISA)
    assert "kaksi tiedostoa" in json.dumps(body, ensure_ascii=False)
    sent = await world.connector.settle(0.15)
    offered = [(s, a) for s in sent[before:] for a in s.attachments if a["contentType"] == FILE_CONSENT]
    offers = [a for _, a in offered]
    assert sorted(o["name"].rpartition(".")[2] for o in offers) == ["json", "txt"]
    assert {s.conversation_id for s, _ in offered} == {f"a:personal-{LIISA.key}"}
    for offer in offers:
        await consent(world, offer["content"]["acceptContext"], uploads.upload_info(offer["name"]))
    files = {offer["name"]: data for offer, (_, data) in zip(offers, uploads.puts, strict=True)}
    exported = json.loads(next(d for n, d in files.items() if n.endswith(".json")))
    tables = exported["tables"]
    assert exported["person"] == LIISA.aad
    for table in (
        "people",
        "conversations",
        "network_members",
        "team_members",
        "survey_answers",
        "poll_ballots",
        "meeting_attendees",
        "meeting_presenters",
        "meeting_groups",
        "material_drafts",
        "materials",
        "outbox",
        "coaching_profiles",
        "coaching_leads",
        "assessments",
        "badge_awards",
        "audit_log",
        "polls",
        "surveys",
        "networks",
        "meetings",
        "processed_activities",
    ):
        assert tables.get(table), f"{table} missing from the export"
    assert [b["voter"] for b in tables["poll_ballots"]] == [LIISA.aad]  # the named one only
    assert [r["recipient"] for r in tables["outbox"]] == [LIISA.aad]
    assert MATTI.aad not in json.dumps(tables["survey_answers"] + tables["outbox"] + tables["audit_log"])
    assert any(
        m["columns"] == ["activity"] for m in exported["mentioned_in"]["outbox"]
    )  # Matti's, naming her
    summary = next(d for n, d in files.items() if n.endswith(".txt")).decode("utf-8")
    assert summary.startswith("Tietosi Vertaisbotissa")
    assert "Tarvekartoituksen vastaukset (1)" in summary and "Nimettömien kyselyjen äänet" in summary
    replies = [s for s in world.connector.sent if any(a["contentType"] == FILE_INFO for a in s.attachments)]
    assert len(replies) == 2
    # A replayed acceptance is refused; a context offered to Liisa does nothing for Matti.
    await consent(world, offers[0]["content"]["acceptContext"], uploads.upload_info(offers[0]["name"]))
    await consent(world, offers[0]["content"]["acceptContext"], uploads.upload_info("x.json"), MATTI)
    assert len(uploads.puts) == 2


async def test_the_export_is_offered_only_in_the_persons_own_chat(world: World) -> None:
    body = await world.act("mydata.export", {}, LIISA, channel=True)
    assert "henkilökohtaisessa keskustelussa" in json.dumps(body, ensure_ascii=False)
    assert not [a for s in world.connector.sent for a in s.attachments if a["contentType"] == FILE_CONSENT]


async def test_delete_my_data_asks_first_then_leaves_no_trace_of_the_person(any_world: World) -> None:
    world = any_world
    refs = await liisa_everywhere(world)
    [asked] = await world.say("poista tietoni", LIISA)
    confirm = asked["attachments"][0]["content"]
    assert "Poistetaanko tietosi?" in card_text(confirm)
    assert "kuuluvat verkostolle" in card_text(confirm)
    cancelled = await world.act("mydata.erase.cancel", {}, LIISA)
    assert "ennallaan" in json.dumps(cancelled, ensure_ascii=False)
    assert LIISA.aad.casefold() in await dump(world)
    [english] = await world.say("Delete my data", MATTI)
    assert "Delete your data?" in card_text(english["attachments"][0]["content"])

    body = await world.act("mydata.erase.confirm", {"confirm": "yes"}, LIISA)
    shown = card_text(body["value"])
    assert "Tietosi on poistettu" in shown
    assert "Olet tallentanut 1 materiaalin." in shown and "jää sen kanavalle" in shown

    everything = await dump(world)
    for identifier in identifiers(LIISA):
        assert identifier.casefold() not in everything, f"{identifier} is still stored"
    for identifier in (MATTI.aad, MATTI.name):  # Matti's data is his
        assert identifier.casefold() in everything
    store = world.store
    assert (await store.tally(refs["anonymous"])).voters == 2  # her anonymous ballot still counts
    assert (await store.tally(refs["named"])).voters == 1  # her named ballot is gone
    assert await store.get_person(LIISA.aad) is None
    assert await store.network_members(refs["network"]) == [MATTI.aad]
    [erasure] = await store.audit_entries(target=None, limit=1)
    assert erasure.action == "person.erase" and erasure.actor.startswith("erased-")
    kept: list[AuditEntry] = [e for e in await store.audit_entries(limit=10) if e.action == "network.save"]
    assert {e.actor for e in kept} == {MATTI.aad, erasure.actor}  # her entry stays, under the pseudonym
    materials = await store.materials_of_meetings([refs["meeting"]])
    assert [m.added_by for m in materials[refs["meeting"]]] == [None]


async def test_erasure_is_refused_outside_the_persons_own_chat(world: World) -> None:
    await world.store.upsert_person(await world.store.get_person(LIISA.aad))  # type: ignore[arg-type]
    body = await world.act("mydata.erase.confirm", {"confirm": "yes"}, LIISA, channel=True)
    assert "henkilökohtaisessa keskustelussa" in json.dumps(body, ensure_ascii=False)
    assert await world.store.get_person(LIISA.aad) is not None
    unconfirmed = await world.act("mydata.erase.confirm", {"confirm": 1}, LIISA)
    assert "ennallaan" in json.dumps(unconfirmed, ensure_ascii=False)
    assert await world.store.get_person(LIISA.aad) is not None
    assert MAIJA.aad  # the coordinator's data is not touched by anyone else's request either
