"""The coaching journey over HTTP, in Finnish and English: joining, editing, pausing, leaving, rounds
(odd counts, one organisation but one, everyone met everyone, paused people), confirming twice, and the
check-in. Cards are checked like every other card (schema 1.5, under 80 KB, the typed model)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.app import COACHING
from core.coaching import PoolStatus
from tests.coaching.conftest import AINO, COACHES, EMILIA, OSKARI, PEKKA, SANNA, Coaching, text_of
from tests.harness.activities import LIISA, MAIJA, MATTI

CARD = "application/vnd.microsoft.card.adaptive"


def card_of(body: dict) -> dict:  # type: ignore[type-arg]
    assert body.get("type") == CARD, body
    return body["value"]


def error_of(body: dict) -> str:  # type: ignore[type-arg]
    assert body.get("type") == "application/vnd.microsoft.error", body
    return body["value"]["message"]


async def test_joining_editing_pausing_leaving_and_rejoining(cw: Coaching) -> None:
    replies = await cw.world.say("valmennus", LIISA)
    start = replies[-1]["attachments"][0]["content"]
    assert "Liity mukaan" in text_of(start) and "Vamia" in text_of(start)  # organisation from the email
    joined = card_of(await cw.join(LIISA, organization="vamia"))
    assert "Tervetuloa mukaan" in text_of(joined)
    profile = await cw.store.get_profile(LIISA.aad)
    assert profile.organization == "vamia" and profile.themes == ("peer-learning", "hoks")
    edited = card_of(
        await cw.join(LIISA, organization="vamia", methods="mentoring,benchmarking", role="coach")
    )
    assert "Profiilisi on tallennettu" in text_of(edited)
    assert (await cw.store.get_profile(LIISA.aad)).role.value == "coach"
    until = (date.today() + timedelta(days=14)).isoformat()
    paused = card_of(await cw.act("coaching.pause", {"paused_until": until}, LIISA))
    assert "Tauolla" in text_of(paused) and "Jatka nyt" in text_of(paused)
    bad = error_of(await cw.act("coaching.pause", {"paused_until": "2001-01-01"}, LIISA))
    assert "mennyt" in bad
    resumed = card_of(await cw.act("coaching.resume", {}, LIISA))
    assert "olet taas mukana" in text_of(resumed)
    left = card_of(await cw.act("coaching.leave", {}, LIISA))
    assert "Palaa mukaan" in text_of(left)
    assert (await cw.store.get_profile(LIISA.aad)).status is PoolStatus.LEFT
    back = card_of(await cw.act("coaching.rejoin", {}, LIISA))
    assert "Tervetuloa takaisin" in text_of(back)


async def test_the_journey_in_english(cw: Coaching) -> None:
    replies = await cw.world.say("coaching", SANNA)
    assert "Join" in text_of(replies[-1]["attachments"][0]["content"])
    joined = card_of(await cw.join(SANNA, organization="tredu"))
    assert "Welcome" in text_of(joined)
    refused = error_of(await cw.act("coaching.save", {"themes": "nonsense", "sizes": "2"}, SANNA))
    assert "Unknown theme" in refused


async def test_someone_with_an_unknown_domain_names_their_organisation(cw: Coaching) -> None:
    start = (await cw.world.say("valmennus", AINO))[-1]["attachments"][0]["content"]
    assert "Organisaatiosi ei ole listassa" in text_of(start)
    await cw.join(AINO, organization_name="Tuntematon opisto")
    profile = await cw.store.get_profile(AINO.aad)
    assert profile.organization == "tuntematon-opisto"
    await cw.join(EMILIA, organization_name="tuntematon OPISTO")  # the same one, not a second
    assert (await cw.store.get_profile(EMILIA.aad)).organization == "tuntematon-opisto"


async def _everyone_joins(cw: Coaching) -> None:
    orgs = {"matti": "tredu", "liisa": "vamia", "pekka": "omnia", "sanna": "luksia", "emilia": "luksia"}
    for user in COACHES:
        await cw.join(user, organization=orgs.get(user.key, "redu"))


async def test_a_round_with_an_odd_count_is_shown_then_confirmed_once(cw: Coaching) -> None:
    # Matti, Liisa, Pekka, Oskari from four organisations, Sanna and Emilia from one: six coaches, and
    # Emilia pauses: five take part, so the odd one joins a group of three.
    await _everyone_joins(cw)
    until = (date.today() + timedelta(days=7)).isoformat()
    await cw.act("coaching.pause", {"paused_until": until}, EMILIA)
    overview = (await cw.world.say("valmennus", MAIJA))[-1]["attachments"][0]["content"]
    assert "Vertaisvalmennuksen yhteenveto" in text_of(overview)
    form = card_of(await cw.act("coaching.round.new"))
    assert "Uusi valmennuskierros" in text_of(form)
    proposal = card_of(await cw.act("coaching.round.propose", {"size": "2", "theme": "any", "window": "all"}))
    text = text_of(proposal)
    assert "ehdotus" in text and "5/6" in text
    assert "Emilia Ärölä (Luksia): tauolla" in text  # nobody is left out silently
    rounds = await cw.store.proposal()
    assert sorted(len(g.members) for g in rounds.groups) == [2, 3]
    assert not await cw.queued(f"coaching:{rounds.id}:intro")  # nothing is sent before confirming
    confirmed = card_of(await cw.act("coaching.round.confirm", {"round": rounds.id}))
    assert "vahvistettu" in text_of(confirmed)
    again = card_of(await cw.act("coaching.round.confirm", {"round": rounds.id}))
    assert "jo vahvistettu" in text_of(again)
    intros = await cw.queued(f"coaching:{rounds.id}:intro")
    assert set(intros) == {u.aad for u in (MATTI, LIISA, PEKKA, SANNA, OSKARI)}
    assert len(await cw.store.confirmed_rounds()) == 1
    sanna = text_of(intros[SANNA.aad])
    assert "Your coaching" in sanna and "teams.microsoft.com/l/chat/0/0?users=" in sanna
    await cw.world.delivered(f"coaching:{rounds.id}:intro", 5)


async def test_only_coordinators_and_leads_run_rounds(cw: Coaching) -> None:
    await _everyone_joins(cw)
    refused = error_of(await cw.act("coaching.round.propose", {"size": "2"}, MATTI))
    assert "Only the project coordinator and coaching leads" in refused  # Matti's Teams is in English
    assert await cw.store.proposal() is None
    card_of(await cw.act("coaching.leads.save", {"email": MATTI.email, "lead": "add"}))
    proposal = card_of(await cw.act("coaching.round.propose", {"size": "2"}, MATTI))
    assert "Coaching round" in text_of(proposal)


async def test_everyone_from_one_organisation_but_one(cw: Coaching) -> None:
    for user in (MATTI, LIISA, PEKKA, EMILIA):
        await cw.join(user, organization="omnia")
    await cw.join(OSKARI, organization="redu")
    card = text_of(card_of(await cw.act("coaching.round.propose", {"size": "2"})))
    assert card.count("): ei sopivaa kumppania vapaana") == 3  # each of them named, with the reason
    proposal = await cw.store.proposal()
    assert len(proposal.groups) == 1 and OSKARI.aad in proposal.groups[0].members


async def test_when_everyone_met_everyone_repeats_are_allowed_and_flagged(cw: Coaching) -> None:
    orgs = ("tredu", "vamia", "omnia")
    for user, org in zip((MATTI, LIISA, PEKKA), orgs, strict=True):
        await cw.join(user, organization=org, sizes="2,3")
    for _ in range(2):
        await cw.act("coaching.round.propose", {"size": "3"})
        await cw.act("coaching.round.confirm", {"round": (await cw.store.proposal()).id})
    card = text_of(card_of(await cw.act("coaching.round.propose", {"size": "3"})))
    assert "tavanneet aiemmin" in card
    proposal = await cw.store.proposal()
    assert len(proposal.groups) == 1 and len(proposal.groups[0].repeats) == 3


async def test_the_check_in_follow_up_and_reminder(cw: Coaching) -> None:
    for user, org in ((MATTI, "tredu"), (PEKKA, "omnia")):
        await cw.join(user, organization=org)
    await cw.act("coaching.round.propose", {"size": "2", "followup": "2"})
    round_id = (await cw.store.proposal()).id
    await cw.act("coaching.round.confirm", {"round": round_id})
    scheduler = cw.world.bot.app[COACHING]  # type: ignore[index]
    scheduler._clock = lambda: datetime.now(UTC) + timedelta(weeks=2, minutes=1)
    assert await scheduler.tick() == 2
    assert await scheduler.tick() == 0  # exactly once
    checkins = await cw.queued(f"coaching:{round_id}:checkin")
    assert "How is your coaching going" in text_of(checkins[MATTI.aad])
    answer = {
        "round": round_id,
        "met": "yes",
        "method": "sparring",
        "learned": "HOKS-keskustelun malli",
        "decision": "continue",
    }
    saved = card_of(await cw.act("coaching.checkin", answer, PEKKA))
    assert "vastauksesi on tallennettu" in text_of(saved)
    nosy = error_of(await cw.act("coaching.checkin", answer, LIISA))
    assert "Et ollut mukana" in nosy
    scheduler._clock = lambda: datetime.now(UTC) + timedelta(weeks=3, minutes=2)
    assert await scheduler.tick() == 1
    reminders = await cw.queued(f"coaching:{round_id}:reminder")
    assert set(reminders) == {MATTI.aad}  # Pekka answered
    overview = text_of(card_of(await cw.act("coaching.overview")))
    assert "HOKS-keskustelun malli" in overview and "Pekka" not in overview
