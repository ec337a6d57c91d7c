"""The issuer's signing key and `core.credentials.Signer` on joserfc.

Why joserfc (pinned `>=1.8,<2` in pyproject.toml): a maintained, typed JOSE library (by the author of
Authlib) with JWK thumbprints, PEM import and RS256/ES256 in one small dependency on `cryptography`, which
the project already has. The independent verification test uses PyJWT (a dev dependency), so the signer and
the check never share code.

Keys: `BADGE_SIGNING_KEY_FILE` names a PEM private key, or `BADGE_SIGNING_KEY` holds the PEM itself (a
secret store's environment variable; RSA 2048+ signs RS256, EC P-256 signs ES256). Without either, on a
loopback HOST, a development EC P-256 key (ES256) is made in `var/badge-signing-key.pem` on first use
(mode 0600) and reused; on any other HOST the service refuses to start (`bot.badges.key_settings`), because
badges signed with a throwaway key would stop verifying after a redeploy. Off loopback `PUBLIC_URL` (https)
is required as well: it is the issuer's id and every badge's address, so it cannot be guessed from the
listening HOST. The key id is the RFC 7638 thumbprint; every public key ever used stays published (the store
keeps them), so rotating the PEM keeps older badges verifiable. This module (and joserfc) is loaded with
the first badge signed or checked (`bot.badges.web.BadgeService.signer`), not at start.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet, RSAKey

from bot.badges.key_settings import (
    KeySettingsError,
    check_key_settings,
    configured_key,
    not_a_key_error,
    public_key_error,
)
from bot.settings import Settings

log = logging.getLogger(__name__)

DEV_KEY_FILE = "badge-signing-key.pem"


def _read_or_create(settings: Settings) -> tuple[RSAKey | ECKey, str]:
    configured = configured_key(settings)
    if configured is not None:
        pem, source = configured
        return _import(pem, source), source
    check_key_settings(settings)
    dev = Path(settings.var_dir) / DEV_KEY_FILE
    if not dev.is_file():
        # EC P-256: made in a millisecond (an RSA key takes far longer on every fresh start of a test bot)
        dev.parent.mkdir(parents=True, exist_ok=True)
        draft = dev.with_name(f".{dev.name}.{os.getpid()}.{id(settings)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(ECKey.generate_key("P-256", private=True).as_pem(private=True))
        try:
            os.link(draft, dev)  # whole or not at all; of two processes starting together, the first wins
        except FileExistsError:
            pass
        finally:
            draft.unlink()
        log.warning(
            "badges: made a development signing key in %s (set BADGE_SIGNING_KEY_FILE in production)", dev
        )
    return _import(dev.read_bytes(), str(dev)), str(dev)


def _import(pem: bytes, source: str) -> RSAKey | ECKey:
    for kind in (RSAKey, ECKey):
        try:
            key = kind.import_key(pem)
        except (ValueError, TypeError, JoseError):
            continue
        if not key.is_private:
            raise public_key_error(source)
        if isinstance(key, ECKey) and key.curve_name != "P-256":
            raise KeySettingsError(f"{source}: only the P-256 curve (ES256) is supported")
        return key
    raise not_a_key_error(source)


class JoseSigner:
    """`core.credentials.Signer` with one private key."""

    def __init__(self, key: RSAKey | ECKey) -> None:
        self._key = key
        self._alg = "ES256" if isinstance(key, ECKey) else "RS256"
        self._kid = key.thumbprint()

    @classmethod
    def from_settings(cls, settings: Settings) -> JoseSigner:
        key, source = _read_or_create(settings)
        signer = cls(key)
        log.info("badges: signing with %s key %s from %s", signer.alg, signer.kid, source)
        return signer

    @property
    def kid(self) -> str:
        return self._kid

    @property
    def alg(self) -> str:
        return self._alg

    @property
    def public_jwk(self) -> dict[str, Any]:
        jwk = dict(self._key.as_dict(private=False))
        jwk.update(kid=self._kid, alg=self._alg, use="sig")
        return jwk

    def sign(self, claims: Mapping[str, Any], key_url: str) -> str:
        header = {"alg": self._alg, "kid": key_url, "typ": "JWT"}
        return jwt.encode(header, dict(claims), self._key, algorithms=[self._alg])

    def verify(self, token: str, keys: Mapping[str, Mapping[str, Any]]) -> dict[str, Any] | None:
        try:
            header = jws.extract_compact(token.encode()).protected
        except (JoseError, ValueError, TypeError):
            return None
        kid = str(header.get("kid", "")).rsplit("/", 1)[-1]
        jwk = keys.get(kid)
        if jwk is None or header.get("alg") not in ("RS256", "ES256"):
            return None
        try:
            key_set = KeySet.import_key_set({"keys": [dict(jwk, kid=kid)]})
            decoded = jwt.decode(token, key_set.keys[0], algorithms=[str(header["alg"])])
        except (JoseError, ValueError, TypeError):
            return None
        return dict(decoded.claims)
