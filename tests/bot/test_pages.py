"""The app's web pages (bot/pages.py): the website, privacy and terms links of the app package default to
them, so each answers on the bot's host, in Finnish or English, naming who answers for the service."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.pages import PAGES
from manifest.compose import compose
from manifest.settings import load_settings
from manifest.template import load_template
from tests.harness.running import make_settings, running_bot

DOMAIN = "bot.example.fi"
APP_ID = "0b6f1a52-3c7d-4e8f-9a10-b2c3d4e5f607"


def paragraphs(page: str) -> list[str]:
    return re.findall(r"<p>(.*?)</p>", page, re.DOTALL)


@pytest.mark.parametrize(
    ("path", "fi_title", "en_title"),
    [
        ("/", "Vertaisbotti", "Vertaisbotti"),
        ("/privacy", "Tietosuojaseloste", "Privacy notice"),
        ("/terms", "Käyttöehdot", "Terms of use"),
    ],
)
async def test_each_page_answers_in_finnish_and_in_english(
    tmp_path: Path, path: str, fi_title: str, en_title: str
) -> None:
    settings = make_settings(tmp_path, APP_DEVELOPER_NAME="Omnia", APP_CONTACT_EMAIL="tietosuoja@omnia.fi")
    async with running_bot(settings) as bot:
        async with bot.session.get(bot.url + path) as response:
            assert response.status == 200
            assert response.content_type == "text/html"
            assert response.charset == "utf-8"
            finnish = await response.text()
        async with bot.session.get(bot.url + path, params={"lang": "en"}) as response:
            english = await response.text()
        async with bot.session.get(bot.url + path, headers={"Accept-Language": "en-GB,en;q=0.9"}) as response:
            assert response.headers["Content-Language"] == "en"
            assert response.headers["Vary"] == "Accept-Language"
            assert await response.text() == english
    assert '<html lang="fi">' in finnish and f"<h1>{fi_title}</h1>" in finnish
    assert '<html lang="en">' in english and f"<h1>{en_title}</h1>" in english
    for page in (finnish, english):
        assert len(paragraphs(page)) >= 3
        assert "Omnia" in page
        assert '<a href="mailto:tietosuoja@omnia.fi">tietosuoja@omnia.fi</a>' in page
        assert "{" not in page.split("<body>")[1]  # every placeholder filled
    # each page links to the others and to the other language, keeping the reader's language
    assert re.findall(r'<a href="(/[a-z]*)"', finnish) == list(PAGES)
    assert re.findall(r'<a href="(/[a-z]*)\?lang=en"', english) == list(PAGES)
    assert 'href="?lang=en"' in finnish and 'href="?lang=fi"' in english


async def test_the_privacy_notice_says_what_is_kept_and_how_to_see_it(tmp_path: Path) -> None:
    async with running_bot(make_settings(tmp_path, APP_DEVELOPER_NAME="Omnia")) as bot:
        _, finnish = await bot.get("/privacy")
        _, english = await bot.get("/privacy?lang=en")
    assert "Rekisterinpitäjä on Omnia" in finnish
    assert "”tietoni”" in finnish and "“mydata”" in english
    assert "”poista tietoni”" in finnish and "“delete my data”" in english  # the commands of bot/commands.py
    assert "sähköpostiosoitteen" in finnish and "email address" in english
    assert "mailto:" not in finnish  # no contact address set: no empty link


async def test_the_organisation_is_escaped(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, APP_DEVELOPER_NAME="<b>R&D</b>", APP_CONTACT_EMAIL='x"@y.fi')
    async with running_bot(settings) as bot:
        status, page = await bot.get("/terms")
    assert status == 200
    assert "&lt;b&gt;R&amp;D&lt;/b&gt;" in page and "<b>" not in page
    assert "mailto:x&quot;@y.fi" in page


async def test_other_paths_stay_404(tmp_path: Path) -> None:
    async with running_bot(make_settings(tmp_path)) as bot:
        assert (await bot.get("/privacy/x"))[0] == 404
        assert (await bot.get("/tietosuoja"))[0] == 404


def test_the_app_package_links_to_these_pages_unless_told_otherwise() -> None:
    settings = load_settings(env_file=None, MicrosoftAppId=APP_ID, BOT_DOMAIN=DOMAIN)
    developer = compose(settings, load_template()).manifest["developer"]
    links = [developer[name] for name in ("websiteUrl", "privacyUrl", "termsOfUseUrl")]
    assert [urlsplit(url).netloc for url in links] == [DOMAIN] * 3
    assert [urlsplit(url).path for url in links] == list(PAGES)

    own = load_settings(
        env_file=None,
        MicrosoftAppId=APP_ID,
        BOT_DOMAIN=DOMAIN,
        APP_PRIVACY_URL="https://www.omnia.fi/tietosuoja",
    )
    assert (
        compose(own, load_template()).manifest["developer"]["privacyUrl"] == "https://www.omnia.fi/tietosuoja"
    )
