"""The Workspace the service uses: Microsoft Graph with the app's credentials, or the local sandbox."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.settings import Settings
from graph import GraphConfig, GraphWorkspace, open_workspace
from graph.credentials import ClientCertificate, ManagedIdentity
from graph.observe import RequestObserver

if TYPE_CHECKING:
    from graph.sandbox import Sandbox

log = logging.getLogger(__name__)

SANDBOX_TEAM_NAME = "Vertaansa vailla"


@dataclass
class GraphSide:
    workspace: GraphWorkspace
    sandbox: Sandbox | None

    def team_seen(self, team_id: str, name: str | None) -> None:
        """In the sandbox a team exists once the bot meets it, as a real one exists before the install."""
        if self.sandbox is not None and team_id:
            self.sandbox.seed_team(team_id, name or SANDBOX_TEAM_NAME, ["General"])


def graph_config(settings: Settings) -> GraphConfig:
    """Graph as the settings name it. The tenant is always given when the bot has credentials (the settings
    refuse MultiTenant without one: client credentials cannot use /organizations)."""
    credential = settings.graph_credential
    return GraphConfig(
        base_url=settings.graph_base_url,
        authority_host=settings.graph_authority_host,
        tenant_id=settings.app_tenant_id or "organizations",
        client_id=settings.graph_client_id or settings.app_id,
        client_secret=credential if isinstance(credential, str) else "",
        certificate=credential if isinstance(credential, ClientCertificate) else None,
        managed_identity=credential if isinstance(credential, ManagedIdentity) else None,
        retry_delay=settings.graph_retry_delay,
    )


@asynccontextmanager
async def open_graph(settings: Settings, observer: RequestObserver | None = None) -> AsyncIterator[GraphSide]:
    """The workspace the settings name; `observer` is told of every HTTP request it sends."""
    sandbox = None
    if settings.graph_sandbox:
        from graph.sandbox import start_sandbox  # local mode only: a service on Graph never loads it

        sandbox = await start_sandbox(settings.var_dir / "graph-sandbox")
        log.info("Graph sandbox at %s (files under %s)", sandbox.base_url, settings.var_dir / "graph-sandbox")
        config = sandbox.graph_config(retry_delay=settings.graph_retry_delay)
    else:
        config = graph_config(settings)
    side = GraphSide(open_workspace(dataclasses.replace(config, observer=observer)), sandbox)
    if settings.team_id:
        side.team_seen(settings.team_id, None)
    try:
        yield side
    finally:
        await side.workspace.close()
        if sandbox is not None:
            await sandbox.stop()
