"""The README's journeys in the Agents Playground, in a real browser, in Finnish and in English.

Each step asserts what Maija (the Playground's signed-in user, the project coordinator) sees on the page.
The journeys run in order in one world per language: the survey launches the network the later journeys
meet in.
"""

from __future__ import annotations

import pytest

from tests.e2e.browser import Chat

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
