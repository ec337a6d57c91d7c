"""The signing key's settings checked before the service starts, without loading a crypto library: a
non-loopback HOST needs a configured key and an https PUBLIC_URL, and a configured key (BADGE_SIGNING_KEY,
or the file BADGE_SIGNING_KEY_FILE names) must be there and be PEM armour of a private key. Parsing the key
(joserfc, `bot.badges.signing`) waits for the first badge signed or checked (`BadgeService.signer`); a key
that passes these checks and still does not parse (an EC curve other than P-256, a damaged body) is reported
then, in the log, and its uses answer "unavailable"."""

from __future__ import annotations

import re

from bot.settings import Settings, is_loopback

# PKCS#8, and the PKCS#1 (RSA) and SEC 1 (EC) forms: the private keys `bot.badges.signing` imports.
PRIVATE_PEM = re.compile(rb"-----BEGIN (?:RSA |EC )?PRIVATE KEY-----")
PUBLIC_PEM = re.compile(rb"-----BEGIN (?:RSA )?PUBLIC KEY-----")


class KeySettingsError(ValueError):
    """The signing key is missing where one is required, or unreadable."""


def configured_key(settings: Settings) -> tuple[bytes, str] | None:
    """The configured PEM and where it came from (for messages), or None without one (a development key)."""
    inline = settings.badge_signing_key.get_secret_value()
    if inline:
        return inline.replace("\\n", "\n").encode(), "BADGE_SIGNING_KEY"
    path = settings.badge_signing_key_file
    if path is None:
        return None
    if not path.is_file():
        raise KeySettingsError(f"BADGE_SIGNING_KEY_FILE {path} does not exist")
    return path.read_bytes(), str(path)


def public_key_error(source: str) -> KeySettingsError:
    return KeySettingsError(f"{source} holds a public key; the signing key must be private")


def not_a_key_error(source: str) -> KeySettingsError:
    return KeySettingsError(f"{source} is not a PEM RSA or EC private key")


def check_key_settings(settings: Settings) -> None:
    """Refuse a configured key that is missing or not a PEM private key, and a non-loopback HOST without a
    configured key (a development key would be lost) or without the public https address badges are issued
    under."""
    configured = configured_key(settings)
    if configured is not None and not PRIVATE_PEM.search(configured[0]):
        pem, source = configured
        raise public_key_error(source) if PUBLIC_PEM.search(pem) else not_a_key_error(source)
    if is_loopback(settings.host):
        return
    if configured is None:
        raise KeySettingsError(
            "BADGE_SIGNING_KEY_FILE (or BADGE_SIGNING_KEY) is required when HOST is not a loopback address: "
            "badges are signed with it, and a development key made under var/ would be lost on redeploy "
            "(see .env.example)"
        )
    if not settings.public_url.startswith("https://"):
        raise KeySettingsError(
            "PUBLIC_URL (https://<the bot's public host>) is required when HOST is not a loopback address: "
            "it is the badge issuer's id and the address of every badge's verification page"
        )
