"""`python -m bot`: validate settings, then serve until SIGTERM or SIGINT (aiohttp shuts down cleanly).
`python -m bot doctor`: check the credentials and Graph permissions instead (see bot/doctor.py)."""

from __future__ import annotations

import sys

from aiohttp import web
from pydantic import ValidationError

from bot.app import create_app
from bot.badges.key_settings import KeySettingsError, check_key_settings
from bot.logs import configure
from bot.settings import Settings


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "settings"
        lines.append(f"  {where}: {item['msg']}")
    return "Invalid settings (environment or .env):\n" + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args not in ([], ["doctor"]):
        print("usage: python -m bot [doctor]", file=sys.stderr)
        return 2
    try:
        settings = Settings()
    except ValidationError as error:
        print(_describe(error), file=sys.stderr)
        return 2
    try:
        check_key_settings(settings)
    except KeySettingsError as error:
        print(f"Invalid settings (environment or .env):\n  {error}", file=sys.stderr)
        return 2
    configure(settings.log_level, settings.log_format)
    if args == ["doctor"]:
        from bot import doctor  # the doctor's own imports stay out of the service's start

        return doctor.main(settings)
    url = f"http://{settings.host}:{settings.port}/api/messages"

    def banner(_message: str) -> None:
        mode = "local anonymous mode" if settings.anonymous else f"app id {settings.app_id}"
        print(f"Vertaisbotti is listening at {url} ({mode}).", flush=True)
        print(
            "Chat with it: `make playground` opens the Microsoft 365 Agents Playground on this bot.",
            flush=True,
        )
        if settings.management_port is not None:
            where = f"http://{settings.management_host}:{settings.management_port}"
            print(f"Health: /healthz; readiness and metrics: {where}/readyz, /metrics.", flush=True)
        print("Stop with Ctrl+C.", flush=True)

    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=banner, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
