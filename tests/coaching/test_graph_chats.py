"""Group chats for coaching groups through msgraph-sdk against the sandbox, which answers as Graph documents
(api/chat-post.md, api/chat-post-installedapps.md)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from core.errors import NotFound
from core.workspace import Throttled, WorkspaceForbidden
from graph import GraphWorkspace, open_workspace
from graph.sandbox import Sandbox, start_sandbox

APP = "2b524e28-95ce-4c9b-9773-4a5bd6ec1770"


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    running = await start_sandbox(tmp_path / "graph-sandbox")
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def workspace(sandbox: Sandbox) -> AsyncIterator[GraphWorkspace]:
    opened = open_workspace(sandbox.graph_config(max_retries=1, retry_delay=0))
    try:
        yield opened
    finally:
        await opened.close()


def users(count: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(count)]


async def test_a_group_chat_is_created_with_every_member_and_the_topic(
    sandbox: Sandbox, workspace: GraphWorkspace
) -> None:
    people = users(3)
    chat = await workspace.create_chat(people, "Vertaisvalmennus: Maija & Matti")
    assert chat.id.startswith("19:") and chat.id.endswith("@thread.v2")
    assert chat.web_url
    stored = sandbox.chats[chat.id]
    assert stored["chatType"] == "group"
    assert stored["topic"] == "Vertaisvalmennus: Maija & Matti"
    assert stored["members"] == sorted(p.lower() for p in people)
    again = await workspace.create_chat(people, "Vertaisvalmennus: Maija & Matti")
    assert again.id != chat.id  # a group chat is new every time; the round keeps the id so it asks once


async def test_a_pair_gets_a_named_group_chat(sandbox: Sandbox, workspace: GraphWorkspace) -> None:
    chat = await workspace.create_chat(users(2), "Pari")
    assert sandbox.chats[chat.id]["chatType"] == "group"


async def test_the_app_is_installed_once(sandbox: Sandbox, workspace: GraphWorkspace) -> None:
    chat = await workspace.create_chat(users(2), "Pari")
    await workspace.install_app_in_chat(chat.id, APP)
    await workspace.install_app_in_chat(chat.id, APP)  # 409 from Graph: already there, fine
    assert sandbox.chats[chat.id]["installedApps"] == [APP]
    with pytest.raises(NotFound):
        await workspace.install_app_in_chat("19:nosuchchat@thread.v2", APP)


async def test_graph_refusals_become_domain_errors(sandbox: Sandbox, workspace: GraphWorkspace) -> None:
    sandbox.inject(403, match="POST /chats")
    with pytest.raises(WorkspaceForbidden):
        await workspace.create_chat(users(2), "Pari")
    with pytest.raises(NotFound):
        await workspace.create_chat(["not-a-guid", str(uuid.uuid4())], "Pari")
    sandbox.inject(429, times=5, match="POST /chats", retry_after=0)
    with pytest.raises(Throttled):
        await workspace.create_chat(users(2), "Pari")


async def test_the_sandbox_checks_requests_as_graph_does(sandbox: Sandbox) -> None:
    token = await _token(sandbox)
    base = sandbox.base_url
    member = {
        "@odata.type": "#microsoft.graph.aadUserConversationMember",
        "user@odata.bind": f"{base}/users('{uuid.uuid4()}')",
    }
    cases = [
        ({"chatType": "group", "members": [member, member]}, 400),  # no roles
        ({"chatType": "channel", "members": []}, 400),
        ({"chatType": "oneOnOne", "topic": "x", "members": [{**member, "roles": ["owner"]}] * 2}, 400),
    ]
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
        for body, status in cases:
            async with http.post(f"{base}/chats", json=body) as response:
                assert response.status == status, body
                assert "error" in json.loads(await response.text())
        a, b = users(2)
        pair = {
            "chatType": "oneOnOne",
            "members": [
                {**member, "roles": ["owner"], "user@odata.bind": f"{base}/users('{a}')"},
                {**member, "roles": ["owner"], "user@odata.bind": f"{base}/users('{b}')"},
            ],
        }
        ids = []
        for _ in range(2):
            async with http.post(f"{base}/chats", json=pair) as response:
                assert response.status == 201
                ids.append((await response.json())["id"])
        assert ids[0] == ids[1] and ids[0].endswith("@unq.gbl.spaces")  # the existing one-on-one chat
        async with http.post(f"{base}/chats/{ids[0]}/installedApps", json={}) as response:
            assert response.status == 400


async def _token(sandbox: Sandbox) -> str:
    opened = open_workspace(sandbox.graph_config())
    try:
        return await (await opened._graph()).tokens.get_authorization_token(sandbox.base_url)
    finally:
        await opened.close()
