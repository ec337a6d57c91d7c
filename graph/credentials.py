"""The credentials an app registration can prove itself with, and msal clients that turn them into tokens.

A client secret or a client certificate goes through msal's `ConfidentialClientApplication` (client
credentials; a certificate signs the client assertion, named by its SHA-1 thumbprint), a managed identity
through msal's `ManagedIdentityClient` (the host's identity endpoint: `IDENTITY_ENDPOINT` and
`IDENTITY_HEADER` on App Service and Container Apps, IMDS on a VM). Graph and the bot's own Bot Framework
token both use `AppTokens`, so one library, one token cache per resource and one way to point it at a
local authority in tests (`ca_bundle`; msal accepts only https authorities).
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import msal
import requests
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from core.errors import Unavailable

_KEY = re.compile(r"-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----.+?-----END \1-----", re.S)
_CERTIFICATE = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


@dataclass(frozen=True)
class ClientCertificate:
    """A certificate credential of an app registration (Entra: Certificates & secrets → Certificates): the
    PEM private key, unencrypted, and the X.509 certificate uploaded to the registration."""

    private_key: str = field(repr=False)
    certificate: str

    @classmethod
    def from_pem(cls, text: str, where: str = "the certificate") -> ClientCertificate:
        """Both parts from one PEM text (key and certificate in either order), checked to belong together;
        ValueError with a one-line reason otherwise."""
        key, cert = _KEY.search(text), _CERTIFICATE.search(text)
        if key is None or cert is None:
            missing = "private key" if key is None else "certificate"
            raise ValueError(f"{where} has no {missing}: give the PEM private key and its certificate")
        if "ENCRYPTED" in key.group(1):
            raise ValueError(f"{where}: the private key is encrypted; give it without a passphrase")
        try:
            private = serialization.load_pem_private_key(key.group(0).encode(), password=None)
            public = x509.load_pem_x509_certificate(cert.group(0).encode()).public_key()
        except ValueError as exc:
            raise ValueError(f"{where} is not valid PEM: {exc}") from exc
        der = serialization.PublicFormat.SubjectPublicKeyInfo, serialization.Encoding.DER
        if private.public_key().public_bytes(der[1], der[0]) != public.public_bytes(der[1], der[0]):
            raise ValueError(f"{where}: the private key does not belong to the certificate")
        return cls(key.group(0), cert.group(0))

    @property
    def thumbprint(self) -> str:
        """The SHA-1 thumbprint Entra shows for the certificate (hex), which msal sends as `x5t`."""
        cert = x509.load_pem_x509_certificate(self.certificate.encode())
        return hashlib.sha1(cert.public_bytes(serialization.Encoding.DER)).hexdigest().upper()


@dataclass(frozen=True)
class ManagedIdentity:
    """The host's managed identity: a user-assigned one by its client id, else the system-assigned one."""

    client_id: str = ""


Credential = str | ClientCertificate | ManagedIdentity  # a str is a client secret


def describe(credential: Credential) -> str:
    if isinstance(credential, ClientCertificate):
        return f"certificate {credential.thumbprint}"
    if isinstance(credential, ManagedIdentity):
        return f"managed identity {credential.client_id or '(system-assigned)'}"
    return "client secret"


def msal_options(authority_host: str, ca_bundle: str | None) -> dict[str, Any]:
    """Extra msal arguments: none for Microsoft's authorities (the ordinary path); for any other https
    authority no instance discovery (it would ask login.microsoftonline.com) and, with `ca_bundle`, a
    requests session that trusts that certificate."""
    host = urlsplit(authority_host).hostname or ""
    options: dict[str, Any] = {}
    if host not in msal.authority.WELL_KNOWN_AUTHORITY_HOSTS:
        options["instance_discovery"] = False
    if ca_bundle:
        session = requests.Session()
        session.verify = ca_bundle
        # requests lets REQUESTS_CA_BUNDLE in the environment override a session's `verify`.
        session.trust_env = False
        options["http_client"] = session
    return options


class AppTokens:
    """App-only tokens for one resource (`scope`, "<resource>/.default"), from msal's cache while they last.

    Blocking (msal uses requests): call `token()` in a worker thread. The msal client is built on first use,
    since building a confidential client runs OIDC discovery over the network.
    """

    def __init__(
        self,
        client_id: str,
        credential: Credential,
        *,
        authority: str,
        scope: str,
        ca_bundle: str | None = None,
    ) -> None:
        self.client_id = client_id
        self.credential = credential
        self.authority = authority
        self.scope = scope
        self._ca_bundle = ca_bundle
        self._client: msal.ConfidentialClientApplication | msal.ManagedIdentityClient | None = None
        self._session: requests.Session | None = None
        self._lock = threading.Lock()

    def token(self) -> str:
        with self._lock:
            try:
                result = self._acquire()
            except (requests.RequestException, ValueError, msal.ManagedIdentityError) as exc:
                raise Unavailable("graph.error.auth", detail=f"{type(exc).__name__}: {exc}") from exc
        if "access_token" not in result:
            detail = f"{result.get('error')}: {result.get('error_description', '')}".strip(": ")
            raise Unavailable("graph.error.auth", detail=detail)
        return str(result["access_token"])

    def close(self) -> None:
        """Close the HTTP session: ours, or the one msal made for itself."""
        if self._session is not None:
            self._session.close()
        elif isinstance(self._client, msal.ConfidentialClientApplication):
            self._client.http_client.close()

    def _acquire(self) -> dict[str, Any]:
        if isinstance(self.credential, ManagedIdentity):
            client = self._managed_identity_client()
            result: dict[str, Any] = client.acquire_token_for_client(
                resource=self.scope.removesuffix("/.default")
            )
        else:
            result = self._confidential_client().acquire_token_for_client(scopes=[self.scope])
        return result

    def _managed_identity_client(self) -> msal.ManagedIdentityClient:
        if self._client is None:
            assert isinstance(self.credential, ManagedIdentity)
            options = msal_options(self.authority, self._ca_bundle)
            self._session = options.get("http_client") or requests.Session()
            identity: dict[str, Any] = (
                msal.UserAssignedManagedIdentity(client_id=self.credential.client_id)
                if self.credential.client_id
                else msal.SystemAssignedManagedIdentity()
            )
            self._client = msal.ManagedIdentityClient(
                identity, http_client=self._session, token_cache=msal.TokenCache()
            )
        assert isinstance(self._client, msal.ManagedIdentityClient)
        return self._client

    def _confidential_client(self) -> msal.ConfidentialClientApplication:
        if self._client is None:
            options = msal_options(self.authority, self._ca_bundle)
            self._session = options.get("http_client")
            secret: str | dict[str, str] = (
                {"private_key": self.credential.private_key, "thumbprint": self.credential.thumbprint}
                if isinstance(self.credential, ClientCertificate)
                else str(self.credential)
            )
            self._client = msal.ConfidentialClientApplication(
                self.client_id,
                client_credential=secret,
                authority=self.authority,
                token_cache=msal.TokenCache(),
                **options,
            )
        assert isinstance(self._client, msal.ConfidentialClientApplication)
        return self._client
