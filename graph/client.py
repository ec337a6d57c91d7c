"""The msgraph-sdk client, pointed at `GraphConfig.base_url` with tokens from msal."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from kiota_abstractions.authentication import BaseBearerTokenAuthenticationProvider
from kiota_http.middleware.options import RetryHandlerOption
from msgraph.graph_request_adapter import GraphRequestAdapter
from msgraph.graph_service_client import GraphServiceClient
from msgraph_core import GraphClientFactory

from graph.auth import MsalTokenProvider
from graph.config import GraphConfig
from graph.observe import ObservedTransport


@dataclass(frozen=True)
class GraphConnection:
    """What every Graph operation needs: the SDK client and its adapter, the settings, and a plain HTTP
    client for upload-session URLs (which must get no Authorization header)."""

    config: GraphConfig
    client: GraphServiceClient
    adapter: GraphRequestAdapter
    tokens: MsalTokenProvider
    uploads: httpx.AsyncClient
    _http: httpx.AsyncClient
    _transport: httpx.AsyncBaseTransport

    async def close(self) -> None:
        await self._http.aclose()
        await self._transport.aclose()  # kiota's middleware transport does not close the one it wraps
        await self.uploads.aclose()
        self.tokens.close()


def connect(config: GraphConfig) -> GraphConnection:
    """A `GraphServiceClient` with kiota's default middleware (retry on 429/503/504 with Retry-After,
    redirects) and our msal token provider. The SDK's default Azure Identity provider is not used: it
    silently sends no token to hosts outside its allow-list. Nothing goes over the network until used."""
    tokens = MsalTokenProvider(config)
    transport: httpx.AsyncBaseTransport = httpx.AsyncHTTPTransport(trust_env=False)
    upload_transport: httpx.AsyncBaseTransport = httpx.AsyncHTTPTransport(trust_env=False)
    if config.observer is not None:
        transport = ObservedTransport(transport, config.observer)
        upload_transport = ObservedTransport(upload_transport, config.observer)
    http = httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(120.0, connect=10.0), trust_env=False)
    retries = RetryHandlerOption(delay=config.retry_delay)
    http = GraphClientFactory.create_with_default_middleware(
        client=http, options={RetryHandlerOption.get_key(): retries}
    )
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(tokens), client=http)
    adapter.base_url = config.base_url.rstrip("/")
    uploads = httpx.AsyncClient(
        transport=upload_transport, timeout=httpx.Timeout(300.0, connect=10.0), trust_env=False
    )
    client = GraphServiceClient(request_adapter=adapter)
    return GraphConnection(config, client, adapter, tokens, uploads, http, transport)
