"""The badges' public pages on the bot's web server (no sign-in; nothing here names a person):

| path | |
|---|---|
| `GET /badges/issuer` | the issuer Profile (JSON-LD) |
| `GET /badges/jwks.json` | every public key badges were ever signed with (JWKS) |
| `GET /badges/keys/{kid}` | one public key (JWK): what a credential's `kid` header dereferences to |
| `GET /badges/status/1` | the revocation list: a BitstringStatusListCredential as a VC-JWT |
| `GET /badges/classes/{key}` | a badge class (Achievement, JSON-LD); `/image.png` its image |
| `GET /badges/credentials/{id}` | the verification page: HTML for people (Finnish; English by `?lang=en` |
| | or the browser's language), JSON for verifiers (`Accept: application/json`, or `.json`); `.jws` the |
| | credential itself (text/plain) |
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from bot.badges.images import badge_png
from bot.badges.key_settings import KeySettingsError
from bot.i18n import Translator
from bot.pages import language
from bot.settings import Settings
from core.badges import BadgeStore, Verdict, verify_award
from core.credentials import Issuer, Signer, achievement, status_list_credential
from core.errors import DomainError, NotFound, Unavailable

log = logging.getLogger(__name__)

ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
JSON_LD = "application/ld+json"
VC_JWT = "application/vc+jwt"
STATUS_MAX_AGE = 300  # seconds; the status list's default ttl is five minutes


def jose_signer(settings: Settings) -> Signer:
    """The signer of the configured key (or the development key); imports joserfc with it."""
    from bot.badges.signing import JoseSigner

    return JoseSigner.from_settings(settings)


@dataclass
class BadgeService:
    """What the badges need at run time: the issuer Profile, the signer, the signed status list cache.

    `load_signer` runs on the first use of `signer()` (a badge evaluated, awarded or checked, a key or the
    status list asked for), not at start: joserfc and the key take memory a service that gives no badges
    need not hold (issue 18), and a development key is made only then. It runs off the event loop and once:
    uses arriving while it runs wait for it. A key that does not load is logged, and that use answers
    Unavailable; the next use tries again."""

    issuer: Issuer
    load_signer: Callable[[], Signer]
    _signer: Signer | None = field(default=None, repr=False)
    _loading: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    _status: tuple[tuple[int, ...], str] | None = field(default=None, repr=False)

    async def signer(self) -> Signer:
        if self._signer is None:
            async with self._loading:
                if self._signer is None:
                    try:
                        self._signer = await asyncio.to_thread(self.load_signer)
                    except (KeySettingsError, OSError) as error:
                        log.error("badges: the signing key did not load: %s", error)
                        raise Unavailable() from error
        return self._signer

    async def status_list(self, revoked: tuple[int, ...], now: datetime) -> str:
        if self._status is None or self._status[0] != revoked:
            signer = await self.signer()
            claims = status_list_credential(self.issuer, revoked, now)
            self._status = (revoked, signer.sign(claims, self.issuer.key_url(signer.kid)))
        return self._status[1]


def add_routes(app: web.Application, services_key: web.AppKey[Any]) -> None:
    def handler(view: Any) -> Any:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            services = request.app.get(services_key)
            if services is None:  # still starting
                raise web.HTTPServiceUnavailable()
            try:
                return await view(request, services)
            except NotFound:
                raise web.HTTPNotFound() from None
            except Unavailable:
                raise web.HTTPServiceUnavailable() from None
            except DomainError as error:
                log.warning("badge page %s: %s", request.path, error.key)
                raise web.HTTPBadRequest() from None

        return wrapped

    app.router.add_get("/badges/issuer", handler(_issuer))
    app.router.add_get("/badges/jwks.json", handler(_jwks))
    app.router.add_get("/badges/keys/{kid}", handler(_key))
    app.router.add_get("/badges/status/1", handler(_status))
    app.router.add_get("/badges/classes/{key}", handler(_class))
    app.router.add_get("/badges/classes/{key}/image.png", handler(_image))
    app.router.add_get("/badges/credentials/{id}", handler(_credential))


def _json(data: Any, content_type: str = "application/json", **headers: str) -> web.Response:
    return web.Response(
        text=json.dumps(data, ensure_ascii=False, indent=2), content_type=content_type, headers=headers
    )


async def _keys(services: Any) -> dict[str, Any]:
    store: BadgeStore = services.store
    signer = await services.badges.signer()
    keys = {kid: dict(jwk) for kid, jwk in (await store.signing_keys()).items()}
    keys.setdefault(signer.kid, signer.public_jwk)
    return keys


async def _issuer(_request: web.Request, services: Any) -> web.Response:
    return _json(services.badges.issuer.profile(), JSON_LD)


async def _jwks(_request: web.Request, services: Any) -> web.Response:
    return _json({"keys": list((await _keys(services)).values())}, "application/jwk-set+json")


async def _key(request: web.Request, services: Any) -> web.Response:
    jwk = (await _keys(services)).get(request.match_info["kid"])
    if jwk is None:
        raise NotFound()
    return _json(jwk, "application/jwk+json")


async def _status(_request: web.Request, services: Any) -> web.Response:
    revoked = tuple(sorted(await services.store.revoked_indexes()))
    token = await services.badges.status_list(revoked, datetime.now(UTC))
    return web.Response(
        text=token, content_type=VC_JWT, headers={"Cache-Control": f"max-age={STATUS_MAX_AGE}"}
    )


async def _badge_class(request: web.Request, services: Any) -> Any:
    key = request.match_info["key"]
    badge = await services.store.get_badge_class(key) if ID.match(key) else None
    if badge is None:
        raise NotFound()
    return badge


async def _class(request: web.Request, services: Any) -> web.Response:
    badge = await _badge_class(request, services)
    locale = language(request)
    issuer: Issuer = services.badges.issuer
    document = {"@context": issuer.profile()["@context"], **achievement(issuer, badge.text(locale))}
    return _json(document, JSON_LD)


async def _image(request: web.Request, services: Any) -> web.Response:
    badge = await _badge_class(request, services)
    return web.Response(
        body=badge_png(badge, language(request)),
        content_type="image/png",
        headers={"Cache-Control": "max-age=3600"},
    )


def _wants_json(request: web.Request) -> bool:
    if request.query.get("format") == "json":
        return True
    accept = request.headers.get("Accept", "")
    return ("application/json" in accept or JSON_LD in accept) and "text/html" not in accept


async def _credential(request: web.Request, services: Any) -> web.StreamResponse:
    raw = request.match_info["id"]
    award_id, _, suffix = raw.partition(".")
    if not ID.match(award_id) or suffix not in ("", "json", "jws"):
        raise NotFound()
    signer = await services.badges.signer()
    result = await verify_award(services.store, signer, award_id, datetime.now(UTC))
    award = result.award
    if suffix == "jws":
        return web.Response(text=award.jws, content_type="text/plain")
    if suffix == "json" or _wants_json(request):
        return _json(
            {
                "id": services.badges.issuer.credential_url(award.id),
                "status": result.verdict.value,
                "signatureValid": result.claims is not None,
                "revoked": award.revoked_at is not None,
                "revokedAt": award.revoked_at.isoformat() if award.revoked_at else None,
                "validFrom": award.issued_at.isoformat(),
                "validUntil": award.valid_until.isoformat() if award.valid_until else None,
                "credential": result.claims,
                "jws": award.jws,
            }
        )
    t = services.catalogs.for_locale(language(request))
    return web.Response(
        text=_page(t, services.badges.issuer, result), content_type="text/html", charset="utf-8"
    )


def _page(t: Translator, issuer: Issuer, result: Any) -> str:
    award, badge, verdict = result.award, result.badge, result.verdict
    e = html.escape
    name = badge.name(t.locale) if badge else award.class_key
    verdicts = {
        Verdict.VALID: ("valid", t("badges.page.valid")),
        Verdict.REVOKED: ("revoked", t("badges.page.revoked")),
        Verdict.EXPIRED: ("expired", t("badges.page.expired")),
        Verdict.INVALID: ("invalid", t("badges.page.invalid")),
    }
    css, verdict_text = verdicts[verdict]
    rows = [
        (t("badges.page.badge"), e(name)),
        (t("badges.page.issuer"), e(issuer.name)),
        (t("badges.page.issued"), e(t.date(award.issued_at))),
    ]
    if award.valid_until:
        rows.append((t("badges.page.valid_until"), e(t.date(award.valid_until))))
    if award.revoked_at:
        rows.append((t("badges.page.revoked_at"), e(t.date(award.revoked_at))))
    if badge:
        rows.append((t("badges.page.criteria"), e(badge.criteria(t.locale))))
    table = "\n".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    other = "en" if t.locale == "fi" else "fi"
    link = issuer.credential_url(award.id)
    return f"""<!doctype html>
