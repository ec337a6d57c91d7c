"""App-only tokens for Graph: msal client credentials (with its token cache) as a kiota token provider."""

from __future__ import annotations

import asyncio
import threading
from typing import Any
from urllib.parse import urlsplit

import msal
import requests
from kiota_abstractions.authentication import AccessTokenProvider, AllowedHostsValidator

from core.errors import Unavailable
from graph.config import GraphConfig


class MsalTokenProvider(AccessTokenProvider):
    """Hands kiota a bearer token for Graph hosts only; any other host gets none.

    msal is synchronous (requests), so tokens are fetched in a worker thread. The msal application is built
    on first use because building it runs OIDC discovery over the network. For Microsoft's authority this is
    the ordinary msal path; for any other https authority (the sandbox) instance discovery is turned off and
    `ca_bundle`, when given, is the certificate msal's requests session trusts.
    """

    def __init__(self, config: GraphConfig) -> None:
        self._config = config
        self._validator = AllowedHostsValidator([config.graph_host])
        self._app: msal.ConfidentialClientApplication | None = None
        self._session: requests.Session | None = None
        self._lock = threading.Lock()

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return self._validator

    async def get_authorization_token(
        self, uri: str, additional_authentication_context: dict[str, Any] | None = None
    ) -> str:
        if not self._validator.is_url_host_valid(uri):
            return ""
        return await asyncio.to_thread(self.token)

    def token(self) -> str:
        """A valid access token, from msal's cache when it has one (blocking)."""
        with self._lock:
            try:
                result = self._application().acquire_token_for_client(scopes=[self._config.scope])
            except (requests.RequestException, ValueError) as exc:
                raise Unavailable("graph.error.auth") from exc
        if "access_token" not in result:
            raise Unavailable("graph.error.auth", detail=str(result.get("error")))
        return str(result["access_token"])

    def close(self) -> None:
        if self._session is not None:
            self._session.close()

    def _application(self) -> msal.ConfidentialClientApplication:
        if self._app is None:
            config = self._config
            options = msal_options(config)
            self._session = options.get("http_client")
            self._app = msal.ConfidentialClientApplication(
                config.client_id,
                client_credential=config.client_secret,
                authority=config.authority,
                token_cache=msal.TokenCache(),
                **options,
            )
        return self._app


def msal_options(config: GraphConfig) -> dict[str, Any]:
    """Extra msal arguments: none for Microsoft's authorities (the ordinary path); for any other https
    authority no instance discovery (it would ask login.microsoftonline.com) and, with `ca_bundle`, a
    requests session that trusts that certificate."""
    host = urlsplit(config.authority_host).hostname or ""
    options: dict[str, Any] = {}
    if host not in msal.authority.WELL_KNOWN_AUTHORITY_HOSTS:
        options["instance_discovery"] = False
    if config.ca_bundle:
        session = requests.Session()
        session.verify = config.ca_bundle
        # requests lets REQUESTS_CA_BUNDLE in the environment override a session's `verify`.
        session.trust_env = False
        options["http_client"] = session
    return options
