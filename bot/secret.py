"""The service's key (`core.keys.ServerKey`), read once at start: POLL_SECRET, else a key file under var/.

The file is made on first start and must be shared by instances that share a database (with PostgreSQL,
`POLL_SECRET` is required instead: `bot.settings`).
"""

from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path

from bot.settings import Settings
from core.keys import ServerKey

SECRET_FILE = "poll-secret"


def read_or_create_secret(path: Path) -> bytes:
    """The key in `path`, made first if absent. The file appears whole or not at all (written aside, then
    linked into place), so a process racing the first start never reads a half-written key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            draft.unlink()
    key = bytes.fromhex(path.read_text().strip())
    if len(key) < 16:
        raise ValueError(f"{path} does not hold a poll key; remove it to make a new one")
    return key


async def load_server_key(settings: Settings) -> ServerKey:
    configured = settings.poll_secret.get_secret_value()
    if configured:
        return ServerKey(configured.encode())
    return ServerKey(await asyncio.to_thread(read_or_create_secret, settings.var_dir / SECRET_FILE))
