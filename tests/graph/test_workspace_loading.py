"""The first Graph call loads msgraph-sdk, kiota and httpx (a second or more) in a worker thread: the event
loop serves other turns meanwhile, concurrent first calls share one load, and no later call imports any of
them on the loop (issue 18)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from graph import open_workspace
from graph.sandbox import Sandbox
from tests.graph.conftest import TEAM
from tests.harness.running import ROOT

# In a fresh process, so that nothing is loaded yet. A meta path finder that finds nothing watches each
# import of the SDK's packages: on the loop's thread it is written down; on a worker thread, the first one of
# each package asks the loop to answer while the import waits, which it can only if the loop is free.
SCRIPT = """
import asyncio, json, sys, threading, uuid
from pathlib import Path

loop_thread = threading.get_ident()
loop = None
on_loop, answered = [], {}

def watched(name):
    top = name.partition(".")[0]
    return top in ("msgraph", "msgraph_core", "httpx", "httpcore") or top.startswith("kiota")

class Watch:
    def find_spec(self, name, path=None, target=None):
        if not watched(name):
            return None
        if threading.get_ident() == loop_thread:
            on_loop.append(name)
        elif "." not in name and name not in answered and loop is not None:
            pong = threading.Event()
            loop.call_soon_threadsafe(pong.set)
            answered[name] = pong.wait(60)  # a guard against hanging, not a measure: the loop is idle
        return None

sys.meta_path.insert(0, Watch())

from graph import open_workspace
from graph.sandbox import start_sandbox

TEAM = "c0ffee00-0000-4000-8000-000000000001"

async def main(root):
    global loop
    loop = asyncio.get_running_loop()
    sandbox = await start_sandbox(root)
    sandbox.seed_team(TEAM, "Vertaansa vailla", ["General"])
    user = sandbox.seed_user("uusi.jasen@vertaisbotti.sandbox")
    workspace = open_workspace(sandbox.graph_config(session_threshold=1 << 20, fragment_size=327680))
    try:
        at_start = list(on_loop)
        first, second = await asyncio.gather(
            workspace.ensure_channel(TEAM, "Verkosto"), workspace.ensure_channel(TEAM, "Toinen")
        )
        folder = await workspace.ensure_folder(await workspace.channel_folder(TEAM, first.id), "Tapaaminen")
        small = await workspace.upload(folder, "muistio.txt", b"muistio")
        await workspace.upload(folder, "kalvot.pptx", bytes(3 << 20))  # an upload session
        listed = await workspace.list_files_of_channels(TEAM, [first.id, second.id])
        found = await workspace.search(folder, "muistio")
        data = b"".join([chunk async for chunk in workspace.download(small.drive_id, small.id)])
        await workspace.add_member(TEAM, user)
        missing = None
        try:
            await workspace.add_member(TEAM, "not-a-user")  # an OData error
        except Exception as exc:
            missing = type(exc).__name__
        guest = await workspace.invite_guest("vieras@elsewhere.example", "V", "https://bot.example", "fi")
        await workspace.add_group_member(TEAM, guest)
        await workspace.send_mail("bot@vertaisbotti.sandbox", "vieras@elsewhere.example", "Otsikko", "Teksti")
        chat = await workspace.create_chat([str(uuid.uuid4()), str(uuid.uuid4())], "Pari")
        await workspace.install_app_in_chat(chat.id, TEAM)
    finally:
        await workspace.close()
        await sandbox.stop()
    return {
        "at_start": at_start, "on_loop": on_loop, "answered": answered, "tokens": sandbox.tokens_issued,
        "channels": [first.name, second.name], "listed": len(listed[first.id]), "found": len(found),
        "data": data.decode(), "missing": missing,
    }

print(json.dumps(asyncio.run(main(Path(sys.argv[1])))))
"""


def test_the_sdk_is_loaded_off_the_event_loop_which_answers_meanwhile(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "graph-sandbox")],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["at_start"] == []
    assert seen["channels"] == ["Verkosto", "Toinen"] and seen["listed"] == 2 and seen["found"] == 1
    assert seen["data"] == "muistio" and seen["missing"] == "NotFound"
    # msgraph, kiota and httpx were first imported in a worker thread while the loop kept answering ...
    assert {"msgraph", "kiota_http", "httpx"} <= set(seen["answered"])
    assert all(seen["answered"].values()), seen["answered"]
    # ... and neither those first calls nor any operation after them imported a module of theirs on the loop
    assert seen["on_loop"] == []
    assert seen["tokens"] == 1  # the two first calls shared one connection


async def test_concurrent_first_calls_share_one_connection(sandbox: Sandbox) -> None:
    workspace = open_workspace(sandbox.graph_config())
    try:
        names = [f"Verkosto {n}" for n in range(4)]
        created = await asyncio.gather(*(workspace.ensure_channel(TEAM, name) for name in names))
        assert [channel.name for channel in created] == names
        await workspace.ensure_channel(TEAM, "Viides")  # a later call: the same connection
    finally:
        await workspace.close()
    assert sandbox.tokens_issued == 1  # one msal app: a connection each would have asked for a token each
