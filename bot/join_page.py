"""The public join-request page: `GET`/`POST /liity` (Finnish) and `/join` (English; `?lang=` chooses too).

Server-rendered HTML that works without JavaScript: labelled fields in reading order, each error written
beside its field (`aria-describedby`, `aria-invalid`) and listed at the top with links to the fields, text
and focus colours of at least 4.5:1 contrast. A POST needs the signed form token of the page it came from,
paired with the browser's cookie (`core.joins.form_token`: a signed double submit, so another site cannot
post it); a filled honeypot field gets the thank-you page and nothing is kept; limits per client address and
per email address answer 429. Every value is escaped where it is shown, and nothing from the form is logged.
The request goes to the coordinators as an approval card through the outbox (`bot.join_messages`).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from bot.join_messages import JoinMessages
from core.errors import DomainError
from core.i18n import Translator
from core.join_flow import RateLimited, submit
from core.joins import (
    EMAIL_MAX,
    MESSAGE_MAX,
    NAME_MAX,
    ORGANIZATION_MAX,
    FormInvalid,
    check_form_token,
    clean_form,
    client_key,
    form_token,
    new_nonce,
)
from core.networks import Network, NetworkStatus

log = logging.getLogger(__name__)

PATHS = {"/liity": "fi", "/join": "en"}
COOKIE = "liity_nonce"
MAX_FORM_BYTES = 16 * 1024
FIELDS = ("name", "email", "organization", "networks", "message")
HONEYPOT = "website"
LIMITS = {"name": NAME_MAX, "email": EMAIL_MAX, "organization": ORGANIZATION_MAX, "message": MESSAGE_MAX}


def _language(request: web.Request) -> str:
    wanted = request.query.get("lang", "")
    if wanted.lower().startswith(("en", "fi")):
        return wanted[:2].lower()
    return PATHS.get(request.path, "fi")


async def _networks(services: Any) -> list[Network]:
    return [n for n in await services.store.list_networks() if n.status is not NetworkStatus.ARCHIVED]


def render_form(
    t: Translator,
    networks: Sequence[Network],
    token: str,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    notice: str = "",
) -> str:
    e = html.escape
    values = values or {}
    errors = errors or {}
    chosen = set(values.get("networks") or ())

    def described(field: str, hint: str = "") -> str:
        ids = [i for i in (f"{field}-hint" if hint else "", f"{field}-error" if field in errors else "") if i]
        invalid = ' aria-invalid="true"' if field in errors else ""
        return (f' aria-describedby="{" ".join(ids)}"' if ids else "") + invalid

    def error(field: str) -> str:
        if field not in errors:
            return ""
        return f'<p class="error" id="{field}-error">{e(_error(t, field, errors[field]))}</p>'

    def text_field(field: str, kind: str, autocomplete: str) -> str:
        value = e(str(values.get(field) or ""), quote=True)
        return (
            f'<div class="field"><label for="{field}">{e(t(f"joins.form.{field}"))}</label>'
            f"{error(field)}"
            f'<input id="{field}" name="{field}" type="{kind}" autocomplete="{autocomplete}" required'
            f' value="{value}"{described(field)}></div>'
        )

    summary = ""
    if errors:
        anchors = {f: "networks-legend" if f == "networks" else f for f in FIELDS}
        links = "".join(
            f'<li><a href="#{anchors[f]}">{e(_error(t, f, errors[f]))}</a></li>'
            for f in FIELDS
            if f in errors
        )
        summary = (
            f'<div class="summary" role="alert" tabindex="-1" id="summary"><h2>{e(t("joins.form.fix"))}</h2>'
            f"<ul>{links}</ul></div>"
        )
    if notice:
        summary += f'<p class="summary" role="alert">{e(notice)}</p>'
    boxes = "".join(
        f'<div class="choice"><input type="checkbox" id="network-{e(n.key, quote=True)}" name="networks"'
        f' value="{e(n.key, quote=True)}"{" checked" if n.key in chosen else ""}>'
        f' <label for="network-{e(n.key, quote=True)}">{e(n.name(t.locale))}</label></div>'
        for n in networks
    )
    networks_html = (
        f"<fieldset{described('networks')}>"
        f'<legend id="networks-legend">{e(t("joins.form.networks"))}</legend>'
        f"{error('networks')}{boxes}</fieldset>"
        if networks
        else ""
    )
    message = e(str(values.get("message") or ""))
    body = f"""<p>{e(t("joins.form.lead"))}</p>
{summary}
<form method="post" action="" novalidate>
<input type="hidden" name="token" value="{e(token, quote=True)}">
{text_field("name", "text", "name")}
{text_field("email", "email", "email")}
{text_field("organization", "text", "organization")}
{networks_html}
<div class="field"><label for="message">{e(t("joins.form.message"))}</label>
<p class="hint" id="message-hint">{e(t("joins.form.message_hint", max=MESSAGE_MAX))}</p>
{error("message")}
<textarea id="message" name="message" rows="5"{described("message", "hint")}>{message}</textarea></div>
<div class="hp" aria-hidden="true"><label for="{HONEYPOT}">{e(t("joins.form.honeypot"))}</label>
<input id="{HONEYPOT}" name="{HONEYPOT}" type="text" tabindex="-1" autocomplete="off" value=""></div>
<p class="privacy">{e(t("joins.form.privacy"))}</p>
<button type="submit">{e(t("joins.form.send"))}</button>
</form>"""
    return _layout(t, t("joins.form.title"), body)


def _error(t: Translator, field: str, key: str) -> str:
    return t(key, max=LIMITS.get(field, 0))


def render_done(t: Translator) -> str:
    e = html.escape
    body = f'<p role="status">{e(t("joins.form.thanks"))}</p><p>{e(t("joins.form.next"))}</p>'
    return _layout(t, t("joins.form.thanks_title"), body)


def render_refused(t: Translator, key: str) -> str:
    return _layout(t, t("joins.form.title"), f'<p role="alert" class="summary">{html.escape(t(key))}</p>')


def _layout(t: Translator, title: str, body: str) -> str:
    e = html.escape
    other = "en" if t.locale == "fi" else "fi"
    path = "/join" if other == "en" else "/liity"
    return f"""<!doctype html>
