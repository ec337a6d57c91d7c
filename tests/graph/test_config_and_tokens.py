"""Settings validation and the msal token provider: production stays on msal's ordinary path, tokens go
only to the Graph host, and msal's cache means one token for many requests."""

from __future__ import annotations

import dataclasses

import pytest
import requests

from core.errors import Unavailable
from core.workspace import Workspace
from graph import GraphConfig
from graph.auth import MsalTokenProvider, msal_options
from graph.config import FRAGMENT_UNIT, MIB
from graph.sandbox import Sandbox
from tests.graph.conftest import TEAM

PRODUCTION = GraphConfig(
    base_url="https://graph.microsoft.com/v1.0",
    authority_host="https://login.microsoftonline.com",
    tenant_id="contoso.onmicrosoft.com",
    client_id="app",
    client_secret="secret",
)


def test_production_settings_use_msals_ordinary_path() -> None:
    assert PRODUCTION.scope == "https://graph.microsoft.com/.default"
    assert PRODUCTION.authority == "https://login.microsoftonline.com/contoso.onmicrosoft.com"
    assert msal_options(PRODUCTION) == {}
    assert "secret" not in repr(PRODUCTION)


def test_a_local_authority_gets_no_instance_discovery_and_its_own_trust(sandbox: Sandbox) -> None:
    options = msal_options(sandbox.graph_config())
    assert options["instance_discovery"] is False
    session = options["http_client"]
    assert isinstance(session, requests.Session)
    assert session.verify == str(sandbox.ca_bundle) and session.trust_env is False
    session.close()


@pytest.mark.parametrize(
    "change",
    [
        {"authority_host": "http://127.0.0.1:1"},
        {"base_url": "graph/v1.0"},
        {"fragment_size": FRAGMENT_UNIT + 1},
        {"fragment_size": 192 * FRAGMENT_UNIT},  # 60 MiB
        {"session_threshold": 251 * MIB},
        {"session_threshold": 0},
    ],
)
def test_bad_settings_fail_fast(change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(PRODUCTION, **change)


async def test_tokens_are_only_handed_to_the_graph_host() -> None:
    # The authority is unreachable: asking it for a token would fail, so an empty answer proves no attempt.
    offline = dataclasses.replace(
        PRODUCTION, authority_host="https://127.0.0.1:9", base_url="http://127.0.0.1:9/v1.0"
    )
    provider = MsalTokenProvider(offline)
    assert await provider.get_authorization_token("https://graph.microsoft.com/v1.0/teams") == ""
    assert await provider.get_authorization_token("http://elsewhere.example/upload") == ""
    with pytest.raises(Unavailable) as caught:  # the Graph host itself does get a token (or an error)
        await provider.get_authorization_token("http://127.0.0.1:9/v1.0/teams")
    assert caught.value.key == "graph.error.auth"
    provider.close()


async def test_one_token_serves_many_requests(workspace: Workspace, sandbox: Sandbox) -> None:
    channel = await workspace.ensure_channel(TEAM, "Verkosto")
    folder = await workspace.channel_folder(TEAM, channel.id)
    await workspace.upload(folder, "a.txt", b"a")
    await workspace.list_files(folder)
    assert sandbox.tokens_issued == 1
