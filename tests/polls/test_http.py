"""Polls over real HTTP: posting, voting, changing one's mind, closing, and every way a vote can be wrong."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.app import SERVICES
from bot.schedules.polls import PollCloser
from bot.shared_cards import SharedCards
from core.timezone import HELSINKI
from tests.cards.checks import assert_teams_card
from tests.harness import activities as a
from tests.harness.activities import LIISA, MAIJA, MATTI
from tests.harness.connector import ConnectorDouble
from tests.harness.running import RunningBot, make_settings, running_bot
from tests.polls.helpers import (
    HR_CHANNEL,
    PEDA_CHANNEL,
    action,
    choice_value,
    error_message,
    facts,
    form,
    invoke,
    poll_id_of,
    texts,
)

LANGS = [
    ("fi-FI", "Kysely ”Teema?” on julkaistu kanavalle.", "1 vastaaja"),
    ("en-US", "The poll “Teema?” is posted in the channel.", "1 respondent"),
]


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with running_bot(make_settings(tmp_path)) as running:
        quick_updates(running)
        yield running


def quick_updates(running: RunningBot) -> None:
    """Shared cards are updated at most once a second in service; a tenth of that keeps the tests short."""
    services = running.app[SERVICES]
    services.shared_cards = SharedCards(services.background, interval=0.1)


async def post_poll(bot: RunningBot, connector: ConnectorDouble, locale: str = "fi-FI", **fields: str) -> str:
    before = len(connector.sent)
    data = form("Mikä teema seuraavaan tapaamiseen?", ["Arviointi", "Hyvinvointi", "Digitaidot"], **fields)
    await invoke(bot, action(connector.url, "poll.create", data, MAIJA, locale=locale))
    sent = await connector.wait_for(before + 1)
    card = sent[before].card
    assert card is not None
    assert_teams_card(card)
    return poll_id_of(card)


@pytest.mark.parametrize(("locale", "posted", "voters"), LANGS)
async def test_coordinator_posts_a_poll_and_members_vote(
    bot: RunningBot, connector: ConnectorDouble, locale: str, posted: str, voters: str
) -> None:
    body = await invoke(
        bot, action(connector.url, "poll.create", form("Teema?", ["A", "B", "C"]), MAIJA, locale=locale)
    )
    assert posted in texts(body["value"])
    [sent] = await connector.wait_for(1)
    assert sent.conversation_id == f"{HR_CHANNEL};messageid=1700000000000"
    poll = poll_id_of(sent.card)

    body = await invoke(
        bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "1"}, LIISA, locale=locale)
    )
    card = body["value"]
    assert choice_value(card) == "1"
    assert voters in texts(card)
    assert facts(card) == {"A": "0", "B": "1", "C": "0"}


async def test_the_latest_answer_counts_once(bot: RunningBot, connector: ConnectorDouble) -> None:
    poll = await post_poll(bot, connector)
    await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "0"}, LIISA))
    await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "2"}, LIISA))
    body = await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "2"}, MATTI))
    assert facts(body["value"]) == {"Arviointi": "0", "Hyvinvointi": "0", "Digitaidot": "2"}
    refreshed = await invoke(bot, action(connector.url, "poll.refresh", {"poll": poll}, LIISA))
    assert choice_value(refreshed["value"]) == "2"


async def test_multiple_choice_keeps_all_chosen(bot: RunningBot, connector: ConnectorDouble) -> None:
    poll = await post_poll(bot, connector, multiple="true")
    body = await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "0,2"}, LIISA))
    assert choice_value(body["value"]) == "0,2"
    assert facts(body["value"]) == {"Arviointi": "1", "Hyvinvointi": "0", "Digitaidot": "1"}


@pytest.mark.parametrize(
    ("choice", "locale", "message"),
    [
        ("7", "fi-FI", "Valitsemaasi vaihtoehtoa ei ole tässä kyselyssä."),
        ("3", "en-US", "The option you chose is not in this poll."),
        ("-1", "en-US", "The option you chose is not in this poll."),
        ("Arviointi", "fi-FI", "Valitsemaasi vaihtoehtoa ei ole tässä kyselyssä."),
        ("0,1", "en-US", "You can choose only one option in this poll."),
        ("", "fi-FI", "Valitse vaihtoehto."),
        (None, "en-US", "Choose an option."),
    ],
)
async def test_a_vote_for_an_option_not_in_the_poll_is_refused(
    bot: RunningBot, connector: ConnectorDouble, choice: str | None, locale: str, message: str
) -> None:
    poll = await post_poll(bot, connector)
    data = {"poll": poll} if choice is None else {"poll": poll, "choice": choice}
    body = await invoke(bot, action(connector.url, "poll.vote", data, LIISA, locale=locale))
    assert error_message(body) == message
    ok = await invoke(bot, action(connector.url, "poll.refresh", {"poll": poll}, LIISA))
    assert facts(ok["value"])["Arviointi"] == "0"


@pytest.mark.parametrize("poll", ["no-such-poll", "", None, 42])
async def test_a_vote_on_an_unknown_poll_is_refused(
    bot: RunningBot, connector: ConnectorDouble, poll: object
) -> None:
    body = await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "0"}, LIISA))
    assert error_message(body) == "Kyselyä ei löydy tältä kanavalta."


async def test_a_poll_id_from_another_channel_is_refused(bot: RunningBot, connector: ConnectorDouble) -> None:
    poll = await post_poll(bot, connector)
    forged = action(connector.url, "poll.vote", {"poll": poll, "choice": "0"}, MATTI, channel=PEDA_CHANNEL)
    assert error_message(await invoke(bot, forged)) == "There is no such poll in this channel."
    personal = a.card_action(connector.url, "poll.vote", {"poll": poll, "choice": "0"}, MATTI)
    assert error_message(await invoke(bot, personal)) == "There is no such poll in this channel."
    stored = bot.app[SERVICES].store
    assert (await stored.tally(poll)).voters == 0


async def test_a_closed_poll_takes_no_votes(bot: RunningBot, connector: ConnectorDouble) -> None:
    poll = await post_poll(bot, connector)
    await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "1"}, LIISA))
    refused = await invoke(bot, action(connector.url, "poll.close", {"poll": poll}, MATTI, locale="en-US"))
    assert error_message(refused) == "Only the author of the poll can close it."
    closed = await invoke(bot, action(connector.url, "poll.close", {"poll": poll}, MAIJA))
    assert "Suljit kyselyn." in texts(closed["value"])
    assert choice_value(closed["value"]) is None  # no choices left to click
    body = await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "0"}, LIISA))
    assert error_message(body) == "Kysely on jo suljettu, joten vastauksia ei enää oteta vastaan."
    mine = await invoke(bot, action(connector.url, "poll.refresh", {"poll": poll}, LIISA))
    assert "Vastauksesi: Hyvinvointi" in texts(mine["value"])
    # Closing updates the shared card so everyone sees the poll is closed.
    put = [s for s in await connector.settle(0.3) if s.method == "PUT"]
    assert put and "Kysely on suljettu" in texts(put[-1].card)


async def test_the_closing_time_is_enforced_by_the_server(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    poll_id = await post_poll(bot, connector, closes_date="2999-01-01", closes_time="12:00")
    store = bot.app[SERVICES].store
    poll = await store.get_poll(poll_id)
    assert poll.closes_at == datetime(2999, 1, 1, 10, 0, tzinfo=UTC)  # noon in Helsinki, winter time
    # The card people hold still offers the choices; once the time has passed, the server says no.
    past = datetime.now(UTC) - timedelta(minutes=1)
    async with store.engine.begin() as conn:
        await conn.execute(text("UPDATE polls SET closes_at = :t WHERE id = :id"), {"t": past, "id": poll_id})
    body = await invoke(
        bot, action(connector.url, "poll.vote", {"poll": poll_id, "choice": "0"}, LIISA, locale="en-US")
    )
    assert error_message(body) == "The poll is closed, so no more answers are taken."
    assert (await store.tally(poll_id)).voters == 0
    # The first touch after the closing time records the end and shows everyone the poll closed.
    assert (await store.get_poll(poll_id)).closed_at == past
    [put] = [s for s in await connector.settle(0.3) if s.method == "PUT"]
    assert "Kysely on suljettu" in texts(put.card)
    assert [act["verb"] for act in put.card["actions"]] == ["poll.refresh"]  # no vote button left


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"closes_date": "2000-01-01", "closes_time": "10:00"},
            "Sulkeutumisajan pitää olla tulevaisuudessa.",
        ),
        ({"closes_date": "huomenna"}, "En ymmärtänyt sulkeutumisaikaa. Valitse päivä ja kellonaika."),
        ({"closes_time": "12:00"}, "En ymmärtänyt sulkeutumisaikaa. Valitse päivä ja kellonaika."),
        ({"results": "nobody"}, "Kortin tiedot"),
        ({"kind": "theme"}, "Teemaäänestyksen voi julkaista vain verkoston kanavalla."),
    ],
)
async def test_a_bad_form_is_explained(
    bot: RunningBot, connector: ConnectorDouble, fields: dict[str, str], message: str
) -> None:
    data = form("Teema?", ["A", "B"], **fields)
    body = await invoke(bot, action(connector.url, "poll.create", data, MAIJA))
    assert error_message(body).startswith(message)
    assert [s for s in await connector.settle(0.1) if s.card] == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["Vain yksi"], "Give 2–10 options, each on its own line."),
        ([f"Vaihtoehto {i}" for i in range(11)], "Give 2–10 options, each on its own line."),
        (["Sama", "sama"], "The same option is given twice."),
        (["A", "x" * 121], "An option is too long (at most 120 characters)."),
    ],
)
async def test_options_must_be_two_to_ten_distinct(
    bot: RunningBot, connector: ConnectorDouble, options: list[str], message: str
) -> None:
    body = await invoke(bot, action(connector.url, "poll.create", form("Q?", options), MAIJA, locale="en-US"))
    assert error_message(body) == message


async def test_only_facilitators_and_the_coordinator_post_polls(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    body = await invoke(bot, action(connector.url, "poll.create", form("Q?", ["A", "B"]), LIISA))
    assert error_message(body) == "Kyselyn voivat julkaista vain verkoston vetäjä ja projektipäällikkö."
    await bot.post(a.channel_message(connector.url, "kysely", LIISA, channel_id=HR_CHANNEL))
    await bot.post(a.channel_message(connector.url, "poll Q? | A | B", MATTI, channel_id=HR_CHANNEL))
    sent = await connector.wait_for(2)
    assert sent[0].text.startswith("Kyselyn voivat julkaista vain")
    assert sent[1].text == "Only the network's facilitator and the project coordinator can post polls."
    assert all(s.card is None for s in sent)


async def test_polls_are_posted_in_channels_only(bot: RunningBot, connector: ConnectorDouble) -> None:
    await bot.post(a.personal_message(connector.url, "kysely", MAIJA))
    [sent] = await connector.wait_for(1)
    assert "Julkaise kysely verkoston kanavalla" in sent.text


async def test_the_command_shows_the_form_or_posts_at_once(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    await bot.post(a.channel_message(connector.url, "kysely", MAIJA, channel_id=HR_CHANNEL))
    [formcard] = await connector.wait_for(1)
    assert_teams_card(formcard.card)
    assert "Uusi kysely" in texts(formcard.card)
    assert {e.get("id") for e in formcard.card["body"]} >= {
        "question",
        "options",
        "multiple",
        "anonymous",
        "results",
    }
    await bot.post(
        a.channel_message(
            connector.url, "poll Coffee or tea? | Coffee | Tea", MATTI, channel_id=HR_CHANNEL, locale="en-US"
        )
    )
    await bot.post(
        a.channel_message(
            connector.url, "poll Coffee or tea? | Coffee | Tea", MAIJA, channel_id=HR_CHANNEL, locale="en-US"
        )
    )
    sent = await connector.wait_for(3)
    poll = await bot.app[SERVICES].store.get_poll(poll_id_of(sent[2].card))
    assert poll.options == ("Coffee", "Tea") and poll.lang == "en" and not poll.multiple


async def test_results_for_the_author_only(bot: RunningBot, connector: ConnectorDouble) -> None:
    poll = await post_poll(bot, connector, results="author")
    body = await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "0"}, LIISA))
    assert facts(body["value"]) == {}
    assert "Tulokset näkyvät vain kyselyn tekijälle." in texts(body["value"])
    author = await invoke(bot, action(connector.url, "poll.refresh", {"poll": poll}, MAIJA))
    assert facts(author["value"])["Arviointi"] == "1"
    assert not [s for s in await connector.settle(0.2) if s.method == "PUT"]  # nothing to show the channel


async def test_anonymous_votes_store_no_link_to_the_person(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    poll = await post_poll(bot, connector, anonymous="true")
    await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "0"}, LIISA))
    await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "1"}, LIISA))
    body = await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "1"}, MATTI))
    assert facts(body["value"]) == {"Arviointi": "0", "Hyvinvointi": "2", "Digitaidot": "0"}
    mine = await invoke(bot, action(connector.url, "poll.refresh", {"poll": poll}, LIISA))
    assert choice_value(mine["value"]) == "1"
    store = bot.app[SERVICES].store
    async with store.engine.connect() as conn:
        ballots = (await conn.execute(text("SELECT * FROM poll_ballots"))).mappings().all()
        tables = [r[0] for r in await conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))]
        everything = []
        for table in tables:
            everything += [repr(tuple(r)) for r in await conn.execute(text(f'SELECT * FROM "{table}"'))]
    assert len(ballots) == 2 and all(b["voter"].startswith("h:") for b in ballots)
    assert not any(LIISA.aad in b["voter"] or MATTI.aad in b["voter"] for b in ballots)
    # No other table stores who voted in the poll either.
    assert not [row for row in everything if poll in row and (LIISA.aad in row or MATTI.aad in row)]
    secret = Path(bot.app[SERVICES].settings.var_dir) / "poll-secret"
    assert secret.stat().st_mode & 0o077 == 0


async def test_small_audiences_get_per_user_refresh(tmp_path: Path, connector: ConnectorDouble) -> None:
    connector.members = [u.member() for u in (MAIJA, MATTI, LIISA)]
    async with running_bot(make_settings(tmp_path)) as bot:
        await post_poll(bot, connector)
        card = connector.sent[-1].card
        assert card["refresh"]["userIds"] == [MAIJA.id, MATTI.id, LIISA.id]
        assert card["refresh"]["action"] == {
            "type": "Action.Execute",
            "verb": "poll.refresh",
            "data": {"poll": poll_id_of(card)},
        }
        before = len(connector.sent)
        await invoke(
            bot, action(connector.url, "poll.vote", {"poll": poll_id_of(card), "choice": "0"}, LIISA)
        )
        assert [s for s in await connector.settle(0.3)][before:] == []  # each member's view refreshes itself


async def test_large_audiences_get_the_shared_card_updated(
    tmp_path: Path, connector: ConnectorDouble
) -> None:
    connector.members = [{"id": f"29:m{i}", "name": f"M {i}", "aadObjectId": f"aad-m{i}"} for i in range(61)]
    connector.page_size = 25
    async with running_bot(make_settings(tmp_path)) as bot:
        quick_updates(bot)
        await post_poll(bot, connector)
        posted = connector.sent[-1]
        assert "refresh" not in posted.card
        poll = poll_id_of(posted.card)
        for user in (LIISA, MATTI):
            await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "2"}, user))
        await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "1"}, MAIJA))
        sent = await connector.settle(1.5)
        puts = [s for s in sent if s.method == "PUT"]
        assert 1 <= len(puts) <= 3
        assert puts[0].path.endswith(f"/activities/{posted_id(connector, posted)}")
        assert puts[0].conversation_id == f"{HR_CHANNEL};messageid=1700000000000"
        assert_teams_card(puts[-1].card)
        assert facts(puts[-1].card) == {"Arviointi": "0", "Hyvinvointi": "1", "Digitaidot": "2"}


def posted_id(connector: ConnectorDouble, posted: object) -> str:
    """The id the connector double gave the poll card when it was posted (its ids count up per request)."""
    index = connector.sent.index(posted)  # type: ignore[arg-type]
    return str(index + 1 - sum(1 for s in connector.sent[:index] if s.method == "GET"))


async def test_a_theme_vote_in_a_network_channel(bot: RunningBot, connector: ConnectorDouble) -> None:
    from core.networks import LaunchStep, Network, NetworkStatus

    store = bot.app[SERVICES].store

    await store.save_network(
        Network("hr-kehittajat", "HR-kehittäjäverkosto", "HR developers", "Tarkoitus", "Purpose")
    )
    await store.record_launch(
        "hr-kehittajat", LaunchStep.DONE, channel_id=HR_CHANNEL, status=NetworkStatus.ACTIVE
    )
    await store.set_facilitator("hr-kehittajat", LIISA.aad)
    body = await invoke(
        bot,
        action(connector.url, "poll.create", form("Teemat?", ["Rekry", "Perehdytys"], kind="theme"), LIISA),
    )
    assert "Kysely" in texts(body["value"])
    [sent] = await connector.wait_for(1)
    poll_id = poll_id_of(sent.card)
    await invoke(bot, action(connector.url, "poll.vote", {"poll": poll_id, "choice": "1"}, MATTI))
    await invoke(bot, action(connector.url, "poll.close", {"poll": poll_id}, LIISA))
    [result] = await store.winning_themes("hr-kehittajat")
    assert result.themes == ("Perehdytys",)


async def test_instances_sharing_poll_secret_recognise_the_same_anonymous_voter(
    tmp_path: Path, connector: ConnectorDouble
) -> None:
    shared = {"DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}", "POLL_SECRET": "k" * 40}
    async with (
        running_bot(make_settings(tmp_path / "one", **shared)) as one,
        running_bot(make_settings(tmp_path / "two", **shared)) as two,
    ):
        poll = await post_poll(one, connector, anonymous="true")
        await invoke(one, action(connector.url, "poll.vote", {"poll": poll, "choice": "0"}, LIISA))
        body = await invoke(two, action(connector.url, "poll.vote", {"poll": poll, "choice": "2"}, LIISA))
    assert facts(body["value"]) == {"Arviointi": "0", "Hyvinvointi": "0", "Digitaidot": "1"}
    assert not (tmp_path / "one" / "var" / "poll-secret").exists()


async def test_a_poll_closed_on_another_instance_refuses_votes_at_once(
    tmp_path: Path, connector: ConnectorDouble
) -> None:
    """Votes read the poll from a short cache; closing is still checked inside each vote's transaction."""
    shared = {"DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}", "POLL_SECRET": "c" * 40}
    async with (
        running_bot(make_settings(tmp_path / "one", **shared)) as one,
        running_bot(make_settings(tmp_path / "two", **shared)) as two,
    ):
        poll = await post_poll(one, connector)
        await invoke(one, action(connector.url, "poll.vote", {"poll": poll, "choice": "0"}, LIISA))
        await invoke(two, action(connector.url, "poll.close", {"poll": poll}, MAIJA))
        body = await invoke(one, action(connector.url, "poll.vote", {"poll": poll, "choice": "1"}, MATTI))
    assert error_message(body) == "The poll is closed, so no more answers are taken."  # Matti reads English


