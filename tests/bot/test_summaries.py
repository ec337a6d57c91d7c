"""The notification line of a proactive message: its card's title, one line, in the card's language."""

from __future__ import annotations

from bot.i18n import Catalogs
from bot.proactive import card_message
from bot.summaries import SUMMARY_MAX, summary_of, with_summary
from cards.networks import invite_card
from core.networks import Network

HR = Network("hr", "HR-kehittäjäverkosto", "HR developers' network", "Tarkoitus", "Purpose")


def test_a_card_message_is_summarised_by_its_title_in_the_readers_language() -> None:
    catalogs = Catalogs()
    fi = with_summary(card_message(invite_card(catalogs.for_locale("fi"), HR)))
    en = with_summary(card_message(invite_card(catalogs.for_locale("en"), HR)))
    assert fi["summary"] == "HR-kehittäjäverkosto on käynnistynyt"
    assert en["summary"].startswith("HR developers' network") and en["summary"] != fi["summary"]
    assert fi["attachments"] == card_message(invite_card(catalogs.for_locale("fi"), HR))["attachments"]


def test_the_heading_wins_over_earlier_text_and_a_long_title_is_one_cut_line() -> None:
    card = {
        "type": "AdaptiveCard",
        "body": [
            {"type": "TextBlock", "text": "pieni rivi"},
            {
                "type": "Container",
                "items": [{"type": "TextBlock", "text": "Otsikko\n" + "x" * 400, "style": "heading"}],
            },
        ],
    }
    summary = summary_of({"type": "message", "attachments": [{"content": card}]})
    assert summary.startswith("Otsikko x") and "\n" not in summary
    assert len(summary) == SUMMARY_MAX and summary.endswith("…")


def test_an_own_summary_stays_and_text_or_a_file_name_serves_otherwise() -> None:
    assert with_summary({"type": "message", "summary": "Oma", "text": "x"})["summary"] == "Oma"
    assert (
        with_summary({"type": "message", "text": "Ensimmäinen rivi\ntoinen"})["summary"] == "Ensimmäinen rivi"
    )
    file_info = {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.teams.card.file.info", "name": "diat.pptx"}
        ],
    }
    assert with_summary(file_info)["summary"] == "diat.pptx"
    assert "summary" not in with_summary({"type": "typing"})
    assert "summary" not in with_summary({"type": "message"})
