"""The sandbox's token authority (HTTPS): OIDC discovery, the client-credentials token endpoint and a
managed-identity endpoint, as Microsoft Entra ID and an Azure host answer them.

The token endpoint takes a client secret or a client assertion (RFC 7523, as msal signs it for a
certificate): a JWT with `iss` = `sub` = the client id, `aud` = this token endpoint, `exp`, and in its
header the SHA-1 thumbprint of the signing certificate (`x5t`, or SHA-256 `x5t#S256`), which must be one
uploaded to the app registration (`Sandbox.add_certificate`). The managed-identity endpoint is App
Service's (`IDENTITY_ENDPOINT`, checked `X-IDENTITY-HEADER`, api-version 2019-08-01), the form msal uses on
App Service and Container Apps; the sandbox's app is its user-assigned identity (`client_id` = the app's).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey

from graph.sandbox.state import State

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ALGORITHMS = ["RS256", "PS256", "ES256"]


def _thumbprints(pem: str) -> tuple[str, str]:
    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)

    def b64(digest: bytes) -> str:
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    return b64(hashlib.sha1(der).digest()), b64(hashlib.sha256(der).digest())


def assertion_problem(state: State, assertion: str, audience: str) -> str | None:
    """Why a client assertion does not prove the app (an AADSTS-like reason), or None when it does."""
    try:
        header = dict(jws.extract_compact(assertion.encode()).headers())
    except (ValueError, JoseError):
        return "AADSTS50027: Invalid JWT token."
    named = str(header.get("x5t#S256") or header.get("x5t") or "").rstrip("=")  # msal keeps the padding
    certificate = next((pem for pem in state.certificates if named in _thumbprints(pem)), None)
    if certificate is None:
        return (
            f"AADSTS700027: The certificate with identifier {named!r} is not registered on the application."
        )
    public = x509.load_pem_x509_certificate(certificate.encode()).public_key()
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    key = ECKey.import_key(pem) if header.get("alg") == "ES256" else RSAKey.import_key(pem)
    try:
        claims = jwt.decode(assertion, key, algorithms=ALGORITHMS).claims
    except (ValueError, JoseError):
        return "AADSTS700027: Client assertion contains an invalid signature."
    now = time.time()
    if claims.get("iss") != state.client_id or claims.get("sub") != state.client_id:
        return "AADSTS700021: Client assertion application identifier doesn't match 'client_id' parameter."
    if claims.get("aud") != audience:
        return f"AADSTS700016: The audience claim must be {audience!r}."
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] < now - 300:
        return "AADSTS700024: Client assertion is not within its valid time range."
    return None


def login_app(state: State) -> web.Application:
    """The https token authority: OIDC discovery, the client-credentials token endpoint, and `/msi/token`."""

    async def discovery(request: web.Request) -> web.Response:
        tenant = request.match_info["tenant"]
        base = f"{request.scheme}://{request.host}/{tenant}"
        return web.json_response(
            {
                "issuer": f"{base}/v2.0",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "client_secret_basic",
                    "private_key_jwt",
                ],
                "response_types_supported": ["code", "token"],
            }
        )

    async def token(request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        client_ok = secrets.compare_digest(str(form.get("client_id", "")), state.client_id)
        if form.get("client_assertion_type") == JWT_BEARER:
            endpoint = f"{request.scheme}://{request.host}{request.path}"
            problem = assertion_problem(state, str(form.get("client_assertion", "")), endpoint)
        else:
            secret_ok = secrets.compare_digest(str(form.get("client_secret", "")), state.client_secret)
            problem = None if secret_ok else "AADSTS7000215: Invalid client secret provided."
        if not client_ok or problem:
            reason = problem or "AADSTS700016: Application not found in the directory."
            return web.json_response({"error": "invalid_client", "error_description": reason}, status=401)
        if not str(form.get("scope", "")).endswith("/.default"):
            return web.json_response({"error": "invalid_scope"}, status=400)
        access, lifetime = state.issue_token()
        return web.json_response(
            {
                "token_type": "Bearer",
                "expires_in": lifetime,
                "ext_expires_in": lifetime,
                "access_token": access,
            }
        )

    async def managed_identity(request: web.Request) -> web.Response:
        header = request.headers.get("X-IDENTITY-HEADER", "")
        if not secrets.compare_digest(header, state.identity_header):
            return web.json_response({"statusCode": 401, "message": "Invalid X-IDENTITY-HEADER"}, status=401)
        resource = request.query.get("resource", "")
        client_id = request.query.get("client_id", state.client_id)
        if not resource or request.query.get("api-version") != "2019-08-01":
            return web.json_response(
                {"statusCode": 400, "message": "resource and api-version required"}, status=400
            )
        if client_id != state.client_id:
            return web.json_response(
                {"statusCode": 400, "message": f"No managed identity with client id {client_id}"}, status=400
            )
        access, lifetime = state.issue_token()
        return web.json_response(
            {
                "access_token": access,
                "expires_on": str(int(time.time()) + lifetime),
                "resource": resource,
                "token_type": "Bearer",
                "client_id": client_id,
            }
        )

    app = web.Application()
    app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", discovery)
    app.router.add_post("/{tenant}/oauth2/v2.0/token", token)
    app.router.add_get("/msi/token", managed_identity)
    return app
