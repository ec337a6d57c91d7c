"""Microsoft Graph behind `core.workspace.Workspace`: msal tokens, msgraph-sdk, error mapping, a sandbox."""

from __future__ import annotations

from graph.config import GraphConfig
from graph.names import clean_channel_name, clean_file_name
from graph.workspace import GraphWorkspace

__all__ = ["GraphConfig", "GraphWorkspace", "clean_channel_name", "clean_file_name", "open_workspace"]


def open_workspace(config: GraphConfig) -> GraphWorkspace:
    """A workspace on the Graph that `config` names (sync; no network until the first call).
    `await workspace.close()` when done."""
    return GraphWorkspace(config)
