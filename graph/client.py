"""The msgraph-sdk client, pointed at `GraphConfig.base_url` with tokens from msal."""

from __future__ import annotations

import httpx
from kiota_abstractions.authentication import BaseBearerTokenAuthenticationProvider
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph_core import GraphClientFactory

from graph.auth import MsalTokenProvider
from graph.config import GraphConfig


def build_graph_client(
    config: GraphConfig, tokens: MsalTokenProvider
) -> tuple[GraphServiceClient, GraphRequestAdapter, httpx.AsyncClient]:
    """A `GraphServiceClient` with kiota's default middleware (retry on 429/503/504 with Retry-After,
    redirects). The default Azure Identity provider is not used: it sends no token to unknown hosts."""
    http = httpx.AsyncClient(timeout=httpx.Timeout(120.0, connect=10.0), trust_env=False)
    http = GraphClientFactory.create_with_default_middleware(client=http)
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(tokens), client=http)
    adapter.base_url = config.base_url.rstrip("/")
    return GraphServiceClient(request_adapter=adapter), adapter, http
