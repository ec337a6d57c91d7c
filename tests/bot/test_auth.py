"""Inbound authentication for real: a local OpenID/JWKS server, tokens signed with a test RSA key."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.harness import activities as a
from tests.harness.connector import ConnectorDouble
from tests.harness.openid import ISSUER, OpenIdServer, new_key
from tests.harness.running import RunningBot, free_port, make_settings, running_bot

APP_ID = "00000000-0000-4000-8000-00000000b07a"


@pytest.fixture(scope="module")
def openid() -> Iterator[OpenIdServer]:
    with OpenIdServer() as server:
        yield server


@pytest.fixture
async def secured_bot(tmp_path: Path, openid: OpenIdServer) -> AsyncIterator[RunningBot]:
    settings = make_settings(
        tmp_path,
        MicrosoftAppId=APP_ID,
        MicrosoftAppPassword="test-only-not-a-secret",
        MicrosoftAppTenantId="tenant-vertaansa",
        TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=openid.metadata_url,
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=ISSUER,
    )
    async with running_bot(settings) as running:
        yield running


@pytest.fixture
async def connector() -> AsyncIterator[ConnectorDouble]:
    async with ConnectorDouble(expect_anonymous=False) as double:
        yield double


async def test_valid_token_is_accepted(
    secured_bot: RunningBot, connector: ConnectorDouble, openid: OpenIdServer
) -> None:
    activity = a.card_action(connector.url, "help.language", {"lang": "en"})
    token = openid.token(audience=APP_ID, service_url=connector.url)
    status, body = await secured_bot.post_json(activity, headers={"Authorization": f"Bearer {token}"})
    assert status == 200
    assert body["value"]["body"][0]["text"] == "Hi, I'm Vertaisbotti"


def _bad_tokens(openid: OpenIdServer, service_url: str) -> dict[str, str | None]:
    return {
        "missing": None,
        "not a jwt": "Bearer not-a-token",
        "basic scheme": "Basic dXNlcjpwYXNz",
        "expired": openid.token(audience=APP_ID, service_url=service_url, expires_in=-3600),
        "wrong audience": openid.token(audience="someone-else", service_url=service_url),
        "wrong issuer": openid.token(audience=APP_ID, service_url=service_url, issuer="https://evil.test"),
        "wrong key": openid.token(audience=APP_ID, service_url=service_url, key=new_key()),
        "unknown key id": openid.token(audience=APP_ID, service_url=service_url, key=new_key(), kid="other"),
        "serviceurl mismatch": openid.token(
            audience=APP_ID, service_url="https://smba.trafficmanager.net/evil/"
        ),
    }


CASES = [
    "missing",
    "not a jwt",
    "basic scheme",
    "expired",
    "wrong audience",
    "wrong issuer",
    "wrong key",
    "unknown key id",
    "serviceurl mismatch",
]


@pytest.mark.parametrize("case", CASES)
async def test_bad_credentials_get_401_and_the_bot_sends_nothing(
    secured_bot: RunningBot, connector: ConnectorDouble, openid: OpenIdServer, case: str
) -> None:
    token = _bad_tokens(openid, connector.url)[case]
    if token is None:
        headers = {}
    elif token.startswith(("Bearer", "Basic")):
        headers = {"Authorization": token}
    else:
        headers = {"Authorization": f"Bearer {token}"}
    for activity in (
        a.personal_message(connector.url, "apua"),
        a.card_action(connector.url, "help.language", {"lang": "en"}),
    ):
        response = await secured_bot.post(activity, headers=headers)
        assert response.status == 401, case
    assert await connector.settle(0.2) == []
    _, metrics = await secured_bot.get("/metrics")
    assert 'vertaisbotti_turns_total{outcome="unauthorized",type="-"} 2.0' in metrics


async def test_a_valid_token_from_another_channel_or_tenant_is_refused(
    secured_bot: RunningBot, connector: ConnectorDouble, openid: OpenIdServer
) -> None:
    """Roles rest on `from.aadObjectId`, which only Teams vouches for; other tenants are not the project's."""
    token = openid.token(audience=APP_ID, service_url=connector.url)
    headers = {"Authorization": f"Bearer {token}"}
    webchat = a.card_action(connector.url, "help.language", {"lang": "en"}, channelId="webchat")
    other_tenant = a.card_action(connector.url, "help.language", {"lang": "en"})
    other_tenant["channelData"]["tenant"]["id"] = "someone-elses-tenant"
    # Teams' signing keys are endorsed for msteams only, so another channel fails the token check itself.
    assert (await secured_bot.post_json(webchat, headers=headers))[0] == 401
    assert (await secured_bot.post_json(other_tenant, headers=headers))[0] == 403
    assert await connector.settle(0.2) == []


async def test_unreachable_token_metadata_is_503_so_teams_can_try_again(
    tmp_path: Path, connector: ConnectorDouble, openid: OpenIdServer
) -> None:
    settings = make_settings(
        tmp_path,
        MicrosoftAppId=APP_ID,
        MicrosoftAppPassword="test-only-not-a-secret",
        MicrosoftAppTenantId="tenant-vertaansa",
        TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=f"http://127.0.0.1:{free_port()}/v1/.well-known/openid",
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=ISSUER,
    )
    token = openid.token(audience=APP_ID, service_url=connector.url)
    async with running_bot(settings) as bot:
        response = await bot.post(
            a.personal_message(connector.url, "apua"), {"Authorization": f"Bearer {token}"}
        )
    assert response.status == 503
    assert await connector.settle(0.1) == []