async def poll_form_nonce(bot: RunningBot, connector: ConnectorDouble) -> str:
    await bot.post(a.channel_message(connector.url, "kysely", MAIJA, channel_id=HR_CHANNEL))
    [formcard] = await connector.wait_for(1)
    [submit] = [act for act in formcard.card["actions"] if act["verb"] == "poll.create"]
    return submit["data"]["nonce"]


@pytest.mark.parametrize(("locale", "already"), [("fi-FI", "toista kyselyä ei"), ("en-US", "no second poll")])
async def test_the_poll_form_submitted_twice_at_once_posts_one_poll(
    bot: RunningBot, connector: ConnectorDouble, locale: str, already: str
) -> None:
    data = {**form("Teema?", ["A", "B"]), "nonce": await poll_form_nonce(bot, connector)}
    submit = action(connector.url, "poll.create", data, MAIJA, locale=locale)
    replies = await asyncio.gather(invoke(bot, submit), invoke(bot, submit))
    replies.append(await invoke(bot, submit))
    assert sum(already in texts(r["value"]) for r in replies) == 2
    sent = await connector.settle(0.2)
    posted = [s for s in sent if s.card and any(x["verb"] == "poll.vote" for x in s.card["actions"])]
    assert [poll_id_of(s.card) for s in posted] == [data["nonce"].split(".")[0]]


