"""App-only tokens for Graph as a kiota token provider: `graph.credentials.AppTokens` (msal, with its token
cache) for the Graph host only."""

from __future__ import annotations

import asyncio
from typing import Any

from kiota_abstractions.authentication import AccessTokenProvider, AllowedHostsValidator

from graph import credentials
from graph.config import GraphConfig


class MsalTokenProvider(AccessTokenProvider):
    """Hands kiota a bearer token for Graph hosts only; any other host gets none.

    msal is synchronous (requests), so tokens are fetched in a worker thread. The config's credential is a
    client secret, a certificate or a managed identity (`graph.credentials`); for Microsoft's authority
    msal takes its ordinary path, for any other https authority (the sandbox) instance discovery is off and
    `ca_bundle`, when given, is the certificate msal's requests session trusts.
    """

    def __init__(self, config: GraphConfig) -> None:
        self._config = config
        self._validator = AllowedHostsValidator([config.graph_host])
        self._tokens = credentials.AppTokens(
            config.client_id,
            config.credential,
            authority=config.authority,
            scope=config.scope,
            ca_bundle=config.ca_bundle,
        )

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
        return self._tokens.token()

    def close(self) -> None:
        self._tokens.close()


def msal_options(config: GraphConfig) -> dict[str, Any]:
    """The extra msal arguments for `config`'s authority (see `graph.credentials.msal_options`)."""
    return credentials.msal_options(config.authority_host, config.ca_bundle)
