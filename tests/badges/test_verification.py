"""The independent verification: Liisa downloads her baked badge (FileConsent), the PNG's iTXt chunk is
read by hand, the JWT is checked with PyJWT (the bot signs with joserfc) against the key its `kid` names,
fetched over HTTP from the running bot, and the credential is checked against the OB 3.0 data model.
A tampered credential fails the signature; after revocation the status list, itself a signed credential,
has the badge's bit set."""

from __future__ import annotations

import base64
import json

import jwt
import pytest

from tests.badges.conftest import FILE_CONSENT, BadgeWorld
from tests.badges.ob3 import baked_credential, check_jwt_claims, check_open_badge_credential, status_bit
from tests.harness.activities import LIISA, invoke
from tests.materials.test_send import UploadDouble


async def _jwk(bw: BadgeWorld, token: str) -> jwt.PyJWK:
    header = jwt.get_unverified_header(token)
    assert set(header) <= {"alg", "kid", "typ", "jwk"} and header["typ"] == "JWT"
    assert header["alg"] in ("RS256", "ES256") and header["kid"].startswith(bw.url + "/badges/keys/")
    status, _, text = await bw.get(header["kid"][len(bw.url) :])
    assert status == 200
    key = json.loads(text)
    assert "d" not in key  # never the private part
    status, _, jwks = await bw.get("/badges/jwks.json")
    assert key in json.loads(jwks)["keys"]
    return jwt.PyJWK(key)


async def test_the_baked_png_verifies_independently_and_fails_tampered_or_revoked(
    bw: BadgeWorld, uploads: UploadDouble
) -> None:
    await bw.past_meeting((LIISA.aad,))
    (_reply,) = await bw.say("merkit", LIISA)
    (award,) = await bw.store.awards_of(LIISA.aad)

    before = len(bw.world.connector.sent)
    body = await bw.world.act("badges.download", {"award": award.id}, LIISA)
    assert body["value"] == "Lähetin merkin kuvan hyväksyttäväksi tähän keskusteluun."
    await bw.world.connector.settle(0.1)
    (consent,) = [
        a for s in bw.world.connector.sent[before:] for a in s.attachments if a["contentType"] == FILE_CONSENT
    ]
    name = consent["name"]
    assert name.endswith(".png")
    value = {
        "type": "fileUpload",
        "action": "accept",
        "context": consent["content"]["acceptContext"],
        "uploadInfo": uploads.upload_info(name),
    }
    status, _ = await bw.world.bot.post_json(
        invoke(bw.world.connector.url, "fileConsent/invoke", value, LIISA)
    )
    assert status == 200
    ((_headers, png),) = uploads.puts

    token = baked_credential(png)
    key = await _jwk(bw, token)
    claims = jwt.decode(
        token, key.key, algorithms=["RS256", "ES256"], options={"require": ["iss", "jti", "nbf", "sub"]}
    )
    check_open_badge_credential(claims)
    check_jwt_claims(claims)
    assert claims["credentialSubject"]["achievement"]["name"] == "Alustaja"
    identity = claims["credentialSubject"]["identifier"][0]
    import hashlib

    expected = hashlib.sha256((LIISA.email + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"
    assert LIISA.email not in token and LIISA.aad not in json.dumps(claims)

    # The issuer Profile the credential names is published where its id points.
    status, _, profile = await bw.get(claims["issuer"]["id"][len(bw.url) :])
    assert status == 200 and json.loads(profile)["type"] == ["Profile"]

    # Tampered: the same signature over a changed payload fails.
    head, _payload, signature = token.split(".")
    changed = dict(claims)
    changed["name"] = "Kaikkien merkkien merkki"
    forged = ".".join(
        [head, base64.urlsafe_b64encode(json.dumps(changed).encode()).decode().rstrip("="), signature]
    )
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, key.key, algorithms=["RS256", "ES256"])

    async def revoked_in_list() -> bool:
        url = claims["credentialStatus"]["statusListCredential"]
        status, _, list_token = await bw.get(url[len(bw.url) :])
        assert status == 200
        listed = jwt.decode(list_token, (await _jwk(bw, list_token)).key, algorithms=["RS256", "ES256"])
        assert "BitstringStatusListCredential" in listed["type"]
        index = int(claims["credentialStatus"]["statusListIndex"])
        return status_bit(listed["credentialSubject"]["encodedList"], index)

    assert not await revoked_in_list()
    await bw.world.act("badges.revoke", {"award": award.id, "class": "alustaja"}, LIISA)  # refused
    assert not await revoked_in_list()
    from tests.harness.activities import MAIJA

    await bw.world.act("badges.revoke", {"award": award.id, "class": "alustaja"}, MAIJA)
    assert await revoked_in_list()  # so a verifier now rejects the same, still well-signed, credential
