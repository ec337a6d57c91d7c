"""The app's own web pages, linked from its details in Teams (the manifest's websiteUrl, privacyUrl and
termsOfUseUrl default to them): `GET /` about the app, `GET /privacy` the privacy notice, `GET /terms` the
terms of use. Finnish by default, English by `?lang=en` or the browser's language; the words come from the
catalogs (`bot/locale/*/LC_MESSAGES/pages.po`), the organisation from `APP_DEVELOPER_NAME` and the contact
address from `APP_CONTACT_EMAIL`. An organisation with its own notice points `APP_PRIVACY_URL` (and the
others) at it instead.
"""

from __future__ import annotations

import html
from typing import Any

from aiohttp import web

from bot.i18n import Catalogs, Translator
from bot.settings import Settings

PAGES = {
    "/": "home",
    "/privacy": "privacy",
    "/terms": "terms",
}
# The paragraphs of each page, in order (pages.<page>.<paragraph> in the catalogs).
PARAGRAPHS = {
    "home": ("lead", "use", "operator"),
    "privacy": (
        "controller",
        "collected",
        "purpose",
        "visible",
        "assessment",
        "ballots",
        "joins",
        "storage",
        "rights",
    ),
    "terms": ("service", "use", "content", "availability", "changes"),
}


def render(catalogs: Catalogs, settings: Settings, page: str, lang: str) -> str:
    """One page in one language, naming the organisation and its contact address from the settings."""
    t = catalogs.for_locale(lang)
    e = html.escape
    organisation = settings.app_developer_name
    days = settings.join_retention_days
    body = [
        f"<p>{e(t(f'pages.{page}.{key}', organisation=organisation, days=days))}</p>"
        for key in PARAGRAPHS[page]
    ]
    if settings.app_contact_email:
        address = e(settings.app_contact_email)
        body.append(f'<p>{e(t("pages.contact"))} <a href="mailto:{address}">{address}</a></p>')
    return _layout(t, page, "\n".join(body))


def _layout(t: Translator, page: str, body: str) -> str:
    e = html.escape
    other = "en" if t.locale == "fi" else "fi"
    suffix = "" if t.locale == "fi" else "?lang=en"
    links = " · ".join(
        f'<a href="{path}{suffix}"{" aria-current=page" if name == page else ""}>'
        f"{e(t(f'pages.{name}.title'))}</a>"
        for path, name in PAGES.items()
    )
    return f"""<!doctype html>
<html lang="{t.locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(t(f"pages.{page}.title"))}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; }}
p {{ line-height: 1.5; }}
nav a {{ margin-right: .2rem; }} nav a[aria-current] {{ font-weight: 700; }}
</style></head>
<body>
<nav>{links} · <a href="?lang={other}" hreflang="{other}">{e(t("pages.other_language"))}</a></nav>
<h1>{e(t(f"pages.{page}.title"))}</h1>
{body}
</body></html>
"""


def language(request: web.Request) -> str:
    """The language a page is asked for: `?lang=`, else the browser's Accept-Language; Finnish by default."""
    wanted = request.query.get("lang") or request.headers.get("Accept-Language") or ""
    return "en" if wanted.lower().startswith("en") else "fi"


def add_routes(app: web.Application, services_key: web.AppKey[Any]) -> None:
    for path, page in PAGES.items():

        async def view(request: web.Request, page: str = page) -> web.Response:
            services = request.app.get(services_key)
            if services is None:  # still starting
                raise web.HTTPServiceUnavailable()
            lang = language(request)
            return web.Response(
                text=render(services.catalogs, services.settings, page, lang),
                content_type="text/html",
                charset="utf-8",
                # the language may come from Accept-Language: caches keep one copy per language
                headers={
                    "Cache-Control": "max-age=3600",
                    "Vary": "Accept-Language",
                    "Content-Language": lang,
                },
            )

        app.router.add_get(path, view)