@pytest.mark.parametrize(
    ("nonce", "locale", "message"),
    [
        ("A" * 22 + "." + "B" * 22, "fi-FI", "Lomakkeen tunniste ei kelpaa, joten mitään ei tallennettu."),
        ({"id": 1}, "en-US", "This form's identifier is not valid, so nothing was saved."),
    ],
)
async def test_a_forged_poll_form_nonce_is_refused(
    bot: RunningBot, connector: ConnectorDouble, nonce: object, locale: str, message: str
) -> None:
    data = {**form("Teema?", ["A", "B"]), "nonce": nonce}
    body = await invoke(bot, action(connector.url, "poll.create", data, MAIJA, locale=locale))
    assert error_message(body).startswith(message)
    assert [s for s in await connector.settle(0.1) if s.card] == []


async def test_a_poll_closes_at_its_time_and_its_shared_card_shows_it(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    day = (datetime.now(HELSINKI) + timedelta(days=1)).date().isoformat()
    poll = await post_poll(bot, connector, closes_date=day, closes_time="12:00")
    posted = connector.sent[-1]
    await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "1"}, LIISA))
    before = len(await connector.settle(0.2))
    closer = PollCloser(bot.app[SERVICES], clock=lambda: datetime.now(UTC) + timedelta(days=2))
    assert await closer.tick() == 1
    assert await closer.tick() == 0  # closed once
    [put] = (await connector.wait_for(before + 1))[before:]
    assert put.method == "PUT" and put.path.endswith(f"/activities/{posted_id(connector, posted)}")
    assert put.conversation_id == f"{HR_CHANNEL};messageid=1700000000000"
    assert_teams_card(put.card)
    assert "Kysely on suljettu" in texts(put.card) and facts(put.card)["Hyvinvointi"] == "1"
    assert [act["verb"] for act in put.card["actions"]] == ["poll.refresh"]  # no vote button left
    late = action(connector.url, "poll.vote", {"poll": poll, "choice": "0"}, MATTI, locale="en-US")
    assert error_message(await invoke(bot, late)) == "The poll is closed, so no more answers are taken."
    assert (await bot.app[SERVICES].store.tally(poll)).voters == 1


