"""`python -m graph.sandbox [root] [team-id] [team-name]`: run the sandbox alone and print its settings."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path

from graph.sandbox import start_sandbox


async def main(argv: list[str]) -> None:
    root = Path(argv[0] if argv else "var/graph-sandbox")
    team_id = argv[1] if len(argv) > 1 else "00000000-0000-4000-8000-0000000000aa"
    team_name = argv[2] if len(argv) > 2 else "Vertaansa vailla"
    sandbox = await start_sandbox(root, port=0)
    channels = sandbox.seed_team(team_id, team_name, ["General"])
    print(f"Graph sandbox: {sandbox.base_url}  (authority {sandbox.authority_host}, files under {root})")
    print(f"team {team_id} '{team_name}', channels: {', '.join(channels)}")
    print(f"client id {sandbox.client_id}; certificate {sandbox.ca_bundle}. Ctrl-C stops.", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await sandbox.stop()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(sys.argv[1:]))