<html lang="{t.locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>{e(title)} – Vertaisbotti</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem;
  color: #1b1b1b; background: #fff; line-height: 1.5; }}
label, legend {{ display: block; font-weight: 600; margin-bottom: .2rem; }}
.field, fieldset {{ margin: 0 0 1.2rem; }}
fieldset {{ border: 1px solid #6b6b6b; padding: .6rem 1rem; }}
.choice label {{ display: inline; font-weight: 400; }}
input[type=text], input[type=email], textarea {{ width: 100%; box-sizing: border-box; padding: .5rem;
  border: 2px solid #6b6b6b; border-radius: 4px; font: inherit; color: inherit; }}
[aria-invalid=true], fieldset[aria-invalid=true] {{ border-color: #a4262c; }}
.error {{ color: #a4262c; font-weight: 600; margin: .2rem 0; }}
.hint, .privacy {{ color: #4a4a4a; margin: .2rem 0; }}
.summary {{ border: 3px solid #a4262c; padding: .6rem 1rem; margin-bottom: 1.2rem; }}
.summary h2 {{ font-size: 1.1rem; margin: 0; }}
.summary a {{ color: #a4262c; }}
button {{ background: #0f5a8f; color: #fff; border: 0; border-radius: 4px; padding: .7rem 1.4rem;
  font: inherit; font-weight: 600; cursor: pointer; }}
a {{ color: #0f5a8f; }}
:focus-visible {{ outline: 3px solid #1b1b1b; outline-offset: 2px; }}
.hp {{ position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }}
</style></head>
<body>
<nav><a href="{path}" hreflang="{other}" lang="{other}">{e(t("joins.form.other_language"))}</a></nav>
<main>
<h1>{e(title)}</h1>
{body}
</main>
</body></html>
"""


def _page(text: str, status: int = 200, **headers: str) -> web.Response:
    return web.Response(
        text=text,
        status=status,
        content_type="text/html",
        charset="utf-8",
        headers={
            "Cache-Control": "no-store",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            **headers,
        },
    )


def _secret(services: Any, purpose: bytes) -> bytes:
    return services.key.derive(purpose)


def client_address(request: web.Request, hops: int) -> str:
    """Who is posting: the connecting address, or behind `hops` proxies the address the outermost of them
    saw (X-Forwarded-For is appended to by each proxy; what comes before its entries is the client's own
    say and is not trusted)."""
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
    if hops and forwarded:
        return forwarded[-min(hops, len(forwarded))]
    return request.remote or ""


def _secure(request: web.Request, services: Any) -> bool:
    return request.secure or str(services.settings.public_url).startswith("https://")


def _with_form(response: web.Response, request: web.Request, services: Any, nonce: str) -> web.Response:
    if request.cookies.get(COOKIE) != nonce:
        response.set_cookie(
            COOKIE, nonce, httponly=True, samesite="Strict", secure=_secure(request, services), path="/"
        )
    return response


async def show(request: web.Request, services: Any) -> web.Response:
    t = services.catalogs.for_locale(_language(request))
    nonce = request.cookies.get(COOKIE) or new_nonce()
    token = form_token(_secret(services, b"join-form"), nonce, datetime.now(UTC))
    response = _page(render_form(t, await _networks(services), token))
    return _with_form(response, request, services, nonce)


async def send(request: web.Request, services: Any) -> web.Response:
    t = services.catalogs.for_locale(_language(request))
    if (request.content_length or 0) > MAX_FORM_BYTES:
        return _page(render_refused(t, "joins.error.too_large"), 413)
    try:
        raw = await request.read()
        form = await request.post() if len(raw) <= MAX_FORM_BYTES else None
    except ValueError:
        form = None
    if form is None:
        return _page(render_refused(t, "joins.error.too_large"), 413)
    values: dict[str, Any] = {f: str(form.get(f, "")) for f in FIELDS if f != "networks"}
    values["networks"] = [str(v) for v in form.getall("networks", [])]
    networks = await _networks(services)
    now = datetime.now(UTC)
    nonce = request.cookies.get(COOKIE) or new_nonce()
    token = form_token(_secret(services, b"join-form"), nonce, now)
    if not check_form_token(_secret(services, b"join-form"), str(form.get("token", "")), nonce, now):
        log.info("join form: refused a post without a valid form token")
        page = render_form(t, networks, token, values, notice=t("joins.error.token"))
        return _with_form(_page(page, 400), request, services, nonce)
    if str(form.get(HONEYPOT, "")).strip():
        log.info("join form: honeypot filled, nothing kept")
        return _page(render_done(t))
    try:
        cleaned = clean_form(
            values["name"],
            values["email"],
            values["organization"],
            values["networks"],
            values["message"],
            [n.key for n in networks],
        )
        address = client_address(request, services.settings.forwarded_hops)
        client = client_key(_secret(services, b"join-client"), address)
        stored = await submit(
            services.store, JoinMessages(services), cleaned, locale=t.locale, client=client, now=now
        )
    except FormInvalid as invalid:
        page = render_form(t, networks, token, values, invalid.errors)
        return _with_form(_page(page, 400), request, services, nonce)
    except RateLimited:
        log.info("join form: rate limit reached")
        return _page(render_refused(t, "joins.error.rate"), 429, **{"Retry-After": "3600"})
    except DomainError as error:
        log.warning("join form: %s", error.key)
        return _page(render_refused(t, "joins.error.unavailable"), 503)
    log.info("join request %s received from the page", stored.id)
    return _page(render_done(t))


def add_routes(app: web.Application, services_key: web.AppKey[Any]) -> None:
    def handler(view: Any) -> Any:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            services = request.app.get(services_key)
            if services is None:  # still starting
                raise web.HTTPServiceUnavailable()
            response: web.StreamResponse = await view(request, services)
            return response

        return wrapped

    for path in PATHS:
        app.router.add_get(path, handler(show))
        app.router.add_post(path, handler(send))
