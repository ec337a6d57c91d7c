"""Settings fail fast with clear messages; `python -m bot` refuses bad ones before listening."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from pydantic import ValidationError

from bot.settings import Settings
from tests.harness.running import ROOT, bot_process


def settings(**values: str) -> Settings:
    return Settings(_env_file=None, **values)


def test_defaults_are_the_embedded_local_mode() -> None:
    s = settings()
    assert (s.host, s.port, s.anonymous) == ("127.0.0.1", 3978, True)
    assert s.database_url.startswith("sqlite:///var/")
    assert s.graph_base_url == "sandbox" and s.graph_sandbox  # no credentials: the local Graph stand-in
    assert s.app_type == "SingleTenant"


def test_graph_defaults_to_microsoft_when_there_are_credentials() -> None:
    s = settings(MicrosoftAppId="id", MicrosoftAppPassword="pw", MicrosoftAppTenantId="tn")
    assert s.graph_base_url == "https://graph.microsoft.com/v1.0" and not s.graph_sandbox
    assert (
        settings(GRAPH_BASE_URL="https://graph.example.test/v1.0/").graph_base_url
        == "https://graph.example.test/v1.0"
    )


def test_coordinators_are_a_comma_separated_list_compared_case_insensitively() -> None:
    s = settings(COORDINATORS=" AAD-1 , aad-2,, ")
    assert s.coordinators == frozenset({"aad-1", "aad-2"})
    assert s.is_coordinator("Aad-2") and not s.is_coordinator(None) and not s.is_coordinator("aad-3")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"HOST": "0.0.0.0"}, "allowed only on a loopback HOST"),
        ({"PORT": "70000"}, "less than or equal to 65535"),
        ({"PORT": "abc"}, "valid integer"),
        ({"MicrosoftAppId": "x", "MicrosoftAppTenantId": "t"}, "MicrosoftAppPassword is required"),
        ({"MicrosoftAppId": "x", "MicrosoftAppPassword": "p"}, "MicrosoftAppTenantId is required"),
        ({"MicrosoftAppType": "Nobody"}, "SingleTenant"),
        ({"LOG_FORMAT": "xml"}, "'text' or 'json'"),
        ({"GRAPH_BASE_URL": "graph.local"}, "http(s) URL or 'sandbox'"),
    ],
)
def test_invalid_settings_fail_with_a_message_naming_the_problem(
    values: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        settings(**values)


def test_credentials_allow_any_host_and_reach_botbuilder_unchanged() -> None:
    s = settings(HOST="0.0.0.0", MicrosoftAppId="id", MicrosoftAppPassword="pw", MicrosoftAppTenantId="tn")
    config = s.botbuilder_configuration()
    assert (config.APP_ID, config.APP_PASSWORD, config.APP_TENANTID, config.APP_TYPE) == (
        "id",
        "pw",
        "tn",
        "SingleTenant",
    )
    assert settings().botbuilder_configuration().APP_TYPE == "MultiTenant"  # how botbuilder spells "no auth"


def test_python_m_bot_refuses_anonymous_mode_on_a_public_address() -> None:
    env = {**os.environ, "HOST": "0.0.0.0", "MicrosoftAppId": ""}
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert "Invalid settings" in result.stderr and "loopback HOST" in result.stderr
    assert "Traceback" not in result.stderr


async def test_python_m_bot_serves_and_stops_cleanly_on_sigterm(tmp_path) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/bot.db",
        "VAR_DIR": str(tmp_path / "var"),
        "LOG_FORMAT": "json",
    }
    async with bot_process(env) as (bot, process):
        assert await bot.get("/healthz") == (200, '{"status": "ok"}')
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        output = process.stdout.read().decode()
    assert "listening at http://127.0.0.1:" in output
    assert "Traceback" not in output


def test_the_example_env_file_is_valid_as_it_stands(tmp_path) -> None:
    s = Settings(_env_file=ROOT / ".env.example")
    assert s.anonymous and s.to_bot_from_channel_openid_metadata_url is None and s.coordinators == frozenset()


def test_a_deployment_on_postgresql_needs_a_shared_poll_secret() -> None:
    deployed = {"MicrosoftAppId": "id", "MicrosoftAppPassword": "pw", "MicrosoftAppTenantId": "tn"}
    with pytest.raises(ValidationError, match="POLL_SECRET is required with PostgreSQL"):
        settings(DATABASE_URL="postgresql://db/vertaisbotti", **deployed)
    assert settings(DATABASE_URL="postgresql://db/v", POLL_SECRET="p" * 32, **deployed).poll_secret
    assert settings(DATABASE_URL="postgresql://db/v").anonymous  # local anonymous mode keeps the var/ key


def test_a_short_poll_secret_is_refused() -> None:
    with pytest.raises(ValidationError, match="POLL_SECRET must be at least 32"):
        settings(POLL_SECRET="short")
    assert settings(POLL_SECRET="x" * 32).poll_secret.get_secret_value() == "x" * 32
