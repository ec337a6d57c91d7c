"""Graph with a client certificate and with a managed identity, through msgraph-sdk against the sandbox's
token authority (a locally generated certificate, a local identity endpoint; nothing reaches Microsoft)."""

from __future__ import annotations

import ssl
from collections.abc import Callable

import aiohttp
import pytest

from core.errors import Unavailable
from graph import open_workspace
from graph.config import GraphConfig
from graph.credentials import ClientCertificate, ManagedIdentity
from graph.sandbox import Sandbox
from tests.graph.certificates import certificate_part, client_certificate_pem
from tests.graph.conftest import TEAM


def certificate_config(sandbox: Sandbox, pem: str) -> GraphConfig:
    return sandbox.graph_config(client_secret="", certificate=ClientCertificate.from_pem(pem))


async def test_a_registered_certificate_gets_graph_tokens(sandbox: Sandbox) -> None:
    pem = client_certificate_pem()
    sandbox.add_certificate(certificate_part(pem))
    workspace = open_workspace(certificate_config(sandbox, pem))
    try:
        channel = await workspace.ensure_channel(TEAM, "Varmenneverkosto")
        folder = await workspace.channel_folder(TEAM, channel.id)
        await workspace.upload(folder, "muistio.txt", b"varmenne")
        assert [f.name for f in await workspace.list_files(folder)] == ["muistio.txt"]
    finally:
        await workspace.close()
    assert sandbox.tokens_issued == 1  # msal's cache: one token for every call


async def test_a_certificate_the_app_registration_does_not_know_is_refused(sandbox: Sandbox) -> None:
    sandbox.add_certificate(certificate_part(client_certificate_pem()))
    workspace = open_workspace(certificate_config(sandbox, client_certificate_pem("another")))
    try:
        with pytest.raises(Unavailable) as caught:
            await workspace.ensure_channel(TEAM, "Varmenneverkosto")
    finally:
        await workspace.close()
    assert caught.value.key == "graph.error.auth"
    assert "AADSTS700027" in caught.value.params["detail"]
    assert sandbox.tokens_issued == 0


async def test_a_managed_identity_gets_graph_tokens_from_the_hosts_endpoint(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in sandbox.managed_identity_env().items():
        monkeypatch.setenv(name, value)
    config = sandbox.graph_config(client_secret="", managed_identity=ManagedIdentity(sandbox.client_id))
    workspace = open_workspace(config)
    try:
        channel = await workspace.ensure_channel(TEAM, "Identiteettiverkosto")
        assert channel.name == "Identiteettiverkosto"
    finally:
        await workspace.close()
    assert sandbox.tokens_issued == 1


async def test_a_managed_identity_the_host_does_not_have_is_an_auth_error(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in sandbox.managed_identity_env().items():
        monkeypatch.setenv(name, value)
    config = sandbox.graph_config(client_secret="", managed_identity=ManagedIdentity("someone-else"))
    workspace = open_workspace(config)
    try:
        with pytest.raises(Unavailable) as caught:
            await workspace.ensure_channel(TEAM, "Identiteettiverkosto")
    finally:
        await workspace.close()
    assert caught.value.key == "graph.error.auth"


async def test_the_identity_endpoint_answers_400_to_a_request_without_a_resource(sandbox: Sandbox) -> None:
    # What msal would see from App Service's endpoint for a malformed request: a JSON 400, not a failure.
    env = sandbox.managed_identity_env()
    trust = ssl.create_default_context(cafile=str(sandbox.ca_bundle))
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=trust)) as session,
        session.get(
            env["IDENTITY_ENDPOINT"],
            params={"api-version": "2019-08-01"},
            headers={"X-IDENTITY-HEADER": env["IDENTITY_HEADER"]},
        ) as response,
    ):
        assert (response.status, (await response.json())["statusCode"]) == (400, 400)


def test_graph_takes_one_credential() -> None:
    pem = client_certificate_pem()
    with pytest.raises(ValueError, match="one credential"):
        GraphConfig(
            base_url="https://graph.microsoft.com/v1.0",
            authority_host="https://login.microsoftonline.com",
            tenant_id="t",
            client_id="c",
            client_secret="s",
            certificate=ClientCertificate.from_pem(pem),
        )


def _mismatched() -> str:
    one, other = client_certificate_pem(), client_certificate_pem()
    return one[: one.index("-----BEGIN CERTIFICATE-----")] + certificate_part(other)


def _encrypted() -> str:
    from cryptography.hazmat.primitives import serialization

    pem = client_certificate_pem()
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    locked = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"salasana"),
    )
    return locked.decode() + certificate_part(pem)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: "", "has no private key"),
        (lambda: certificate_part(client_certificate_pem()), "has no private key"),
        (lambda: client_certificate_pem().split("-----BEGIN CERTIFICATE-----")[0], "has no certificate"),
        (_mismatched, "does not belong to the certificate"),
        (_encrypted, "is encrypted"),
    ],
    ids=["empty", "certificate only", "key only", "another key", "encrypted"],
)
def test_a_certificate_that_cannot_sign_is_refused_in_one_line(make: Callable[[], str], message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        ClientCertificate.from_pem(make(), where="MicrosoftAppCertificateFile 'x.pem'")
    assert "\n" not in str(caught.value) and "x.pem" in str(caught.value)