def verbs(card: dict[str, Any]) -> list[str]:
    return [act["verb"] for act in card["actions"]]


async def test_the_author_gets_who_answered_what_in_personal_chat(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    poll = await post_poll(bot, connector)
    await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "2"}, LIISA))
    voted = await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "0"}, MATTI))
    assert "poll.voters" not in verbs(voted["value"])  # a voter is not offered the list
    mine = await invoke(bot, action(connector.url, "poll.refresh", {"poll": poll}, MAIJA))
    assert "poll.voters" in verbs(mine["value"])
    before = len(await connector.settle(0.2))
    body = await invoke(bot, action(connector.url, "poll.voters", {"poll": poll}, MAIJA))
    assert "henkilökohtaiseen keskusteluusi" in texts(body["value"])
    await connector.wait_for(before + 1)
    sent = await connector.settle(0.2)  # the personal chat is opened first, then the card sent
    [listed] = [s for s in sent[before:] if s.card and "Kuka vastasi mitä" in texts(s.card)]
    assert listed.method == "POST" and listed.conversation_id != f"{HR_CHANNEL};messageid=1700000000000"
    assert_teams_card(listed.card)
    shown = texts(listed.card)
    assert "Arviointi: 1 vastaaja" in shown and "Digitaidot: 1 vastaaja" in shown
    assert shown.index(MATTI.name) < shown.index("Hyvinvointi") < shown.index(LIISA.name)
    refused = await invoke(bot, action(connector.url, "poll.voters", {"poll": poll}, MATTI, locale="en-US"))
    assert (
        error_message(refused)
        == "Only the poll's author and the project coordinator can see who answered what."
    )


async def test_nobody_sees_who_answered_an_anonymous_poll(
    bot: RunningBot, connector: ConnectorDouble
) -> None:
    poll = await post_poll(bot, connector, anonymous="true")
    await invoke(bot, action(connector.url, "poll.vote", {"poll": poll, "choice": "1"}, LIISA))
    mine = await invoke(bot, action(connector.url, "poll.refresh", {"poll": poll}, MAIJA))
    assert "poll.voters" not in verbs(mine["value"])
    before = len(await connector.settle(0.1))
    body = await invoke(bot, action(connector.url, "poll.voters", {"poll": poll}, MAIJA))
    assert error_message(body) == "Kysely on nimetön, joten kenellekään ei näytetä, kuka vastasi mitä."
    assert (await connector.settle(0.2))[before:] == []
