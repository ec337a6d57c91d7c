"""The README's journeys in the Agents Playground, in a real browser, in Finnish and in English.

Each step asserts what Maija (the Playground's signed-in user, the project coordinator) sees on the page.
The journeys run in order in one world per language: the survey launches the network the later journeys
meet in.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import yaml
from playwright.sync_api import expect

from tests.e2e.browser import _CLIPPED_JS, PHONE_CARD, ROOT, Chat, PlaygroundWorld, served_file
from tests.e2e.journeys.conftest import SCREENSHOTS
from tests.e2e.journeys.long_names import ORGANISATIONS, long_name_cards

pytestmark = pytest.mark.playground

PERSONAL = "Personal Chat"
GENERAL = "Vertaansa vailla - General"
HR = "Vertaansa vailla - HR-kehittäjäverkosto"


def test_help_and_the_language_button(chat: Chat, t) -> None:
    chat.open(PERSONAL)
    chat.say(t("apua", "help"))
    help_card = chat.card(t("Hei, olen Vertaisbotti", "Hi, I'm Vertaisbotti"))
    commands = t(["verkostot", "kartoitus", "tapaamiset", "materiaalit"], ["networks", "survey", "meetings"])
    for command in commands:
        assert command in help_card.inner_text()
    chat.assert_whole(help_card)
    chat.press(help_card, t("In English", "Suomeksi"))
    switched = chat.card(t("Hi, I'm Vertaisbotti", "Hei, olen Vertaisbotti"))
    chat.assert_whole(switched)


def test_needs_survey_from_start_to_results_to_a_launched_network(chat: Chat, t) -> None:
    chat.open(PERSONAL)
    chat.say(t("kartoitus", "survey"))
    offer = chat.card(t("Vertaisverkostojen tarvekartoitus", "Peer network needs survey"))
    # The bot knows its team from the start: the survey goes to all six people of the Playground's team.
    chat.press(offer, t("Lähetä 6 henkilölle", "Send to 6 people"))
    form = chat.card(t("Lähetä vastaus", "Send the answer"))
    chat.assert_whole(form)
    chat.choose(form, "Omnia")
    chat.check(form, t("HR-kehittäjäverkosto", "HR developers' network"))
    take_part = t("Haluan osallistua verkostojen toimintaan", "I would like to take part in the networks")
    chat.check(form, take_part)
    chat.press(form, t("Lähetä vastaus", "Send the answer"))
    chat.card(t("Vastauksesi on tallennettu", "Your answer is saved"))

    chat.open(GENERAL)
    announcement = chat.card("Vastaa kartoitukseen")  # a channel card speaks the team's language, Finnish
    chat.assert_whole(announcement)

    chat.open(PERSONAL)
    chat.say(t("kartoitus", "survey"))
    # The newest results card with Omnia's answer: the start button left a results card of no answers,
    # which is visible before this reply arrives.
    results = chat.card(
        re.compile(t("Tarvekartoituksen tulokset", "Needs survey results") + r"[\s\S]*Omnia\s*1/1")
    )
    # One choice and one button (a button per network, named after it, ran past the card's edge).
    results.get_by_role("radio", name=t("HR-kehittäjäverkosto", "HR developers' network")).check()
    chat.press(results, t("Käynnistä verkosto", "Launch the network"))
    chat.card(re.compile(t("HR-kehittäjäverkosto.*käynnistetty", "HR developers' network is launched")))
    # The invitation to those who asked for the network (Maija did) comes to the personal chat.
    invitation = chat.card(t("HR-kehittäjäverkosto on käynnistynyt", "HR developers' network has started"))
    chat.assert_whole(invitation)

    chat.open(HR)
    welcome = chat.card("Tervetuloa: HR-kehittäjäverkosto")  # channel cards speak the team's language
    chat.assert_whole(welcome)
    chat.press(welcome, "Liity verkostoon")
    joined = chat.card(t("Olet nyt verkoston HR-kehittäjäverkosto jäsen", "You are now a member of"))
    # The welcome stays readable for the one who pressed: its text and button, with the confirmation added.
    assert t("Tervetuloa: HR-kehittäjäverkosto", "Welcome: HR developers' network") in joined.inner_text()
    expect(joined.get_by_role("button", name=t("Liity verkostoon", "Join the network"))).to_be_visible()
    chat.assert_whole(joined)


def test_survey_results_have_whole_buttons_and_whole_people_on_the_axis(chat: Chat, t) -> None:
    chat.open(PERSONAL)
    chat.say(t("kartoitus tulokset", "survey results"))
    results = chat.card(t("Tarvekartoituksen tulokset", "Needs survey results"))
    chat.assert_whole(results)
    fractions = re.findall(r"(?<![\d/])\d+[.,]\d+(?![\d%])", results.inner_text())
    assert not fractions, f"the chart's axis counts fractions of people: {fractions}"


def test_a_meeting_planned_announced_attended_planned_together_and_split_into_groups(chat: Chat, t) -> None:
    # The coordinator names herself the network's facilitator from Teams (the catalogue's Tallenna).
    chat.open(PERSONAL)
    chat.say(t("verkostot", "networks"))
    catalogue = chat.card(t("Vertaisverkostot", "Peer networks"))
    chat.assert_whole(catalogue)
    chat.press(catalogue, t("Muokkaa", "Edit"))
    form = chat.card(t("Muokkaa verkostoa: HR-kehittäjäverkosto", "Edit the network: HR-kehittäjäverkosto"))
    chat.fill(form, t("Vetäjän sähköpostiosoite", "Facilitator's email"), "maija.virtanen@omnia.example")
    chat.press(form, t("Tallenna", "Save"))
    chat.card(t("HR-kehittäjäverkosto tiedot on tallennettu", "The network HR developers' network was"))

    chat.open(HR)
    chat.post(t("tapaamiset", "meetings"))
    plan = chat.card(t("Uusi tapaaminen: HR-kehittäjäverkosto", "New meeting: HR developers' network"))
    chat.assert_whole(plan)
    theme = t("Perehdyttäminen", "Induction")
    chat.fill(plan, t("Teema", "Theme"), theme)
    chat.pick_date(plan, t("Valitse päivä", "Pick a date"), date.today() + timedelta(days=14))
    chat.check(plan, "Maija Virtanen")  # the presenters: checkboxes, which the Playground shows
    chat.press(plan, t("Suunnittele tapaaminen", "Plan the meeting"))
    chat.card(t(f"”{theme}” on suunniteltu", f"“{theme}” is planned"))

    # The channel's card is posted in the team's language; a click answers in the clicker's.
    announcement = chat.card(re.compile(f"(Tapaaminen|Meeting): {theme}"))
    chat.assert_whole(announcement)
    chat.press(announcement, re.compile("^(Osallistun|I'll attend)$"))
    # The count goes up on the channel's card (for everyone: the shared card is updated after the click; the
    # clicker sees the answer to the click, in their language).
    attending = "(1 ilmoittautunut|1 person attending so far)"
    chat.card(re.compile(rf"(Tapaaminen|Meeting): {theme}.*{attending}", re.S))

    # The presenters plan the agenda and the small-group questions together on their card.
    chat.open(PERSONAL)
    planning = chat.card(t(f"Tapaamisen suunnittelu: {theme}", f"Planning the meeting: {theme}"))
    chat.assert_whole(planning)
    agenda = t("Tervetuloa\nAlustus\nPienryhmät", "Welcome\nTalk\nSmall groups")
    question = t("Miten perehdytätte uudet opettajat?", "How do you induct new teachers?")
    brings = t("Perehdytysmallin", "Our induction model")
    chat.fill(planning, t("Ohjelma", "Agenda"), agenda)
    chat.fill(planning, t("Pienryhmien kysymykset", "Small-group questions"), question)
    chat.fill(planning, t("Maija Virtanen tuo", "Maija Virtanen brings"), brings)
    chat.press(planning, t("Tallenna suunnitelma", "Save the plan"))
    saved = chat.card(t("Suunnitelma tallennettu", "Plan saved"))
    for shown in (t("Alustus", "Talk"), question, brings):
        assert shown in saved.inner_text(), f"the saved plan does not show {shown!r}"
    chat.assert_whole(saved)

    # The channel's card shows the agenda to everyone; the facilitator splits the attendees into groups.
    chat.open(HR)
    announcement = chat.card(re.compile(f"(Tapaaminen|Meeting): {theme}.*(Alustus|Talk)", re.S))
    chat.press(announcement, re.compile("^(Pienryhmät|Small groups)$"))  # the group size opens on the card
    chat.press(announcement, re.compile("^(Jaa pienryhmiin|Split into small groups)$"))
    chat.card(t("Osallistujat jaettiin 1 pienryhmään", "Attendees were put into 1 small group"))

    # Each member gets the group's card with the presenters' question, answers it and sees the answer kept.
    chat.open(PERSONAL)
    group = chat.card(t(f"Pienryhmä 1: {theme}", f"Small group 1: {theme}"))
    assert "Maija Virtanen" in group.inner_text()
    chat.assert_whole(group)
    answer = t("Kummi jokaiselle uudelle opettajalle", "A buddy for every new teacher")
    chat.fill(group, question, answer)
    chat.press(group, t("Lähetä vastaukset", "Send answers"))
    sent = chat.card(t("Vastauksenne on tallennettu", "Your answers are saved"))
    expect(sent.get_by_label(question).first).to_have_value(answer)
    chat.assert_whole(sent)


def test_a_poll_posted_voted_and_its_results(chat: Chat, t) -> None:
    chat.open(HR)
    chat.post(t("kysely", "poll"))
    form = chat.card(t("Uusi kysely", "New poll"))
    chat.assert_whole(form)
    question = t("Mikä teema seuraavaksi?", "Which theme next?")
    first, second = t("Perehdyttäminen", "Induction"), t("Työhyvinvointi", "Wellbeing at work")
    chat.fill(form, t("Kysymys", "Question"), question)
    chat.fill(form, t("Vaihtoehdot", "Options"), f"{first}\n{second}")
    chat.press(form, t("Julkaise kysely", "Post the poll"))
    q = re.escape(question)
    chat.card(re.compile(t(f"Kysely .{q}. on julkaistu kanavalle", f"The poll .{q}. is posted")))

    # The poll comes into the thread, in its author's language.
    vote = t("Vastaa", "Vote")
    poll = chat.card(re.compile(f"{re.escape(question)}.*{vote}", re.S))
    chat.assert_whole(poll)
    chat.check(poll, first)
    chat.press(poll, re.compile(f"^{vote}$"))
    # Maija sees the counts (everyone may) on her own view of the poll, and her answer is one of one.
    voted = chat.card(re.compile(rf"{re.escape(question)}.*(Sulje kysely|Close the poll)", re.S))
    assert re.search(r"\b1 (vastaaja|respondent)\b", voted.inner_text()), voted.inner_text()
    assert re.search(rf"{re.escape(first)}\s*1\b", voted.inner_text()), voted.inner_text()
    assert re.search(rf"{re.escape(second)}\s*0\b", voted.inner_text()), voted.inner_text()
    expect(voted.get_by_role("radio", name=first, exact=True)).to_be_checked()
    chat.assert_whole(voted)

    # The author closes it: the card says so, keeps the counts and takes no more votes. (The channel's shared
    # card is updated too; in the Playground, which has no per-user views, it may be what the page shows.)
    chat.press(voted, re.compile("^(Sulje kysely|Close the poll)$"))
    closed = chat.card(re.compile(rf"{re.escape(question)}.*(Kysely on suljettu|The poll is closed)", re.S))
    assert re.search(rf"{re.escape(first)}\s*1\b", closed.inner_text()), closed.inner_text()
    expect(closed.get_by_role("button", name=re.compile(f"^{vote}$"))).to_have_count(0)
    chat.assert_whole(closed)


def _file_message(world: PlaygroundWorld, name: str, url: str) -> dict[str, object]:
    """A personal-chat message from Maija carrying a file, as Teams delivers a file sent to a bot."""
    config = yaml.safe_load((ROOT / ".m365agentsplayground.yml").read_text(encoding="utf-8"))
    user, bot = config["currentUser"], config["bot"]
    return {
        "type": "message",
        "channelId": "msteams",
        "serviceUrl": f"{world.url}/_connector",
        "from": {"id": user["id"], "name": user["name"], "aadObjectId": user["aadObjectId"]},
        "recipient": {"id": bot["id"], "name": bot["name"]},
        "conversation": {
            "id": config["personalChat"]["id"],
            "conversationType": "personal",
            "tenantId": config["tenantId"],
        },
        "channelData": {"tenant": {"id": config["tenantId"]}},
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.teams.file.download.info",
                "name": name,
                "content": {"downloadUrl": url, "uniqueId": "e2e-deck", "fileType": name.rsplit(".", 1)[-1]},
            }
        ],
    }


def test_a_link_and_a_file_filed_for_a_meeting_and_found_again(chat: Chat, world: PlaygroundWorld, t) -> None:
    theme = t("Perehdyttäminen", "Induction")
    file_it = t("Tallenna", "File it")
    chat.open(PERSONAL)

    # A link: the bot asks which meeting it is for (Maija's one meeting is chosen) and files it.
    chat.say(t("materiaalit", "materials") + " https://example.org/perehdytysopas")
    choose = chat.card(t("Mihin tapaamiseen tallennan", "Which meeting"))
    expect(choose.get_by_role("radio", name=re.compile(re.escape(theme)))).to_be_checked()
    chat.assert_whole(choose)
    chat.press(choose, re.compile(f"^{file_it}$"))
    chat.card(re.compile(t("Tiedosto .*perehdytysopas.* on tallennettu", ".*perehdytysopas.* is filed")))

    # A file: sent as Teams sends one (the Playground's send box takes no files: a custom activity).
    deck = "perehdytys-diat.pdf"
    with served_file(deck, b"%PDF-1.4\n% Perehdytyksen diat\n") as url:
        chat.send_activity(_file_message(world, deck, url))
        choose = chat.card(t(f"Mihin tapaamiseen tallennan tiedoston {deck}", f"Which meeting is {deck}"))
        chat.press(choose, re.compile(f"^{file_it}$"))
        chat.card(re.compile(t(f"Tiedosto {deck} on tallennettu", f"{deck} is filed")))

    # Found again: all the materials, the network's, and a search word that only the deck's name has.
    for command in (t("materiaalit", "materials"), t("materiaalit hr-kehittajat", "materials hr-kehittajat")):
        chat.say(command)
        listed = chat.card(re.compile(t("Tapaamisten materiaalit", "Meeting materials") + ".*" + deck, re.S))
        assert "perehdytysopas" in listed.inner_text() and theme in listed.inner_text(), listed.inner_text()
        chat.assert_whole(listed)
    chat.say(t("materiaalit diat", "materials diat"))
    found = chat.card(re.compile(t("Materiaalit haulla", "Materials matching") + ".*" + deck, re.S))
    assert "perehdytysopas" not in found.inner_text(), found.inner_text()
    chat.assert_whole(found)

    # "Send to me" offers the file with Teams' file consent card, which the Playground does not render: the
    # last step here. (In Teams, accepting it saves the file in the person's OneDrive.)
    chat.press(found, re.compile(t("^Lähetä minulle$", "^Send to me$")))
    chat.text(re.compile("^File Consent Card is not supported yet$"))  # the message; its tooltip says more


# The self-assessment's answers: every statement of a part gets the part's score (the option's title).
SCORES = (4, 5, 3, 4, 5, 3)
SCALE = {
    "fi": {3: "3 Ei samaa eikä eri mieltä", 4: "4 Jokseenkin samaa mieltä", 5: "5 Täysin samaa mieltä"},
    "en": {3: "3 Neither agree nor disagree", 4: "4 Somewhat agree", 5: "5 Strongly agree"},
}
PARTS = {"fi": ["Muutos", "Pedagogiikka", "Palvelut"], "en": ["Change", "Pedagogy", "Services"]}  # short


def _charts(card: object, kind: str) -> object:
    """The card's rendered charts of one kind ("Vertical bar chart", "Gauge chart", "Horizontal bar chart"):
    the renderer draws each as an element with role=alert whose label names the chart and its kind."""
    return card.locator(f'[role="alert"][aria-label*="{kind}"]')  # type: ignore[attr-defined]


def test_the_self_assessment_card_by_card_to_its_charts(chat: Chat, language: str, t) -> None:
    chat.open(PERSONAL)
    chat.say(t("arviointi", "assessment"))
    start = chat.card(t("Johtamisosaamisen itsearviointi", "Leadership self-assessment"))
    assert re.search(
        t(r"Osioita on 6 ja väittämiä yhteensä \d+", r"It has 6 parts and \d+ statements"), start.inner_text()
    )
    chat.assert_whole(start)
    chat.press(start, t("Aloita arviointi", "Start assessment"))
    for part, score in enumerate(SCORES, start=1):
        card = chat.card(t(f"Osio {part}/6", f"Part {part}/6"))
        for which in range(card.get_by_role("combobox").count()):
            chat.choose(card, SCALE[language][score], which)
        if part == 1:  # the other parts' cards are built alike
            chat.assert_whole(card)
        chat.press(card, t("Seuraava", "Next"))
    finish = chat.card(t("Kaikki osiot on vastattu", "Every part is answered"))
    goal = t("Valmentava ote tiimipalavereihin", "A coaching touch in team meetings")
    chat.fill(finish, t("Kehittymistavoitteeni", "My development goal"), goal)
    chat.press(finish, t("Valmis", "Done"))

    results = chat.card(t("Itsearvioinnin tulokset", "Your self-assessment results"))
    # The overview chart is drawn (an SVG bar per part, named in its label); its numbers are also a table.
    (overview,) = _charts(results, "Vertical bar chart").all()
    expect(overview.locator("svg")).to_be_visible()
    bars = [bar.get_attribute("aria-label") or "" for bar in overview.locator('g[role="img"]').all()]
    assert [b.split(",")[0] for b in bars] == t(
        ["Muutos", "Pedagogiikka", "Palvelut", "Valmentava", "Jaettu", "Verkostot"],
        ["Change", "Pedagogy", "Services", "Coaching", "Shared", "Networks"],
    ), bars
    text = results.inner_text()
    for name, mean in zip(
        PARTS[language], ("4,0", "5,0", "3,0") if language == "fi" else ("4.0", "5.0", "3.0"), strict=True
    ):
        assert re.search(rf"{name}\s+{re.escape(mean)}\b", text), f"no {name} {mean} in the table:\n{text}"
    # A gauge per part, each drawn, with the mean written the locale's way under it.
    gauges = _charts(results, "Gauge chart")
    expect(gauges).to_have_count(6)
    for gauge in gauges.all():
        expect(gauge.locator("svg")).to_be_visible()
    assert t("4,0 / 5", "4.0 / 5") in text and t("Vahvuutesi", "Your strengths") in text
    expect(results.get_by_label(t("Kehittymistavoitteeni", "My development goal")).first).to_have_value(goal)
    for title in t(
        ("Tallenna tavoite", "Uusi arviointi", "Lataa tiedostona", "Poista arviointini"),
        ("Save goal", "New assessment", "Download as a file", "Delete my assessments"),
    ):
        expect(results.get_by_role("button", name=title, exact=True)).to_be_visible()
    chat.assert_whole(results)
    overview.scroll_into_view_if_needed()
    chat.screenshot(SCREENSHOTS / f"assessment-results-{language}.png")


def test_the_badge_the_assessment_earned_and_the_coordinators_counts(chat: Chat, language: str, t) -> None:
    chat.open(PERSONAL)
    name = t("Itsearvioija", "Self-assessor")
    award = chat.card(t(f"Sait osaamismerkin: {name}", f"You earned a badge: {name}"))
    image = award.get_by_role("img", name=name)
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth") > 0, "the badge image did not load"
    expect(award.get_by_role("button", name=t("Lataa merkki", "Download badge"))).to_be_visible()
    chat.assert_whole(award)
    # Its verification page, opened from the card as a person would, says the badge is valid.
    with chat.page.expect_popup() as opened:
        award.get_by_role("link", name=t("Tarkista merkki", "Verify badge")).click()
    verification = opened.value
    expect(verification.locator('[data-status="valid"]')).to_be_visible()
    verification.close()

    chat.say(t("merkit", "badges"))
    mine = chat.card(t("Osaamismerkkisi", "Your badges"))
    assert re.search(t(r"Myönnetty .+ · voimassa", r"Issued .+ · valid"), mine.inner_text()), (
        mine.inner_text()
    )
    chat.assert_whole(mine)
    chat.press(mine, t("Merkkien hallinta", "Manage badges"))
    manage = chat.card(t("Osaamismerkit", "Digital badges"))
    (chart,) = _charts(manage, "Horizontal bar chart").all()
    expect(chart.get_by_role("img", name=re.compile(f"^{name}, 1$"))).to_be_visible()
    text = manage.inner_text()
    assert re.search(
        t(r"Organisaatio\s+Merkkejä\s+\S.*\s+1\b", r"Organisation\s+Badges\s+\S.*\s+1\b"), text
    ), text
    chat.assert_whole(manage)
    chat.screenshot(SCREENSHOTS / f"badges-manage-{language}.png")


def test_the_coaching_overview_for_the_coordinator(chat: Chat, t) -> None:
    chat.open(PERSONAL)
    chat.say(t("valmennus", "coaching"))
    overview = chat.card(t("Vertaisvalmennuksen yhteenveto", "Peer coaching overview"))
    for title in t(
        ("Uusi kierros", "Organisaatiot", "Lataa CSV", "Valmennusvastaavat"),
        ("New round", "Organisations", "Download CSV", "Coaching leads"),
    ):
        expect(overview.get_by_role("button", name=title, exact=True)).to_be_visible()
    # Nobody is in the pool yet: no chart of nothing, the counts as text.
    expect(_charts(overview, " chart")).to_have_count(0)
    chat.assert_whole(overview)


def test_every_card_fits_a_phone(chat: Chat, world: PlaygroundWorld, language: str, t) -> None:
    """The cards of the afternoon (help, survey, meeting, poll, materials, assessment, badges, coaching),
    and three with long organisation and network names, as a phone shows them: nothing cut off, nothing past
    the edge, no card to scroll sideways."""
    problems: dict[str, list[str]] = {}
    seen: list[str] = []
    texts: list[str] = []
    chat.open(PERSONAL)
    posted = long_name_cards(language)
    before = chat.page.locator(".ac-adaptiveCard").count()
    for card in posted:
        world.post_card(card)
    expect(chat.page.locator(".ac-adaptiveCard")).to_have_count(before + len(posted))
    for conversation in (PERSONAL, GENERAL, HR):
        chat.open(conversation)
        with chat.phone_width():
            cards = chat.page.locator(".ac-adaptiveCard")
            expect(cards.first).to_be_visible()
            for card in cards.all():
                if not card.is_visible():
                    continue  # the card of a ShowCard action that is not open
                card.scroll_into_view_if_needed()
                assert (card.bounding_box() or {"width": 0})["width"] <= PHONE_CARD + 1
                texts.append(card.inner_text())
                title = f"{conversation}: " + (texts[-1].strip().splitlines() or ["?"])[0]
                seen.append(title)
                if found := card.evaluate(_CLIPPED_JS):
                    problems[title] = found
            chat.screenshot(SCREENSHOTS / f"phone-{language}-{conversation.replace(' ', '_')}.png")
    assert not problems, f"cards that do not fit a {PHONE_CARD}px card: {problems}"
    expected = [
        f"{PERSONAL}: (Hei, olen|Hi, I'm) Vertaisbotti",
        f"{PERSONAL}: " + t("Tarvekartoituksen tulokset", "Needs survey results"),
        f"{PERSONAL}: " + t("Tapaamisen suunnittelu", "Planning the meeting"),
        f"{PERSONAL}: " + t("Tapaamisten materiaalit", "Meeting materials"),
        f"{PERSONAL}: " + t("Itsearvioinnin tulokset", "Your self-assessment results"),
        f"{PERSONAL}: " + t("Osaamismerkit", "Digital badges"),
        f"{PERSONAL}: " + t("Vertaisvalmennuksen yhteenveto", "Peer coaching overview"),
        f"{GENERAL}: ",
        f"{HR}: Tapaaminen: ",  # the channel's cards speak the team's language
        f"{HR}: " + t("Mikä teema seuraavaksi", "Which theme next"),
    ]
    missing = [e for e in expected if not any(re.match(e, title) for title in seen)]
    long_names = [text for text in texts if ORGANISATIONS["kpedu"] in text]
    assert len(long_names) == 2, "the survey results and badge counts with long names were not checked"
    assert not missing, f"not among the cards checked: {missing}; checked: {seen}"
