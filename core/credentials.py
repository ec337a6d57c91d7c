"""Open Badges 3.0 credentials as plain data: the `OpenBadgeCredential`, its VC-JWT claims, the recipient's
salted identity hash and the revocation list (W3C Bitstring Status List). No crypto library here: signing
and checking signatures go through the `Signer` port (`bot/badges/signing.py` implements it).

Facts followed (1EdTech OB 3.0, sections "Proofs" and "Document formats"; W3C Bitstring Status List v1.0):
- contexts `https://www.w3.org/ns/credentials/v2` and the OB v3p0 context; `type` VerifiableCredential +
  OpenBadgeCredential; `issuer` a Profile; `validFrom`; `credentialSubject` an AchievementSubject holding
  the Achievement (id, type, name, description, criteria);
- VC-JWT: the payload is the credential itself plus `iss` = issuer.id, `jti` = id, `nbf` = validFrom,
  `sub` = credentialSubject.id (and `exp` = validUntil when there is one); the header carries `alg`, a
  `kid` URI that dereferences to the public JWK, and `typ` "JWT", nothing else;
- IdentityObject: `identityHash` "sha256$" + hex of the UTF-8 address followed by the salt, `hashed` true;
- the status list: a credential of type BitstringStatusListCredential whose subject's `encodedList` is
  "u" (multibase base64url, no padding) + GZIP of at least 16 KB of bits, index 0 the left-most bit.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
STATUS_LIST_SIZE = 131072  # entries (16 KB of bits), the specification's minimum
STATUS_PURPOSE = "revocation"


class Signer(Protocol):
    """Signs VC-JWTs with the issuer's current key and checks them against every published key."""

    @property
    def kid(self) -> str:
        """The thumbprint of the current key (its URL is `Issuer.key_url(kid)`)."""
        ...

    @property
    def public_jwk(self) -> dict[str, Any]:
        """The current key's public JWK (never holding `d`)."""
        ...

    def sign(self, claims: Mapping[str, Any], key_url: str) -> str:
        """A compact JWS of `claims` with header alg, kid = `key_url`, typ JWT."""
        ...

    def verify(self, token: str, keys: Mapping[str, Mapping[str, Any]]) -> dict[str, Any] | None:
        """The payload when the signature verifies with the key its header names (by thumbprint, among
        `keys`); None for a bad signature, an unknown key or a token that is not a JWS."""
        ...


@dataclass(frozen=True)
class Issuer:
    """The issuer Profile and the public addresses under `base_url` (the bot's public host)."""

    base_url: str
    name: str
    homepage: str = ""
    email: str = ""

    @property
    def id(self) -> str:
        return f"{self.base_url}/badges/issuer"

    def key_url(self, kid: str) -> str:
        return f"{self.base_url}/badges/keys/{kid}"

    @property
    def jwks_url(self) -> str:
        return f"{self.base_url}/badges/jwks.json"

    @property
    def status_url(self) -> str:
        return f"{self.base_url}/badges/status/1"

    def class_url(self, key: str) -> str:
        return f"{self.base_url}/badges/classes/{key}"

    def image_url(self, key: str) -> str:
        return f"{self.base_url}/badges/classes/{key}/image.png"

    def credential_url(self, award_id: str) -> str:
        return f"{self.base_url}/badges/credentials/{award_id}"

    def profile(self) -> dict[str, Any]:
        profile: dict[str, Any] = {
            "@context": [VC_CONTEXT, OB_CONTEXT],
            "id": self.id,
            "type": ["Profile"],
            "name": self.name,
            "url": self.homepage or self.base_url,
        }
        if self.email:
            profile["email"] = self.email
        return profile

    def issuer_ref(self) -> dict[str, Any]:
        return {"id": self.id, "type": ["Profile"], "name": self.name, "url": self.homepage or self.base_url}


def identity_hash(address: str, salt: str) -> str:
    """The OB IdentityHash of an email address with its salt."""
    return "sha256$" + hashlib.sha256((address.strip().lower() + salt).encode()).hexdigest()


def _time(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class AchievementText:
    """The badge class as the credential states it, in the recipient's language."""

    key: str
    name: str
    description: str
    criteria: str
    language: str


def achievement(issuer: Issuer, text: AchievementText) -> dict[str, Any]:
    return {
        "id": issuer.class_url(text.key),
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": text.name,
        "description": text.description,
        "criteria": {"narrative": text.criteria},
        "image": {"id": issuer.image_url(text.key), "type": "Image"},
        "creator": issuer.issuer_ref(),
        "inLanguage": text.language,
    }


def credential(
    issuer: Issuer,
    text: AchievementText,
    *,
    award_id: str,
    subject_id: str,
    address: str | None,
    salt: str,
    status_index: int,
    valid_from: datetime,
    valid_until: datetime | None,
) -> dict[str, Any]:
    """The OpenBadgeCredential of one award (not yet signed)."""
    subject: dict[str, Any] = {
        "id": subject_id,
        "type": ["AchievementSubject"],
        "achievement": achievement(issuer, text),
    }
    if address:
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(address, salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        ]
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": issuer.credential_url(award_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer.issuer_ref(),
        "validFrom": _time(valid_from),
        "name": text.name,
        "description": text.description,
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{issuer.status_url}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": STATUS_PURPOSE,
            "statusListIndex": str(status_index),
            "statusListCredential": issuer.status_url,
        },
    }
    if valid_until is not None:
        document["validUntil"] = _time(valid_until)
    return document


def jwt_claims(document: Mapping[str, Any]) -> dict[str, Any]:
    """The VC-JWT payload: the credential plus the registered claims the OB 3.0 JWT proof requires."""
    claims = dict(document)
    claims["iss"] = document["issuer"]["id"]
    claims["jti"] = document["id"]
    claims["sub"] = document["credentialSubject"]["id"]
    claims["nbf"] = int(datetime.fromisoformat(document["validFrom"]).timestamp())
    if "validUntil" in document:
        claims["exp"] = int(datetime.fromisoformat(document["validUntil"]).timestamp())
    return claims


def encode_status_list(revoked: Iterable[int], size: int = STATUS_LIST_SIZE) -> str:
    """The `encodedList` with the bits of `revoked` set (index 0 = the first byte's most significant bit)."""
    bits = bytearray(size // 8)
    for index in revoked:
        if not 0 <= index < size:
            raise ValueError(f"status index {index} outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def status_bit(encoded: str, index: int) -> bool:
    """Whether bit `index` of an `encodedList` is set (the validate algorithm's lookup)."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList is not multibase base64url")
    raw = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    if len(bits) * 8 < STATUS_LIST_SIZE or not 0 <= index < len(bits) * 8:
        raise ValueError("status list too short or index out of range")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(issuer: Issuer, revoked: Iterable[int], valid_from: datetime) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT],
        "id": issuer.status_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.id,
        "validFrom": _time(valid_from),
        "credentialSubject": {
            "id": f"{issuer.status_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encode_status_list(revoked),
        },
    }
    claims = dict(document)
    claims.update(iss=issuer.id, jti=issuer.status_url, sub=f"{issuer.status_url}#list")
    claims["nbf"] = int(valid_from.timestamp())
    return claims