<html lang="{t.locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(name)} – {e(t("badges.page.title"))}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }}
.verdict {{ font-size: 1.4rem; font-weight: 700; padding: .8rem 1rem; border-radius: .5rem; }}
.valid {{ background: #e3f4e5; color: #1b5e20; }}
.revoked, .invalid {{ background: #fde7e9; color: #8e1b25; }}
.expired {{ background: #fff4e0; color: #7a4a00; }}
th {{ text-align: left; padding: .3rem 1rem .3rem 0; vertical-align: top; }} img {{ width: 8rem; }}
</style></head>
<body>
<h1>{e(t("badges.page.title"))}</h1>
<img src="{e(issuer.image_url(award.class_key))}" alt="{e(name)}">
<p class="verdict {css}" id="verdict" data-status="{verdict.value}">{e(verdict_text)}</p>
<table>{table}</table>
<p>{e(t("badges.page.how"))}</p>
<p><a href="{e(link)}.json">JSON</a> · <a href="{e(link)}.jws">JWS</a> ·
<a href="{e(issuer.jwks_url)}">JWKS</a> ·
<a href="{e(issuer.status_url)}">{e(t("badges.page.status_list"))}</a> ·
<a href="?lang={other}">{e(t("badges.page.other_language"))}</a></p>
</body></html>
"""
