"""The msgraph-sdk client, pointed at `GraphConfig.base_url` with tokens from msal."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from kiota_abstractions.authentication import BaseBearerTokenAuthenticationProvider
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph_core import GraphClientFactory

from graph.auth import MsalTokenProvider
from graph.config import GraphConfig


@dataclass(frozen=True)
class GraphConnection:
    client: GraphServiceClient
    adapter: GraphRequestAdapter
    http: httpx.AsyncClient
    transport: httpx.AsyncHTTPTransport

    async def close(self) -> None:
        # kiota's middleware transport does not close the transport it wraps.
        await self.http.aclose()
        await self.transport.aclose()


def build_graph_client(config: GraphConfig, tokens: MsalTokenProvider) -> GraphConnection:
    """A `GraphServiceClient` with kiota's default middleware (retry on 429/503/504 with Retry-After,
    redirects). The default Azure Identity provider is not used: it sends no token to unknown hosts."""
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    http = httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(120.0, connect=10.0), trust_env=False)
    http = GraphClientFactory.create_with_default_middleware(client=http)
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(tokens), client=http)
    adapter.base_url = config.base_url.rstrip("/")
    return GraphConnection(GraphServiceClient(request_adapter=adapter), adapter, http, transport)
