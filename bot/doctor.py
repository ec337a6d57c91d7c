"""`python -m bot doctor` (`make doctor`): prove the configured credentials and every Graph permission the
bot's features need against the configured tenant (or the local sandbox), print the table, and exit 1 when
something is missing. See `graph.doctor` for what each check sends."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

from botframework.connector.auth import AuthenticationConstants

from bot.credentials import MsalCredentialsFactory
from bot.graph_setup import SANDBOX_TEAM_NAME, graph_config
from bot.settings import Settings
from core.errors import DomainError
from graph.client import connect
from graph.config import GraphConfig
from graph.credentials import describe
from graph.doctor import Options, Row, Status, diagnose, table
from graph.sandbox import start_sandbox

SANDBOX_TEAM = "00000000-0000-4000-8000-0000000000aa"


async def check(settings: Settings, config: GraphConfig | None = None) -> list[Row]:
    """The doctor's rows for `settings` (with `config`, that Graph instead of the settings' own): the bot's
    own Bot Framework token first, then Graph."""
    return [await bot_token(settings), *await _graph_rows(settings, config)]


async def bot_token(settings: Settings) -> Row:
    """The bot's token for replying in Teams, from its credential (password, certificate or managed
    identity) at its login endpoint."""
    blocks = "every reply and message in Teams"
    credential = settings.bot_credential
    if credential is None:
        return Row("Bot Framework token", Status.SKIPPED, "not used: anonymous mode (no MicrosoftAppId)")
    factory = MsalCredentialsFactory(settings.app_id, settings.app_tenant_id, credential)
    try:
        scope = (
            settings.to_channel_from_bot_oauth_scope
            or AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
        )
        credentials = await factory.create_credentials(
            settings.app_id, scope, settings.to_channel_from_bot_login_url or "", True
        )
        await asyncio.to_thread(credentials.get_access_token)
    except DomainError as exc:
        detail = str(exc.params.get("detail") or exc.key)
        return Row("Bot Framework token", Status.ERROR, f"{describe(credential)}: {detail}", "", blocks)
    finally:
        factory.close()
    return Row("Bot Framework token", Status.OK)


async def _graph_rows(settings: Settings, config: GraphConfig | None) -> list[Row]:
    team = settings.team_id or (SANDBOX_TEAM if settings.graph_sandbox and config is None else "")
    options = Options(
        team, settings.coaching_group_chats, settings.teams_app_catalog_id, settings.mail_sender
    )
    if config is None and settings.graph_sandbox:
        # A sandbox of its own, so a running `make run` and its files are left alone.
        with tempfile.TemporaryDirectory(prefix="vertaisbotti-doctor-") as root:
            sandbox = await start_sandbox(Path(root))
            try:
                sandbox.seed_team(team, SANDBOX_TEAM_NAME, ["General"])
                return await _diagnose(sandbox.graph_config(), options)
            finally:
                await sandbox.stop()
    return await _diagnose(config or graph_config(settings), options)


async def _diagnose(config: GraphConfig, options: Options) -> list[Row]:
    graph = connect(config)
    try:
        return await diagnose(graph, options)
    finally:
        await graph.close()


def report(settings: Settings, rows: list[Row]) -> str:
    where = "the local Graph sandbox" if settings.graph_sandbox else settings.graph_base_url
    failed = [r for r in rows if r.failed]
    limited = [r for r in rows if r.status == Status.LIMITED]
    team = settings.team_id or "(sandbox team)"
    lines = [f"Vertaisbotti doctor: {where}, team {team}"]
    if not settings.graph_sandbox:
        bot = describe(settings.bot_credential) if settings.bot_credential is not None else "anonymous"
        lines.append(f"Credentials: the bot's {bot}; Graph's {describe(settings.graph_credential)}")
    lines += ["", table(rows), ""]
    if failed:
        missing = sorted({r.permission for r in failed if r.permission})
        lines.append(f"{len(failed)} check(s) failed.")
        if missing:
            lines.append(
                "Grant in Entra ID (API permissions, admin consent), or for *.Group permissions install the "
                f"app in the team: {', '.join(missing)}"
            )
    else:
        fallback = " (LIMITED: the bot works around it, as said)" if limited else ""
        lines.append(f"Every capability the bot needs works{fallback}.")
    return "\n".join(lines)


def main(settings: Settings) -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would bury the table
    rows = asyncio.run(check(settings))
    print(report(settings, rows), flush=True)
    return 1 if any(r.failed for r in rows) else 0
