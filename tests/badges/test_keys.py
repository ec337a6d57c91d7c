"""The signing key: a development key is made in var/ on first use and reused after; a configured PEM is
used as it is (its public key published); off loopback the service refuses to start without one, and a
configured key that is not there or no private PEM stops the start too. A key that still does not load (it is
parsed on first use) is logged, and its uses answer Unavailable until it loads."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import jwt
import pytest
from joserfc.jwk import ECKey, RSAKey

from bot.badges.key_settings import KeySettingsError, check_key_settings
from bot.badges.signing import JoseSigner
from bot.badges.web import BadgeService, jose_signer
from bot.settings import Settings
from core.credentials import Issuer
from core.errors import Unavailable
from tests.harness.running import ROOT


def _settings(tmp_path: Path, **values: str) -> Settings:
    return Settings(_env_file=None, VAR_DIR=str(tmp_path / "var"), **values)


def test_a_development_key_is_made_once_and_kept(tmp_path: Path) -> None:
    first = JoseSigner.from_settings(_settings(tmp_path))
    key_file = tmp_path / "var" / "badge-signing-key.pem"
    assert key_file.is_file() and (key_file.stat().st_mode & 0o777) == 0o600
    again = JoseSigner.from_settings(_settings(tmp_path))
    assert again.kid == first.kid and first.alg == "ES256"
    assert "d" not in first.public_jwk


def test_a_configured_rsa_key_signs_rs256(tmp_path: Path) -> None:
    pem = tmp_path / "issuer.pem"
    pem.write_bytes(RSAKey.generate_key(2048, private=True).as_pem(private=True))
    signer = JoseSigner.from_settings(_settings(tmp_path, BADGE_SIGNING_KEY_FILE=str(pem)))
    assert signer.alg == "RS256"
    token = signer.sign({"iss": "x"}, "https://example.invalid/badges/keys/" + signer.kid)
    assert signer.verify(token, {signer.kid: signer.public_jwk}) == {"iss": "x"}
    assert jwt.decode(token, jwt.PyJWK(signer.public_jwk).key, algorithms=["RS256"]) == {"iss": "x"}


def test_a_configured_ec_key_signs_es256(tmp_path: Path) -> None:
    pem = tmp_path / "issuer.pem"
    pem.write_bytes(ECKey.generate_key("P-256", private=True).as_pem(private=True))
    signer = JoseSigner.from_settings(_settings(tmp_path, BADGE_SIGNING_KEY_FILE=str(pem)))
    assert signer.alg == "ES256"
    token = signer.sign({"iss": "x"}, "https://example.invalid/badges/keys/" + signer.kid)
    assert signer.verify(token, {signer.kid: signer.public_jwk}) == {"iss": "x"}
    assert signer.verify(token[:-4] + "AAAA", {signer.kid: signer.public_jwk}) is None
    assert not (tmp_path / "var" / "badge-signing-key.pem").exists()


def test_unreadable_or_public_keys_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    with pytest.raises(KeySettingsError, match="not a PEM"):
        JoseSigner.from_settings(_settings(tmp_path, BADGE_SIGNING_KEY_FILE=str(bad)))
    with pytest.raises(KeySettingsError, match="does not exist"):
        JoseSigner.from_settings(_settings(tmp_path, BADGE_SIGNING_KEY_FILE=str(tmp_path / "none.pem")))


def test_a_configured_key_that_is_missing_or_no_private_pem_stops_the_start(tmp_path: Path) -> None:
    public = ECKey.generate_key("P-256", private=True).as_pem(private=False).decode()
    for values, message in (
        ({"BADGE_SIGNING_KEY": "not a key"}, "BADGE_SIGNING_KEY is not a PEM RSA or EC private key"),
        ({"BADGE_SIGNING_KEY": public}, "BADGE_SIGNING_KEY holds a public key"),
        ({"BADGE_SIGNING_KEY_FILE": str(tmp_path / "none.pem")}, "none.pem does not exist"),
    ):
        with pytest.raises(KeySettingsError, match=message):
            check_key_settings(_settings(tmp_path, **values))  # on loopback too; no crypto loaded for it
    assert not (tmp_path / "var").exists()


async def test_a_key_that_does_not_load_is_logged_and_tried_again_on_the_next_use(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pem = tmp_path / "issuer.pem"
    pem.write_bytes(ECKey.generate_key("P-384", private=True).as_pem(private=True))
    settings = _settings(tmp_path, BADGE_SIGNING_KEY_FILE=str(pem))
    check_key_settings(settings)  # a private key's PEM: the service starts
    issuer = Issuer("https://bot.example.fi", "Omnia", "https://www.omnia.fi", "badges@omnia.fi")
    service = BadgeService(issuer, partial(jose_signer, settings))
    with caplog.at_level(logging.ERROR, logger="bot.badges.web"), pytest.raises(Unavailable):
        await service.signer()
    assert "the signing key did not load" in caplog.text and "only the P-256 curve" in caplog.text
    pem.write_bytes(ECKey.generate_key("P-256", private=True).as_pem(private=True))
    signer = await service.signer()
    assert signer.alg == "ES256" and await service.signer() is signer
    assert not (tmp_path / "var" / "badge-signing-key.pem").exists()


def test_a_public_host_needs_a_configured_key(tmp_path: Path) -> None:
    credentials = {"MicrosoftAppId": "id", "MicrosoftAppPassword": "pw", "MicrosoftAppTenantId": "tn"}
    public = _settings(tmp_path, HOST="0.0.0.0", **credentials)
    with pytest.raises(KeySettingsError, match=r"BADGE_SIGNING_KEY_FILE \(or BADGE_SIGNING_KEY\)"):
        check_key_settings(public)
    pem = ECKey.generate_key("P-256", private=True).as_pem(private=True).decode()
    keyed = _settings(tmp_path, HOST="0.0.0.0", BADGE_SIGNING_KEY=pem, **credentials)
    with pytest.raises(KeySettingsError, match="PUBLIC_URL"):
        check_key_settings(keyed)
    check_key_settings(
        _settings(
            tmp_path,
            HOST="0.0.0.0",
            BADGE_SIGNING_KEY=pem,
            PUBLIC_URL="https://bot.example.fi",
            **credentials,
        )
    )
    assert JoseSigner.from_settings(keyed).alg == "ES256"  # the PEM itself, as a secret store passes it
    env = {**os.environ, "HOST": "0.0.0.0", "VAR_DIR": str(tmp_path / "var"), **credentials}
    env.pop("BADGE_SIGNING_KEY_FILE", None)
    env.pop("BADGE_SIGNING_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert (
        result.returncode == 2
        and "BADGE_SIGNING_KEY_FILE (or BADGE_SIGNING_KEY) is required" in result.stderr
    )
    assert not (tmp_path / "var" / "badge-signing-key.pem").exists()
