"""The bot's credentials: a client certificate or a managed identity for its own Bot Framework token and for
Graph, validated at start with one-line messages, and the bot's replies carrying a token that a local
authority issued for the certificate (nothing reaches Microsoft)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot import doctor
from bot.credentials import MsalCredentialsFactory, credentials_factory
from bot.graph_setup import graph_config
from bot.settings import Settings
from graph.credentials import ClientCertificate, ManagedIdentity
from graph.doctor import Status
from graph.sandbox import Sandbox, start_sandbox
from tests.graph.certificates import certificate_part, client_certificate_pem
from tests.harness import activities as a
from tests.harness.connector import ConnectorDouble
from tests.harness.openid import ISSUER, OpenIdServer
from tests.harness.running import ROOT, make_settings, running_bot

APP = "00000000-0000-4000-8000-00000000b07a"


def settings(**values: str) -> Settings:
    return Settings(_env_file=None, **values)


@pytest.fixture
def pem_file(tmp_path: Path) -> Path:
    path = tmp_path / "vertaisbotti.pem"
    path.write_text(client_certificate_pem())
    return path


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"MicrosoftAppType": "UserAssignedMSI"}, "UserAssignedMSI needs MicrosoftAppId: the client id"),
        (
            {"MicrosoftAppType": "UserAssignedMSI", "MicrosoftAppId": APP, "MicrosoftAppPassword": "pw"},
            "takes no MicrosoftAppPassword",
        ),
        (
            {"MicrosoftAppType": "UserAssignedMSI", "MicrosoftAppId": APP},
            "MicrosoftAppTenantId is required for MicrosoftAppType=UserAssignedMSI",
        ),
        (
            {"MicrosoftAppType": "MultiTenant", "MicrosoftAppId": APP, "MicrosoftAppPassword": "pw"},
            "cannot use the /organizations authority",
        ),
        (
            {
                "MicrosoftAppId": APP,
                "MicrosoftAppTenantId": "t",
                "MicrosoftAppCertificateFile": "/nonexistent.pem",
            },
            "MicrosoftAppCertificateFile '/nonexistent.pem' cannot be read",
        ),
        ({"MicrosoftAppCertificate": "not a pem"}, "MicrosoftAppCertificate has no private key"),
    ],
)
def test_credentials_that_cannot_work_fail_at_start(values: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        settings(**values)
    assert len(caught.value.errors()) == 1 and "\n" not in caught.value.errors()[0]["msg"]


def test_a_password_and_a_certificate_together_are_refused(pem_file: Path) -> None:
    with pytest.raises(ValidationError, match="not both"):
        settings(
            MicrosoftAppId=APP,
            MicrosoftAppTenantId="t",
            MicrosoftAppPassword="pw",
            MicrosoftAppCertificateFile=str(pem_file),
        )


def test_a_multitenant_bot_on_the_sandbox_needs_no_tenant() -> None:
    s = settings(
        MicrosoftAppType="MultiTenant",
        MicrosoftAppId=APP,
        MicrosoftAppPassword="pw",
        GRAPH_BASE_URL="sandbox",
    )
    assert s.graph_sandbox and s.bot_credential == "pw"


def test_a_certificate_serves_the_bot_and_graph(pem_file: Path) -> None:
    s = settings(MicrosoftAppId=APP, MicrosoftAppTenantId="t", MicrosoftAppCertificateFile=str(pem_file))
    assert isinstance(s.bot_credential, ClientCertificate) and s.graph_credential == s.bot_credential
    config = graph_config(s)
    assert (config.certificate, config.client_secret, config.managed_identity) == (s.bot_credential, "", None)
    assert config.authority == "https://login.microsoftonline.com/t"
    assert isinstance(credentials_factory(s), MsalCredentialsFactory)
    # The same certificate as text (a Key Vault reference passes the PEM itself).
    inline = settings(
        MicrosoftAppId=APP, MicrosoftAppTenantId="t", MicrosoftAppCertificate=pem_file.read_text()
    )
    assert inline.bot_credential == s.bot_credential


def test_a_user_assigned_identity_serves_the_bot_and_graph() -> None:
    s = settings(MicrosoftAppType="UserAssignedMSI", MicrosoftAppId=APP, MicrosoftAppTenantId="t")
    assert s.bot_credential == ManagedIdentity(APP) and graph_config(s).managed_identity == ManagedIdentity(
        APP
    )
    separate = settings(
        MicrosoftAppType="UserAssignedMSI", MicrosoftAppId=APP, MicrosoftAppTenantId="t", GRAPH_CLIENT_ID="g"
    )
    assert graph_config(separate).managed_identity == ManagedIdentity("g")
    assert (
        credentials_factory(settings(MicrosoftAppId=APP, MicrosoftAppTenantId="t", MicrosoftAppPassword="pw"))
        is None
    )


def test_python_m_bot_refuses_an_identity_without_its_client_id(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("Microsoft", "APP_", "BOT_"))}
    env |= {"MicrosoftAppType": "UserAssignedMSI", "VAR_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "MicrosoftAppType=UserAssignedMSI needs MicrosoftAppId" in done.stderr
    assert str(ROOT)  # the service module comes from this checkout


# -- the bot's own token from the local authority -------------------------------------------------------


@pytest.fixture
async def authority(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Sandbox]:
    running = await start_sandbox(tmp_path / "authority")
    # botbuilder's connector and msal's default session trust what REQUESTS_CA_BUNDLE names.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(running.ca_bundle))
    try:
        yield running
    finally:
        await running.stop()


def login_url(sandbox: Sandbox) -> str:
    return f"{sandbox.authority_host}/{sandbox.tenant_id}"


async def bot_token(s: Settings) -> str:
    factory = credentials_factory(s)
    assert factory is not None
    try:
        credentials = await factory.create_credentials(
            s.app_id, "https://api.botframework.com", s.to_channel_from_bot_login_url or "", True
        )
        return await asyncio.to_thread(credentials.get_access_token)
    finally:
        factory.close()


async def test_the_bots_token_from_a_certificate(authority: Sandbox, tmp_path: Path) -> None:
    pem = client_certificate_pem()
    authority.add_certificate(certificate_part(pem))
    s = settings(
        MicrosoftAppId=authority.client_id,
        MicrosoftAppTenantId=authority.tenant_id,
        MicrosoftAppCertificate=pem,
        TO_CHANNEL_FROM_BOT_LOGIN_URL=login_url(authority),
    )
    token = await bot_token(s)
    assert authority.issued(f"Bearer {token}")


async def test_the_bots_token_from_a_managed_identity(
    authority: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in authority.managed_identity_env().items():
        monkeypatch.setenv(name, value)
    s = settings(
        MicrosoftAppType="UserAssignedMSI",
        MicrosoftAppId=authority.client_id,
        MicrosoftAppTenantId=authority.tenant_id,
        TO_CHANNEL_FROM_BOT_LOGIN_URL=login_url(authority),
    )
    assert authority.issued(f"Bearer {await bot_token(s)}")


async def test_the_doctor_proves_the_bots_credential(authority: Sandbox) -> None:
    pem = client_certificate_pem()
    authority.add_certificate(certificate_part(pem))
    values = {
        "MicrosoftAppId": authority.client_id,
        "MicrosoftAppTenantId": authority.tenant_id,
        "TO_CHANNEL_FROM_BOT_LOGIN_URL": login_url(authority),
        "GRAPH_BASE_URL": "sandbox",
    }
    assert (await doctor.bot_token(settings(**values, MicrosoftAppCertificate=pem))).status == Status.OK
    assert (
        await doctor.bot_token(settings(**values, MicrosoftAppPassword=authority.client_secret))
    ).status == (Status.OK)
    unknown = await doctor.bot_token(settings(**values, MicrosoftAppCertificate=client_certificate_pem()))
    assert unknown.status == Status.ERROR and "AADSTS700027" in unknown.result
    assert unknown.result.startswith("certificate ")
    anonymous = await doctor.bot_token(settings())
    assert anonymous.status == Status.SKIPPED


@pytest.fixture(scope="module")
def openid() -> Iterator[OpenIdServer]:
    with OpenIdServer() as server:
        yield server


async def test_a_bot_with_a_certificate_replies_with_the_token_it_got_for_it(
    authority: Sandbox, openid: OpenIdServer, tmp_path: Path
) -> None:
    pem = client_certificate_pem()
    authority.add_certificate(certificate_part(pem))
    s = make_settings(
        tmp_path,
        MicrosoftAppId=authority.client_id,
        MicrosoftAppTenantId=a.TENANT,  # the activities' tenant; the authority is the login URL as given
        MicrosoftAppCertificate=pem,
        TO_CHANNEL_FROM_BOT_LOGIN_URL=login_url(authority),
        TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=openid.metadata_url,
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=ISSUER,
    )
    async with ConnectorDouble(expect_anonymous=False) as connector, running_bot(s) as bot:
        inbound = openid.token(audience=authority.client_id, service_url=connector.url)
        status, _ = await bot.post_json(
            a.personal_message(connector.url, "apua"), headers={"Authorization": f"Bearer {inbound}"}
        )
        assert status in (200, 201, 202)
        (reply,) = await connector.wait_for(1)
    assert authority.issued(reply.headers.get("Authorization"))
