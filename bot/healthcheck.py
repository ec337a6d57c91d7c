"""`python -m bot.healthcheck`: the container's HEALTHCHECK. Exit 0 when this instance's /healthz answers 200.

It reads only `HOST` and `PORT` (the address the service listens on; a wildcard address is asked on loopback)
so that it stays cheap enough to run every 30 seconds and works even when other settings would not validate.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

WILDCARDS = {"", "0.0.0.0", "::", "[::]"}


def health_url(host: str, port: str) -> str:
    host = "127.0.0.1" if host in WILDCARDS else host
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{int(port)}/healthz"


def main() -> int:
    url = health_url(os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "3978"))
    try:
        with urllib.request.urlopen(url, timeout=4) as response:  # a fixed http URL of our own
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"unhealthy: {url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
